import Foundation
import LabApp
import LabRendering
import Lessons
import NeuralCore
import Testing

/// Random small configurations with extreme inputs (data up to 1e30, initial scales up to
/// 1000, learning rates from 1e-320 to 1e30) through the session, the report, the probes and
/// every screen of the lab. Nothing may trap: each run trains to its end, diverges with an
/// explanation, or is refused with a message. Seeded, and bounded in time.
@Suite struct FuzzTests {
    struct Counts { var finished = 0, diverged = 0, refused = 0 }

    static func draw(_ rng: inout SeededGenerator) -> (SessionConfiguration, Dataset?) {
        let kinds = DatasetKind.allCases
        let kind = kinds[rng.index(below: kinds.count)]
        var c = SessionConfiguration(data: .generated(DatasetSpec(kind: kind, count: 4 + rng.index(below: 60), noise: Double(rng.index(below: 51)), seed: UInt64(rng.index(below: 100)))),
                                     hidden: (0..<rng.index(below: 4)).map { _ in HiddenLayer(units: 1 + rng.index(below: 8), activation: Activation.all[rng.index(below: Activation.all.count)]) })
        if c.hidden.contains(where: { $0.activation == .step }) || rng.index(below: 4) == 0 { c.hidden = c.hidden.map { HiddenLayer(units: $0.units, activation: .tanh) } }
        c.settings.learningRate = pow(10, rng.uniform(-320, 30))
        c.settings.batchSize = 1 + rng.index(below: 20)
        c.settings.optimizer = [Optimizer.sgd, .momentum(mu: 0.9), .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)][rng.index(below: 3)]
        c.settings.l2 = rng.index(below: 3) == 0 ? pow(10, rng.uniform(-6, 2)) : 0
        c.weightInit = [WeightInit.glorot(), .he(), .uniform(range: pow(10, rng.uniform(-3, 3))), .normal(std: pow(10, rng.uniform(-3, 3)))][rng.index(below: 4)]
        c.biasInit = rng.uniform(-150, 150)  // beyond 100: refused
        c.seed = UInt64(rng.index(below: 1000))
        // Every third run: points and targets far beyond what a CSV may hold (1e6), handed to
        // the session directly.
        guard rng.index(below: 3) == 0 else { return (c, nil) }
        let n = 4 + rng.index(below: 30)
        let scale = pow(10, rng.uniform(0, 30))
        let points = (0..<2 * n).map { _ in rng.uniform(-1, 1) * scale }
        let regression = rng.index(below: 2) == 0
        let targets: Examples<Double>.Targets = regression
            ? .values((0..<n).map { _ in rng.uniform(-1, 1) * scale }, width: 1)
            : .classes((0..<n).map { Int32($0 % 2) }, classCount: 2)
        let dataset = Dataset(name: "extreme", dimension: 2, points: points, targets: targets, domain: (-scale...scale, -scale...scale))
        c.data = .generated(DatasetSpec(kind: regression ? .plane : .gauss))
        c.features = .plain
        return (c, dataset)
    }

    /// Draws of `extremeInputsNeverTrap` (seeded: the same every run).
    static let runs = 240

    @Test func extremeInputsNeverTrap() throws {
        var rng = SeededGenerator(seed: 20_261_204)
        var counts = Counts()
        var lesson = try ShippedLessons.load(ShippedLessons.defaultName)
        // A fixed number of draws (not a time budget): the same cases on a slow machine.
        for run in 0..<Self.runs {
            let (configuration, dataset) = Self.draw(&rng)
            do {
                let session = try TrainingSession(configuration, dataset: dataset)
                for _ in 0..<3 where session.runEpoch() {}
                let report = TrainReport.render(session, outcome: "fuzz", theme: run % 2 == 0 ? .plain : Theme(colorMode: .full, glyphs: .unicodeSet))
                #expect(!report.isEmpty)
                if session.hasDiverged {
                    counts.diverged += 1
                    #expect(session.divergence?.isEmpty == false, "a divergence is explained")
                } else {
                    counts.finished += 1
                }
                #expect(session.metrics.epoch == (session.hasDiverged ? session.metrics.epoch : 3), "three epochs ran")
                _ = session.probes()
                // The lab on the same settings (generated data), every main view, two sizes.
                guard dataset == nil else { continue }
                lesson.configuration = configuration
                var options = LabOptions()
                options.paused = true
                let lab = try Lab(scenario: lesson, options: options)
                lab.trainSynchronously(epochs: 2)
                for key in [KeyEvent.char("v"), .char("v"), .char("f"), .char("n"), .escape] {
                    lab.handle(key)
                    lab.tick()
                    for (w, h) in [(80, 24), (150, 45)] { _ = lab.compose(width: w, height: h, theme: .unicodeMono) }
                }
            } catch let e as NNLabError {
                counts.refused += 1
                #expect(!e.message.isEmpty)
            }
        }
        // The draw must reach all three outcomes, or it tests less than it claims.
        #expect(counts.finished > 10 && counts.diverged > 10 && counts.refused > 10, "\(counts)")
        print("fuzz: \(counts)")
    }
}

/// A lesson's text is untrusted: its control characters reach the screen only as visible text.
@Suite struct UntrustedTextTests {
    @Test func theLessonPanelShowsControlCharactersEscaped() throws {
        let yaml = """
            title: "Colours \\e[31mred"
            lesson: "Clear \\e[2J the screen, ring \\a the bell, \\x9b C1 too"
            data: {dataset: xor-table}
            network: {layers: [2], activation: logistic}
            training: {epochs: 10, learning_rate: 1, batch: 4}
            """
        let scenario = try ScenarioParser.parse(yaml, path: "evil.yaml", directory: nil)
        #expect(scenario.lesson.contains(#"\u{1B}[2J"#) && scenario.title.contains(#"\u{1B}[31m"#))
        var options = LabOptions()
        options.paused = true
        let lab = try Lab(scenario: scenario, options: options)
        let screen = lab.compose(width: 120, height: 40, theme: Theme(colorMode: .full, glyphs: .unicodeSet))
        #expect(screen.cells.allSatisfy { cell in cell.character.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) } })
        let text = screen.plainText
        #expect(text.contains(#"\u{1B}[2J"#) && text.contains(#"\u{7}"#) && text.contains(#"\u{9B}"#), "\(text)")
        // Even a control character put into a cell directly is left out of the text output.
        var buffer = Buffer(width: 10, height: 1)
        buffer.put("a\u{1B}[31mb\u{9B}c", x: 0, y: 0)
        #expect(buffer.line(0) == "a[31mbc")
    }
}
