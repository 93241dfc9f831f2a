import ArgumentParser
import Foundation
import LabApp
import LabRendering
import NeuralCore

/// The flags that define a training run, shared by `train` and the lab.
struct TrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Data set: \(DatasetKind.names.joined(separator: ", ")).", valueName: "name"))
    var dataset: String = "circles"

    @Option(help: ArgumentHelp("Your own CSV instead: a header, then x1,x2,label rows (or x,y for a 1-D function).", valueName: "file.csv"))
    var data: String?

    @Option(parsing: .unconditional, help: "Noise in percent, 0 to 50 (default 0; 20 for spirals).")
    var noise: Double?

    @Option(help: "Number of points to generate (default: 500 for classification, 1200 for regression).")
    var points: Int?

    @Option(help: "Arms (classes) of the spirals data set, 2 to 5.")
    var classes: Int = 3

    @Option(name: .customLong("train-ratio"), parsing: .unconditional, help: "Share of the points for training: 0.1 to 0.9 (or 10 to 90 percent).")
    var trainRatio: Double = 0.5

    @Option(help: ArgumentHelp("Input features: \(Feature.names.joined(separator: ", ")).", valueName: "list"))
    var features: String = "x1,x2"

    @Option(help: ArgumentHelp("Hidden layer widths, e.g. 8,8 (none: a single neuron). Up to \(Limits.maxHiddenLayers) layers of up to \(Limits.maxUnits) units.", valueName: "widths"))
    var layers: String = "4,2"

    @Option(help: ArgumentHelp("Hidden activation, one name or one per layer: \(Activation.names.joined(separator: ", ")) (leaky_relu:0.1, maxout:3 take a parameter).", valueName: "name"))
    var activation: String = "tanh"

    @Option(help: "Output activation: identity, logistic, softmax, step (default: from the data).")
    var output: String?

    @Option(help: "Loss: squared_error or cross_entropy (default: from the output).")
    var loss: String?

    @Option(name: .customLong("init"), help: "Weight initialisation: glorot, he, uniform:R, normal:STD (default: he for ReLU-like units, glorot otherwise).")
    var initialization: String?

    @Option(name: .customLong("bias-init"), parsing: .unconditional, help: "Initial value of every bias (the lecture suggests 0.1 for ReLU).")
    var biasInit: Double = 0

    @Option(help: "Optimizer: sgd, momentum, momentum:MU, adam.")
    var optimizer: String = "sgd"

    @Option(parsing: .unconditional, help: "Learning rate eta (greater than 0).")
    var lr: Double = 0.03

    @Option(help: "Minibatch size (at least 1).")
    var batch: Int = 10

    @Option(parsing: .unconditional, help: "L1 regularisation strength (weights only).")
    var l1: Double = 0

    @Option(parsing: .unconditional, help: "L2 regularisation strength lambda (weights only).")
    var l2: Double = 0

    @Option(help: "Seed of the data, the weights and the shuffles.")
    var seed: UInt64 = 1

    /// The session configuration these flags describe; every error names its flag.
    func configuration() throws -> SessionConfiguration {
        let source: DataSource
        if let data {
            source = .file(data)
        } else {
            guard let kind = DatasetKind(rawValue: dataset.lowercased()) else {
                throw NNLabError("--dataset: " + choiceMessage(found: dataset, allowed: DatasetKind.names))
            }
            if let noise { _ = try Parse.number(noise, flag: "--noise") }
            if let noise, noise > 50 { throw NNLabError("--noise: must be between 0 and 50 (percent), found \(Parse.formatNumber(noise))") }
            if let points, !(4...DatasetSpec.maxCount).contains(points) {
                throw NNLabError("--points: must be between 4 and \(DatasetSpec.maxCount), found \(points)")
            }
            guard (2...5).contains(classes) else { throw NNLabError("--classes: the spirals have 2 to 5 arms, found \(classes)") }
            source = .generated(DatasetSpec(kind: kind, count: points, noise: noise, classes: classes, seed: seed))
        }
        var ratio = try Parse.number(trainRatio, flag: "--train-ratio", minimum: 0, exclusive: true)
        if ratio > 1 {
            guard (10...90).contains(ratio) else { throw NNLabError("--train-ratio: give 0.1 to 0.9 or 10 to 90 (percent), found \(Parse.formatNumber(ratio))") }
            ratio /= 100
        }
        guard (0.1...0.9).contains(ratio) else { throw NNLabError("--train-ratio: give 0.1 to 0.9 or 10 to 90 (percent), found \(Parse.formatNumber(ratio))") }
        let featureSet: FeatureSet
        do { featureSet = try FeatureSet(parsing: features) } catch let e as NNLabError { throw NNLabError("--features: \(e.message)") }
        let widths = try Parse.widths(layers, flag: "--layers", allowNone: true)
        guard widths.count <= Limits.maxHiddenLayers else {
            throw NNLabError("--layers: at most \(Limits.maxHiddenLayers) hidden layers, found \(widths.count)")
        }
        let activations = try Parse.activations(activation, flag: "--activation", hiddenCount: max(widths.count, 1))
        let out = try output.map { try Parse.output($0, flag: "--output") }
        let lossKind = try loss.map { try Parse.loss($0, flag: "--loss") }
        var weightInit: WeightInit?
        if let initialization {
            guard let w = WeightInit(name: initialization) else {
                throw NNLabError("--init: " + choiceMessage(found: initialization, allowed: ["glorot", "he", "uniform", "normal"]) + " (uniform:R and normal:STD take a positive number)")
            }
            weightInit = w
        }
        guard biasInit.isFinite, abs(biasInit) <= 100 else { throw NNLabError("--bias-init: must be between -100 and 100, found \(biasInit)") }
        guard let opt = Optimizer(name: optimizer) else {
            throw NNLabError("--optimizer: " + choiceMessage(found: optimizer, allowed: Optimizer.names))
        }
        _ = try Parse.number(lr, flag: "--lr", minimum: 0, exclusive: true)
        guard lr <= 1000 else { throw NNLabError("--lr: must be at most 1000, found \(Parse.formatNumber(lr))") }
        guard batch >= 1 else { throw NNLabError("--batch: must be at least 1, found \(batch)") }
        guard batch <= DatasetSpec.maxCount else { throw NNLabError("--batch: must be at most \(DatasetSpec.maxCount), found \(batch)") }
        _ = try Parse.number(l1, flag: "--l1")
        _ = try Parse.number(l2, flag: "--l2")
        return SessionConfiguration(
            data: source, trainRatio: ratio, features: featureSet,
            hidden: zip(widths, activations).map { HiddenLayer(units: $0, activation: $1) },
            output: out, loss: lossKind, weightInit: weightInit, biasInit: biasInit,
            settings: TrainingSettings(learningRate: lr, batchSize: batch, l1: l1, l2: l2, optimizer: opt), seed: seed)
    }
}

extension NNLab {
    /// `nnlab train`: a headless training run with a report.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a network headless and report what it learned.",
            discussion: """
            Examples:
              nnlab train --dataset xor-table --layers 2 --activation logistic --lr 1 --batch 4 --epochs 3000 --seed 2
              nnlab train --dataset circles --layers none --features x1,x2,r --epochs 200
              nnlab train --dataset spirals --classes 3 --layers 100 --activation relu --lr 1 --batch 300 --l2 0.001 --epochs 2000
            Exit status: 0 when training ends normally, 1 when it diverged, 2 for bad arguments or files.
            """)

        @OptionGroup var options: TrainingOptions

        @Option(help: "Epochs to train (at most 1,000,000).")
        var epochs: Int = 100

        @Option(name: .customLong("target-loss"), parsing: .unconditional, help: "Stop as soon as the training loss is at most this.")
        var targetLoss: Double?

        @Option(help: ArgumentHelp("Continue from a saved model (its layers replace --layers).", valueName: "model.json"))
        var model: String?

        @Option(help: ArgumentHelp("Write one CSV row per epoch: every metric and probe.", valueName: "file.csv"))
        var log: String?

        @Option(help: ArgumentHelp("Save the trained model (atomic write).", valueName: "model.json"))
        var save: String?

        @Flag(help: "Plain ASCII output, no colour.")
        var ascii = false

        @Flag(help: "No progress bar.")
        var quiet = false

        func run() throws {
            guard (1...1_000_000).contains(epochs) else { throw NNLabError("--epochs: must be between 1 and 1,000,000, found \(epochs)") }
            if let t = targetLoss { _ = try Parse.number(t, flag: "--target-loss") }
            let configuration = try options.configuration()
            let loaded: Network<Float>? = try model.map { try ModelFile.load($0) }
            let session = try TrainingSession(configuration, model: loaded)
            let style = OutputStyle.detect(ascii: ascii)
            let theme = Theme(colorMode: style.color ? .full : .mono, glyphs: style.unicode ? .unicodeSet : .asciiSet)
            let outcome = try HeadlessRun(session: session, epochs: epochs, targetLoss: targetLoss, log: log,
                                          progress: !quiet && isatty(STDERR_FILENO) == 1, unicode: style.unicode).run()
            print(TrainReport.render(session, outcome: outcome, theme: theme))
            if let save {
                try ModelFile.save(session.network, to: save, extras: [("training", trainingJSON(session))])
                FileHandle.standardError.write(Data("saved the model to \(save)\n".utf8))
            }
            if session.hasDiverged { throw ExitCode(1) }
        }
    }
}

/// The settings of a run as JSON, stored beside the weights in saved models.
func trainingJSON(_ session: TrainingSession) -> String {
    let s = session.trainer.settings
    let c = session.configuration
    var data = ""
    switch c.data {
    case .generated(let spec):
        data = "\"dataset\": \(jsonString(spec.kind.rawValue)), \"noise\": \(spec.noise), \"points\": \(spec.count)"
    case .file(let path):
        data = "\"data\": \(jsonString(path))"
    }
    return "{\(data), \"features\": \(jsonString(c.features.description)), \"optimizer\": \(jsonString(s.optimizer.description)), "
        + "\"learning_rate\": \(s.learningRate), \"batch\": \(s.batchSize), \"l1\": \(s.l1), \"l2\": \(s.l2), "
        + "\"epochs\": \(session.trainer.epoch), \"steps\": \(session.trainer.stepCount), \"seed\": \(c.seed)}"
}

/// Trains a session epoch by epoch until a goal, with an optional progress bar and log.
struct HeadlessRun {
    let session: TrainingSession
    let epochs: Int
    let targetLoss: Double?
    let log: String?
    let progress: Bool
    let unicode: Bool

    /// Trains; returns the outcome in words ("reached 100 epochs", ...).
    func run() throws -> String {
        let logFile = try log.map { try CSVLog(path: $0, session: session) }
        logFile?.write(session)
        let clock = ContinuousClock()
        let start = clock.now
        var lastDraw = start
        var outcome = "trained for \(epochs) epoch\(epochs == 1 ? "" : "s")"
        let firstEpoch = session.trainer.epoch
        while session.trainer.epoch - firstEpoch < epochs {
            if !session.runEpoch() { outcome = "stopped: training diverged"; break }
            logFile?.write(session)
            let m = session.metrics
            if let target = targetLoss, m.train.meanLoss <= target {
                outcome = "stopped at epoch \(m.epoch): the training loss \(formatLoss(m.train.meanLoss)) reached the target \(formatLoss(target))"
                break
            }
            if session.architecture.usesPerceptronRule, session.trainer.lastEpochMistakes == 0 {
                outcome = "stopped at epoch \(m.epoch): the perceptron rule converged (no mistakes in a whole epoch)"
                break
            }
            if progress, clock.now - lastDraw > .milliseconds(100) {
                lastDraw = clock.now
                drawProgress(elapsed: clock.now - start)
            }
        }
        let elapsed = clock.now - start
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let steps = session.trainer.stepCount
        let rate = seconds > 0 ? Double(steps) / seconds : 0
        FileHandle.standardError.write(Data("trained \(NumberFormat.grouped(steps)) steps in \(NumberFormat.fixed(seconds, decimals: 2, trim: false)) s (\(NumberFormat.grouped(Int(rate))) steps/s, including per-epoch evaluation)\n".utf8))
        try logFile?.close()
        return outcome
    }

    private func drawProgress(elapsed: Duration) {
        let m = session.metrics
        let done = Double(m.epoch) / Double(max(epochs, 1))
        let width = 24
        let filled = min(width, Int(done * Double(width)))
        let bar = unicode
            ? String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            : String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let rate = seconds > 0 ? Double(session.trainer.stepCount) / seconds : 0
        var line = "\r[\(bar)] epoch \(m.epoch)/\(epochs)  loss \(NumberFormat.fixed(m.train.meanLoss, decimals: 4, trim: false))"
        if let a = m.train.accuracy { line += "  accuracy \(NumberFormat.percent(a))" }
        line += "  \(NumberFormat.grouped(Int(rate))) steps/s\u{1B}[K"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

/// One CSV row per epoch with every metric and probe.
final class CSVLog {
    private let handle: FileHandle
    private let path: String

    init(path: String, session: TrainingSession) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw NNLabError("--log: cannot write \(path)")
        }
        handle = h
        var columns = ["epoch", "step", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "objective"]
        for (i, layer) in session.architecture.hidden.enumerated() {
            let p = "layer\(i + 1)"
            if layer.activation.canDie { columns.append("\(p)_dead") }
            if layer.activation.saturates { columns.append("\(p)_saturation") }
            columns += ["\(p)_grad_norm", "\(p)_update_ratio"]
        }
        handle.write(Data((columns.joined(separator: ",") + "\n").utf8))
    }

    func write(_ session: TrainingSession) {
        let m = session.metrics
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        var cells = ["\(m.epoch)", "\(m.step)", number(m.train.meanLoss), number(m.test?.meanLoss),
                     number(m.train.accuracy), number(m.test?.accuracy), number(m.objective)]
        for p in session.probeHistory.last ?? [] {
            if let dead = p.deadUnits { cells.append("\(dead)") }
            if let s = p.saturation { cells.append(number(s)) }
            cells += [number(p.gradientNorm), number(p.updateRatio)]
        }
        handle.write(Data((cells.joined(separator: ",") + "\n").utf8))
    }

    func close() throws {
        try handle.close()
    }
}
