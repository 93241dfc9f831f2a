#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LabApp
import LabRendering
import Lessons
import NeuralCore

/// The checkpoint workloads of `nnlab bench --timeline`: what keeping checkpoints costs the
/// training, how fast a scrubbed screen is drawn, and the lab's peak memory on a large network.
public enum TimelineBench {
    /// Training speed of the 2-8-8-1 tanh spiral (lesson 6a's deep network, Adam, batch 10) on
    /// the lab's training thread, with and without checkpoints, in alternating rounds of
    /// `seconds` each; the median of each.
    public static func overhead(rounds: Int = 5, seconds: Double = 1, xor: Bool = false) throws -> UIBench.Result {
        var scenario = try ShippedLessons.load(xor ? "04-xor-two-hidden-units" : "06a-spiral-deep")
        scenario.variants = []
        if !xor { scenario.configuration.hidden = [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)] }
        func rate(checkpoints: Bool) throws -> Double {
            let session = try TrainingSession(scenario.configuration)
            if checkpoints { session.keepCheckpoints() }
            let controller = TrainingController(session: session, running: true)
            let clock = ContinuousClock()
            let start = clock.now
            controller.start()
            sleepSeconds(seconds)
            controller.shutdown()
            return Double(session.trainer.stepCount) / ((clock.now - start) / .seconds(1))
        }
        var with: [Double] = [], without: [Double] = []
        for _ in 0..<rounds {
            without.append(try rate(checkpoints: false))
            with.append(try rate(checkpoints: true))
        }
        let a = median(with), b = median(without)
        return UIBench.Result(json: "{\"workload\":\"timeline-overhead\",\"network\":\"\(xor ? "2-2-1 XOR table, one step an epoch" : "2-8-8-1 spiral")\",\"rounds\":\(rounds),"
                              + "\"steps_per_s_with\":\(a.rounded()),\"steps_per_s_without\":\(b.rounded()),"
                              + "\"cost_percent\":\(((1 - a / b) * 1000).rounded() / 10),\"target_percent\":10}")
    }

    /// The lab on W4's network and data (2-256-256-2 ReLU, 8,192 circles points, batch 256,
    /// SGD 0.1) trained on its own thread until the checkpoints are thinned, then scrubbed to
    /// `scrubs` checkpoints spread over the timeline, each composed at 200x60: the slowest and
    /// median redraw, and the process's peak memory against the budget + 50 MB. Run it in a
    /// process of its own (the peak is the process's).
    public static func largeNetwork(epochs: Int = 230, scrubs: Int = 40) throws -> [UIBench.Result] {
        var scenario = try ShippedLessons.load("05c-circles-hidden-layer")
        scenario.variants = []
        scenario.configuration.data = .generated(DatasetSpec(kind: .circles, count: 8192, seed: 4))
        scenario.configuration.features = .plain
        scenario.configuration.hidden = [HiddenLayer(units: 256, activation: .relu), HiddenLayer(units: 256, activation: .relu)]
        scenario.configuration.output = .softmax
        scenario.configuration.weightInit = nil
        scenario.configuration.settings = TrainingSettings(learningRate: 0.1, batchSize: 256, optimizer: .sgd)
        scenario.view.paused = false
        scenario.claims = []
        let lab = try Lab(scenario: scenario)
        lab.start()
        let clock = ContinuousClock()
        let trainStart = clock.now
        while lab.controller.snapshot.epoch < epochs {
            // The lab draws while it trains.
            _ = lab.compose(width: 200, height: 60, theme: .full)
            sleepSeconds(0.03)
        }
        let trainSeconds = (clock.now - trainStart) / .seconds(1)
        lab.handle(.end)
        lab.handle(.left)
        sleepSeconds(0.2)
        let checkpoints = lab.controller.snapshot.checkpoints
        let kept = checkpoints.count
        let bytes = lab.controller.session.timeline.map(\.bytes) ?? 0
        var times: [Double] = []
        lab.handle(.home)
        var position = 0
        for i in 0..<scrubs {
            let target = i * (kept - 1) / Swift.max(1, scrubs - 1)
            let start = clock.now
            while position < target {
                lab.handle(position + 10 <= target ? .char(">") : .right)
                position += position + 10 <= target ? 10 : 1
            }
            let buffer = lab.compose(width: 200, height: 60, theme: .full)
            times.append((clock.now - start) / .milliseconds(1))
            precondition(buffer.width == 200)
        }
        lab.stop()
        // The alternative to storing each checkpoint's probes: computing them again when shown.
        let session = lab.controller.session
        let prober = Prober(architecture: session.architecture, train: session.train)
        let probeStart = clock.now
        for c in checkpoints.prefix(5) { _ = prober.probe(c.network) }
        let probeMs = (clock.now - probeStart) / .milliseconds(1) / Double(Swift.min(5, kept))
        var usage = rusage()
        #if os(Linux)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1048576
        #endif
        let budgetMB = Double(lab.checkpointBudget >> 20)
        return [
            UIBench.Result(json: "{\"workload\":\"timeline-scrub\",\"network\":\"2-256-256-2 circles\",\"width\":200,\"height\":60,"
                           + "\"checkpoints\":\(kept),\"scrubs\":\(scrubs),\"ms_max\":\(round2(times.max() ?? 0)),"
                           + "\"ms_median\":\(round2(median(times))),\"target_ms\":50,\"probes_stored\":true,\"probe_recompute_ms\":\(round2(probeMs))}"),
            UIBench.Result(json: "{\"workload\":\"timeline-memory\",\"network\":\"2-256-256-2 circles\",\"epochs\":\(epochs),"
                           + "\"train_seconds\":\(round2(trainSeconds)),\"checkpoints\":\(kept),\"checkpoint_mb\":\(round2(Double(bytes) / 1048576)),"
                           + "\"peak_rss_mb\":\(round2(peakMB)),\"budget_mb\":\(budgetMB),\"limit_mb\":\(budgetMB + 50)}"),
        ]
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        return values.sorted()[values.count / 2]
    }

    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    static func sleepSeconds(_ s: Double) {
        var ts = timespec(tv_sec: Int(s), tv_nsec: Int((s - Double(Int(s))) * 1e9))
        nanosleep(&ts, nil)
    }
}
