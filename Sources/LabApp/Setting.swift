import Formatting
import Lessons
import NeuralCore

/// One setting of the lab, as the settings panel lists it and keys change it. Each knows its
/// label, the lock that guards it and whether changing it needs new weights; `Lab.change`
/// says how it steps.
public enum Setting: Hashable, Sendable {
    case dataset, classes, noise, trainShare, features
    case hiddenLayers, units(layer: Int), layerActivation(layer: Int), activation, norm, skip, dropout
    case outputLoss, initialization, gain, biasInit, seed
    case optimizer, learningRate, batchSize, l2, l1
    case speed, testPoints, mapStyle

    /// The label in the panel and in notices (layers count from 1).
    public var label: String {
        switch self {
        case .dataset: "dataset"
        case .classes: "classes"
        case .noise: "noise"
        case .trainShare: "train share"
        case .features: "features"
        case .hiddenLayers: "hidden layers"
        case .units(let l): "a(\(l + 2)) units"
        case .layerActivation(let l): "a(\(l + 2)) activation"
        case .activation: "activation"
        case .norm: "norm"
        case .skip: "skip"
        case .dropout: "dropout keep"
        case .outputLoss: "output / loss"
        case .initialization: "init"
        case .gain: "init gain"
        case .biasInit: "bias init"
        case .seed: "seed"
        case .optimizer: "optimizer"
        case .learningRate: "learning rate"
        case .batchSize: "batch size"
        case .l2: "L2"
        case .l1: "L1"
        case .speed: "speed"
        case .testPoints: "test points"
        case .mapStyle: "map"
        }
    }

    /// The lock that guards it; nil for the view's own settings.
    public var lock: Lock? {
        switch self {
        case .dataset, .classes, .noise, .trainShare: .data
        case .features: .features
        case .hiddenLayers, .units, .seed, .norm, .skip, .dropout: .network
        case .layerActivation, .activation: .activation
        case .outputLoss: .output
        case .initialization, .gain, .biasInit: .initialization
        case .optimizer: .optimizer
        case .learningRate: .learningRate
        case .batchSize: .batch
        case .l2, .l1: .regularization
        case .speed, .testPoints, .mapStyle: nil
        }
    }

    /// The choices each setting steps through (a value between two steps to the next).
    enum Choices {
        /// The data sets `d` and the settings panel cycle through.
        static let datasets: [DatasetKind] = [.xor, .circles, .gauss, .spiral, .spirals, .moons, .xorTable, .plane, .multigauss, .sine, .abs, .step, .bump, .cube]
        static let activations: [Activation] = [.logistic, .tanh, .relu, .leakyReLU(slope: Activation.defaultLeakySlope), .abs, .softplus, .linear, .maxout(pieces: 2)]
        static let learningRates: [Double] = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
        static let batchSizes: [Double] = [1, 2, 5, 10, 20, 30, 50, 100, 200, 500]
        static let strengths: [Double] = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1]
        static let speeds = [0, 1, 3, 10, 30, 100, 300, 1000, 3000]
        static let featureSets: [FeatureSet] = [
            .plain, FeatureSet([.x1, .x2, .x1Squared, .x2Squared]), FeatureSet([.x1, .x2, .x1Squared, .x2Squared, .x1x2]),
            FeatureSet([.x1, .x2, .sinX1, .sinX2]), FeatureSet([.r, .theta]), FeatureSet([.x1, .x2, .r]),
            FeatureSet([.x1, .x2, .x1Squared, .x2Squared, .x1x2, .sinX1, .sinX2]),
        ]
        static let norms: [NormKind?] = [nil, .batch, .layer]
        static let gains: [Double] = [0.25, 0.5, 1, 5.0 / 3, 2, 3, 5]
        static let skips = [0, 1, 2]
        static let keeps: [Double] = [1, 0.9, 0.8, 0.5]
        static let inits: [WeightInit] = [.glorot(), .he(), .uniform(range: 0.5), .uniform(range: 1)]
        static let optimizers: [Optimizer] = [.sgd, .momentum(mu: 0.9), .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)]
        /// Most hidden layers (the core's limit, the one limit of depth everywhere) and units
        /// per layer the lab's +/- offers.
        static let maxLayers = Limits.maxHiddenLayers, maxUnits = 64

        /// Output and loss pairs offered for classification and for regression.
        static func outputs(regression: Bool, classes: Int) -> [(OutputActivation, Loss)] {
            if regression { return [(.identity, .squaredError)] }
            if classes > 2 { return [(.softmax, .crossEntropy)] }
            return [(.logistic, .crossEntropy), (.logistic, .squaredError), (.softmax, .crossEntropy)]
        }

        /// The choice `delta` steps from `current` in `list`, wrapping around (d after the
        /// last data set gives the first again).
        static func step<T: Equatable>(_ list: [T], from current: T, by delta: Int) -> T {
            let i = list.firstIndex(of: current) ?? (delta > 0 ? -1 : list.count)
            return list[((i + delta) % list.count + list.count) % list.count]
        }

        /// The value `delta` steps from `v` on a sorted scale, without wrapping; a value between
        /// two steps goes to the next one in the direction asked.
        static func nearest(_ list: [Double], from v: Double, by delta: Int) -> Double {
            let i = list.firstIndex { $0 >= v * 0.999 } ?? list.count - 1
            let index = list[i] > v * 1.001 ? (delta > 0 ? i : i - 1) : i + delta
            return list[Swift.min(list.count - 1, Swift.max(0, index))]
        }
    }
}

/// One row of the settings panel: a heading, or a setting with its value.
struct SettingRow: Sendable {
    /// The setting (nil for a heading).
    var setting: Setting?
    /// The heading's text, or the setting's label.
    var name: String
    var value: String

    /// A heading.
    static func heading(_ name: String) -> SettingRow { SettingRow(setting: nil, name: name, value: "") }
    /// A setting and its value.
    static func row(_ setting: Setting, _ value: String) -> SettingRow { SettingRow(setting: setting, name: setting.label, value: value) }
    var isHeading: Bool { setting == nil }
}
