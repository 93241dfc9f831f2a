import ArgumentParser
import Formatting
import Foundation
import NeuralCore

/// The flags that define a training run of `nnlab train`.
struct TrainingOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Data set: \(DatasetKind.names.joined(separator: ", ")).", valueName: "name"),
            completion: .list(DatasetKind.names))
    var dataset: String = "circles"

    @Option(help: ArgumentHelp("Your own CSV instead: a header, then x1,x2,label rows (or x,y for a 1-D function, or x1,...,xm,y1,...,yk for m inputs and k outputs).", valueName: "file.csv"),
            completion: Completions.csv)
    var data: String?

    @Option(parsing: .unconditional, help: "Noise in percent, 0 to 50 (default 0; 20 for spirals).")
    var noise: Double?

    @Option(parsing: .unconditional, help: "Number of points to generate (default: 500 for classification, 1200 for regression).")
    var points: Int?

    @Option(parsing: .unconditional, help: "Arms (classes) of the spirals data set, 2 to 5.")
    var classes: Int = 3

    @Option(name: .customLong("train-ratio"), parsing: .unconditional, help: "Share of the points for training: 0.1 to 0.9 (or 10 to 90 percent).")
    var trainRatio: Double = 0.5

    @Option(help: ArgumentHelp("Input features, comma-separated: \(Feature.names.joined(separator: ", ")).", valueName: "list"),
            completion: .list(Feature.names))
    var features: String = "x1,x2"

    @Option(help: ArgumentHelp("Hidden layer widths, e.g. 8,8 (none: a single neuron). Up to \(Limits.maxHiddenLayers) layers of up to \(Limits.maxUnits) units.", valueName: "widths"))
    var layers: String = "4,2"

    @Option(help: ArgumentHelp("Hidden activation, one name or one per layer: \(Activation.names.joined(separator: ", ")) (leaky_relu:0.1, maxout:3 take a parameter).", valueName: "name"),
            completion: Completions.activations)
    var activation: String = "tanh"

    @Option(help: ArgumentHelp("Norm of z before the activation, one or one per hidden layer: none, batch, layer.", valueName: "kind"),
            completion: .list(["none", "batch", "layer"]))
    var norm: String = "none"

    @Option(parsing: .unconditional, help: ArgumentHelp("Skip connections: every hidden layer whose a(l+1-K) has its width adds it (1: its own input; 0: none).", valueName: "K"))
    var skip: Int = 0

    @Option(help: ArgumentHelp("Dropout's keep probability in (0, 1], one or one per hidden layer (1: none).", valueName: "p"))
    var dropout: String = "1"

    @Option(help: "Output activation: \(OutputActivation.names.joined(separator: ", ")) (default: from the data).",
            completion: .list(OutputActivation.names))
    var output: String?

    @Option(help: "Loss: squared_error (mse) or cross_entropy (ce) (default: from the output).", completion: .list(Loss.names))
    var loss: String?

    @Option(name: .customLong("init"), help: "Weight initialisation: glorot, he, glorot:G or he:G with a gain G (5/3 or 1.667; at most 100), uniform:R, normal:STD (R, STD at most 1000; default: he for ReLU-like units, glorot otherwise).",
            completion: .list(["glorot", "he", "uniform:0.5", "normal:0.01"]))
    var initialization: String?

    @Option(name: .customLong("bias-init"), parsing: .unconditional, help: "Initial value of every bias (the lecture suggests 0.1 for ReLU).")
    var biasInit: Double = 0

    @Option(help: "Optimizer: sgd, momentum, momentum:MU, adam.", completion: .list(Optimizer.names))
    var optimizer: String = "sgd"

    @Option(parsing: .unconditional, help: "Learning rate eta (greater than 0).")
    var lr: Double = 0.03

    @Option(parsing: .unconditional, help: "Minibatch size (at least 1).")
    var batch: Int = 10

    @Option(parsing: .unconditional, help: "L1 regularisation strength (weights only).")
    var l1: Double = 0

    @Option(parsing: .unconditional, help: "L2 regularisation strength lambda (weights only).")
    var l2: Double = 0

    @Option(parsing: .unconditional, help: "Seed of the data, the weights and the shuffles (0 or more).")
    var seed: Int = 1

    /// The session configuration these flags describe; every error names its flag.
    func configuration() throws -> SessionConfiguration {
        guard seed >= 0 else { throw NNLabError("--seed: must be 0 or more, found \(seed)") }
        let seed = UInt64(seed)
        let source: DataSource
        if let data {
            source = .file(data)
        } else {
            let kind = try flagged("--dataset") { try DatasetKind(spec: dataset) }
            if let noise { _ = try Parse.number(noise, flag: "--noise") }
            if let noise, noise > 50 { throw NNLabError("--noise: must be between 0 and 50 (percent), found \(NumberFormat.short(noise))") }
            if let points, !(4...DatasetSpec.maxCount).contains(points) {
                throw NNLabError("--points: must be between 4 and \(DatasetSpec.maxCount), found \(points)")
            }
            guard (2...5).contains(classes) else { throw NNLabError("--classes: the spirals have 2 to 5 arms, found \(classes)") }
            source = .generated(DatasetSpec(kind: kind, count: points, noise: noise, classes: classes, seed: seed))
        }
        var ratio = try Parse.number(trainRatio, flag: "--train-ratio", minimum: 0, exclusive: true)
        if ratio > 1 {
            guard (10...90).contains(ratio) else { throw NNLabError("--train-ratio: give 0.1 to 0.9 or 10 to 90 (percent), found \(NumberFormat.short(ratio))") }
            ratio /= 100
        }
        guard (0.1...0.9).contains(ratio) else { throw NNLabError("--train-ratio: give 0.1 to 0.9 or 10 to 90 (percent), found \(NumberFormat.short(ratio))") }
        let featureSet: FeatureSet
        featureSet = try flagged("--features") { try FeatureSet(parsing: features) }
        let widths = try Parse.widths(layers, flag: "--layers", allowNone: true)
        guard widths.count <= Limits.maxHiddenLayers else {
            throw NNLabError("--layers: at most \(Limits.maxHiddenLayers) hidden layers, found \(widths.count)")
        }
        let activations = try Parse.activations(activation, flag: "--activation", hiddenCount: max(widths.count, 1))
        let hidden = try Parse.layerParts(widths: widths, activations: activations, norm: norm, skip: skip, dropout: dropout, inputs: data == nil ? featureSet.features.count : nil)
        let out = try output.map { o in try flagged("--output") { try OutputActivation(spec: o) } }
        let lossKind = try loss.map { l in try flagged("--loss") { try Loss(spec: l) } }
        let weightInit = try initialization.map { i in try flagged("--init") { try WeightInit(spec: i) } }
        guard biasInit.isFinite, abs(biasInit) <= 100 else { throw NNLabError("--bias-init: must be between -100 and 100, found \(biasInit)") }
        let opt = try flagged("--optimizer") { try Optimizer(spec: optimizer) }
        _ = try Parse.number(lr, flag: "--lr", minimum: 0, exclusive: true)
        guard lr <= 1000 else { throw NNLabError("--lr: must be at most 1000, found \(NumberFormat.short(lr))") }
        guard batch >= 1 else { throw NNLabError("--batch: must be at least 1, found \(batch)") }
        guard batch <= DatasetSpec.maxCount else { throw NNLabError("--batch: must be at most \(DatasetSpec.maxCount), found \(batch)") }
        _ = try Parse.number(l1, flag: "--l1")
        _ = try Parse.number(l2, flag: "--l2")
        return SessionConfiguration(
            data: source, trainRatio: ratio, features: featureSet,
            hidden: hidden,
            output: out, loss: lossKind, weightInit: weightInit, biasInit: biasInit,
            settings: TrainingSettings(learningRate: lr, batchSize: batch, l1: l1, l2: l2, optimizer: opt), seed: seed)
    }
}

