import GoldenSupport
import LabApp
import LabRendering
import NeuralCore
import Testing

@Suite struct TrainReportTests {
    static func trainedSession(_ configuration: SessionConfiguration, epochs: Int) throws -> TrainingSession {
        let s = try TrainingSession(configuration)
        for _ in 0..<epochs { s.runEpoch() }
        return s
    }

    /// The whole report of a fixed-seed run, in plain ASCII (as piped output prints it).
    @Test func circlesReportIsStable() throws {
        let s = try Self.trainedSession(SessionConfiguration(
            data: .generated(DatasetSpec(kind: .circles, noise: 10, seed: 3)),
            hidden: [HiddenLayer(units: 4, activation: .tanh), HiddenLayer(units: 2, activation: .tanh)],
            settings: TrainingSettings(learningRate: 0.1, batchSize: 10), seed: 3), epochs: 40)
        let text = TrainReport.render(s, outcome: "trained for 40 epochs", theme: .plain)
        #expect(Golden.check("train-circles-ascii.txt", text) == nil, "\(Golden.check("train-circles-ascii.txt", text) ?? "")")
    }

    @Test func reluSpiralsReportIsStable() throws {
        let s = try Self.trainedSession(SessionConfiguration(
            data: .generated(DatasetSpec(kind: .spirals, classes: 3, seed: 1)), trainRatio: 0.8,
            hidden: [HiddenLayer(units: 20, activation: .relu)], weightInit: .normal(std: 0.5),
            settings: TrainingSettings(learningRate: 1, batchSize: 30), seed: 1), epochs: 30)
        let text = TrainReport.render(s, outcome: "trained for 30 epochs", theme: .unicodeMono)
        #expect(Golden.check("train-spirals-unicode.txt", text) == nil, "\(Golden.check("train-spirals-unicode.txt", text) ?? "")")
    }

    @Test func sineReportIsStable() throws {
        let s = try Self.trainedSession(SessionConfiguration(
            data: .generated(DatasetSpec(kind: .sine, count: 100, seed: 2)),
            hidden: [HiddenLayer(units: 6, activation: .logistic)],
            settings: TrainingSettings(learningRate: 0.05, batchSize: 10, optimizer: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)), seed: 2),
            epochs: 150)
        let text = TrainReport.render(s, outcome: "trained for 150 epochs", theme: .plain)
        #expect(Golden.check("train-sine-ascii.txt", text) == nil, "\(Golden.check("train-sine-ascii.txt", text) ?? "")")
    }

    /// Colour output carries ANSI codes; plain output never does.
    @Test func colourOnlyWhenAsked() throws {
        let s = try Self.trainedSession(SessionConfiguration(data: .generated(DatasetSpec(kind: .gauss)), hidden: [],
                                                             settings: TrainingSettings()), epochs: 2)
        #expect(TrainReport.render(s, outcome: "x", theme: .full).contains("\u{1B}["))
        #expect(!TrainReport.render(s, outcome: "x", theme: .plain).contains("\u{1B}"))
        #expect(!TrainReport.render(s, outcome: "x", theme: .unicodeMono).contains("\u{1B}"))
        #expect(TrainReport.render(s, outcome: "x", theme: .plain).unicodeScalars.allSatisfy { $0.isASCII })
    }

    /// Targets of 1e30 (too large for float32 squares): the session diverges before its first
    /// step and says so; the report prints its numbers as words, never NaN digits or a trap.
    @Test func aRunThatCannotStartIsReported() throws {
        let n = 8
        let dataset = Dataset(name: "huge", dimension: 2, points: (0..<2 * n).map { Double($0) },
                              targets: .values((0..<n).map { _ in 1e30 }, width: 1), domain: (-1...10, -1...20))
        let s = try TrainingSession(SessionConfiguration(data: .generated(DatasetSpec(kind: .plane)), hidden: [HiddenLayer(units: 2, activation: .tanh)]),
                                    dataset: dataset)
        #expect(s.hasDiverged && s.divergence!.contains("before training"))
        #expect(!s.runEpoch(), "no step after a divergence")
        let text = TrainReport.render(s, outcome: "x", theme: .plain)
        #expect(text.contains("the loss is not a finite number before training"))
        #expect(text.contains("  train       inf           -"), "\(text)")
        let probes = TrainReport.probeLines(s.probes(), glyphs: .asciiSet)
        #expect(probes.count == 1)
        // Colours of NaN pick a colour, never trap.
        #expect(Color.grey(.nan) == .indexed(232) && Color.rgb(.nan, .infinity, -.infinity) == Color.rgb(0, 1, 0))
    }
}

