import Foundation
import LabApp
import LabRendering
import Lessons
import NeuralCore

/// The screen workloads of `nnlab bench --ui`.
public enum UIBench {
    /// One screen measurement.
    public struct Result: Sendable {
        public let json: String
    }

    /// Times `body` over `frames` frames after one untimed frame; returns seconds.
    static func time(frames: Int, _ body: () -> Void) -> Double {
        body()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<frames { body() }
        let d = clock.now - start
        return d / .seconds(1)
    }

    /// Sampling the decision function on the map's grid: the map panel of a 200x60 dashboard
    /// holds 120 x 50 cells, 120 x 100 pixels with half blocks, for a 2-8-8-1 tanh network on
    /// circles with the x1, x2, r features.
    public static func decisionGrid(frames: Int = 300) -> Result {
        let arch = Architecture(inputs: 3, hidden: [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)],
                                outputs: 1, output: .logistic)
        let network = try! Network<Float>(architecture: arch, seed: 1)
        let sampler = GridSampler(architecture: arch, features: FeatureSet([.x1, .x2, .r]))
        let (columns, rows) = (120, 100)
        let seconds = time(frames: frames) {
            _ = sampler.sample(network, columns: columns, rows: rows, x: -6...6, y: -6...6)
        }
        return Result(json: "{\"workload\":\"ui-decision-grid\",\"cells\":\(columns * rows),\"frames\":\(frames),\"seconds\":\(seconds),\"ms_per_frame\":\((seconds / Double(frames) * 1e6).rounded() / 1e3)}")
    }

    /// Composing the whole training dashboard into a 200x60 buffer, as the lab does for every
    /// frame: the 2-8-8-1 tanh spiral lesson after 50 epochs, decision map (sampled anew each
    /// frame), network diagram, layer panel, loss chart, lesson text, header and footer, in
    /// 256 colours with Unicode glyphs.
    public static func dashboard(frames: Int = 300) throws -> Result {
        var options = LabOptions()
        options.paused = true
        // Lesson 6a's deep network with tanh units, alone (as this workload has always measured).
        var scenario = try ShippedLessons.load("06a-spiral-deep")
        scenario.variants = []
        scenario.configuration.hidden = [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)]
        let lab = try Lab(scenario: scenario, options: options)
        lab.trainSynchronously(epochs: 50)
        return compose(lab, name: "ui-dashboard", frames: frames)
    }

    /// The dashboard with the layers view as its main panel (`L`) on lesson 23a's twelve tanh
    /// layers (gain 5/3) after 20 epochs, at 200x60: compare with `ui-dashboard-12` (the same
    /// network on the map) for what the view costs a frame.
    public static func layersView(frames: Int = 300) throws -> [Result] {
        var options = LabOptions()
        options.paused = true
        var scenario = try ShippedLessons.load("23a-gain-and-depth")
        scenario.variants = []
        scenario.configuration.weightInit = .glorot(gain: 5.0 / 3)
        let lab = try Lab(scenario: scenario, options: options)
        lab.trainSynchronously(epochs: 20)
        let map = compose(lab, name: "ui-dashboard-12", frames: frames)
        lab.handle(.char("L"))
        return [map, compose(lab, name: "ui-layers-view", frames: frames)]
    }

    /// What the probes (the layers view's numbers, computed once an epoch) cost training on
    /// W5's network (12 residual layers of 32 tanh units with layer norm, 1,024 points, batch
    /// 32): the seconds of one probe against those of one epoch's 32 steps, median of 9
    /// alternating rounds.
    public static func probeCost(rounds: Int = 9) throws -> Result {
        let w = try Workload.load("W5")
        let prober = Prober(architecture: w.architecture, train: w.examples)
        let (trainer, _) = BenchRunner.train(w, steps: 32)
        let clock = ContinuousClock()
        var epochs: [Double] = [], probes: [Double] = []
        for _ in 0..<rounds {
            var start = clock.now
            trainer.run(steps: 32)
            epochs.append((clock.now - start) / .seconds(1))
            start = clock.now
            _ = prober.probe(trainer.network)
            probes.append((clock.now - start) / .seconds(1))
        }
        let e = epochs.sorted()[rounds / 2], p = probes.sorted()[rounds / 2]
        return Result(json: "{\"workload\":\"ui-probe-cost-w5\",\"epoch_ms\":\((e * 1e6).rounded() / 1e3),\"probe_ms\":\((p * 1e6).rounded() / 1e3),"
                      + "\"share_of_training\":\(((p / (e + p)) * 1000).rounded() / 1000)}")
    }

    /// Composing the compare screen with four networks into a 200x60 buffer: lesson 9b's six
    /// layers of logistic, tanh and ReLU units and a clone, after 20 epochs, four decision
    /// maps (each sampled anew), the numbers, the loss and accuracy charts, in 256 colours.
    public static func compare(frames: Int = 200) throws -> Result {
        var options = LabOptions()
        options.paused = true
        let lab = try Lab(scenario: ShippedLessons.load("09b-vanishing-gradients"), options: options)
        lab.handle(.char("c"))
        precondition(lab.panes.count == 4)
        lab.trainSynchronously(epochs: 20)
        return compose(lab, name: "ui-compare", frames: frames)
    }

    /// Opening the step-through (`f`) and moving to the next example, as a student does: the
    /// traces of the two examples (forward, backward, the update, the sampled finite-difference
    /// check; made on another thread for networks this size, and waited for) and the first frame of the screen at 200x60. On 2-256-256-2 ReLU (softmax, the
    /// circles) and on eight layers of 512 (XOR); each measured `repeats` times, the median.
    public static func stepThrough(repeats: Int = 5) throws -> [Result] {
        func open(_ name: String, hidden: [Int], activation: Activation, dataset: DatasetKind) throws -> Result {
            let lab = try pausedLab(hidden: hidden.map { HiddenLayer(units: $0, activation: activation) },
                                    data: DatasetSpec(kind: dataset, seed: 1))
            let clock = ContinuousClock()
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = clock.now
                lab.handle(.char("f"))
                lab.waitForTrace()
                lab.handle(.right)
                lab.waitForTrace()
                _ = lab.compose(width: 200, height: 60, theme: .full)
                times.append((clock.now - start) / .seconds(1))
                lab.handle(.escape)
            }
            let median = times.sorted()[times.count / 2]
            let parameters = lab.session.architecture.parameterCount
            return Result(json: "{\"workload\":\"\(name)\",\"parameters\":\(parameters),\"repeats\":\(repeats),\"seconds_median\":\(median),\"ms\":\((median * 1e6).rounded() / 1e3)}")
        }
        return [try open("ui-step-2-256-256-2", hidden: [256, 256], activation: .relu, dataset: .circles),
                try open("ui-step-8x512", hidden: [Int](repeating: 512, count: 8), activation: .tanh, dataset: .xorTable)]
    }

    /// Lesson 4 alone with `hidden` layers on `data` (the output and loss that fit it), paused.
    static func pausedLab(hidden: [HiddenLayer], data: DatasetSpec) throws -> Lab {
        var options = LabOptions()
        options.paused = true
        var scenario = try ShippedLessons.load("04-xor-two-hidden-units")
        scenario.variants = []
        scenario.configuration.hidden = hidden
        scenario.configuration.data = .generated(data)
        scenario.configuration.output = nil
        scenario.configuration.loss = nil
        return try Lab(scenario: scenario, options: options)
    }

    /// Removing points one at a time in the data editor (`E`, backspace), as a student does:
    /// the circles of 100,000 points on 2-8-8-1 tanh, paused; each removal hands the data to
    /// the training thread; `edits` removals, then the frame at 200x60 (timed on its own), then
    /// the time until the training thread has taken them all.
    public static func removePoints(edits: Int = 100) throws -> Result {
        let lab = try pausedLab(hidden: [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)],
                                data: DatasetSpec(kind: .circles, count: 100_000, seed: 1))
        lab.start()
        defer { lab.stop() }
        lab.handle(.char("E"))
        let before = lab.data.dataset.count
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<edits { lab.handle(.backspace) }
        let keys = (clock.now - start) / .seconds(1)
        let framed = clock.now
        _ = lab.compose(width: 200, height: 60, theme: .full)
        let frame = (clock.now - framed) / .seconds(1)
        lab.controller.waitForEdits()
        let seconds = (clock.now - start) / .seconds(1)
        precondition(lab.data.dataset.count == before - edits && lab.session.dataset.count == before - edits)
        return Result(json: "{\"workload\":\"ui-remove-100k\",\"points\":\(before),\"edits\":\(edits),\"seconds_keys\":\(keys),\"seconds\":\(seconds),\"per_second\":\((Double(edits) / seconds).rounded()),\"ms_frame\":\((frame * 1e6).rounded() / 1e3)}")
    }

    /// The share of a core the lab's loop spends on frames, paused and running: the loop of
    /// `nnlab open` (tick, a frame composed only when its signature changed or a second
    /// passed, a wait of 33 ms for a key) for `seconds` each on lesson 6a's 2-8-8-1 spiral at
    /// 200x60, timed by the main thread's own CPU clock (the training thread's work is not
    /// counted; the terminal's diff and write are not included).
    public static func loopShare(seconds: Double = 3) throws -> [Result] {
        var options = LabOptions()
        options.paused = true
        var scenario = try ShippedLessons.load("06a-spiral-deep")
        scenario.variants = []
        scenario.claims = []  // no lesson moment: training runs on
        let lab = try Lab(scenario: scenario, options: options)
        lab.start()
        defer { lab.stop() }
        func threadCPU() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        func measure(_ name: String) -> Result {
            let clock = ContinuousClock()
            let start = clock.now, cpu = threadCPU()
            var drawn: Lab.DrawSignature?
            var lastDraw = clock.now
            var frames = 0
            while clock.now - start < .milliseconds(Int(seconds * 1000)) {
                lab.tick()
                let signature = lab.drawSignature(width: 200, height: 60)
                if signature != drawn || clock.now - lastDraw > .seconds(1) {
                    _ = lab.render(width: 200, height: 60, theme: .full)
                    drawn = signature
                    lastDraw = clock.now
                    frames += 1
                }
                usleep(33_000)
            }
            let wall = (clock.now - start) / .seconds(1)
            let share = (threadCPU() - cpu) / wall
            return Result(json: "{\"workload\":\"\(name)\",\"width\":200,\"height\":60,\"seconds\":\(wall),\"frames\":\(frames),\"cpu_share\":\((share * 1e4).rounded() / 1e4)}")
        }
        let paused = measure("ui-loop-paused")
        lab.handle(.char(" "))
        let running = measure("ui-loop-running")
        precondition(lab.controller.snapshot.status == .running, "the lab trained throughout")
        return [paused, running]
    }

    static func compose(_ lab: Lab, name: String, frames: Int) -> Result {
        let (width, height) = (200, 60)
        var cells = 0
        let seconds = time(frames: frames) {
            let buffer = lab.compose(width: width, height: height, theme: .full)
            cells &+= buffer.width
        }
        precondition(cells > 0)
        return Result(json: "{\"workload\":\"\(name)\",\"width\":\(width),\"height\":\(height),\"frames\":\(frames),\"seconds\":\(seconds),\"ms_per_frame\":\((seconds / Double(frames) * 1e6).rounded() / 1e3)}")
    }
}
