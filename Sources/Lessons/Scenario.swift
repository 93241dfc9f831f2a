import Foundation
import Formatting
import NeuralCore

/// One lesson: its text, its data, network and training settings, how the lab shows it, and
/// the claims a headless run checks.
public struct Scenario: Sendable {
    /// The file's name without extension ("04-xor-two-hidden-units").
    public var name: String
    /// Where it came from, for messages ("scenarios/04-xor-two-hidden-units.yaml").
    public var path: String
    /// The lesson's title.
    public var title: String
    /// The lesson's text, paragraphs separated by blank lines.
    public var lesson: String
    /// Data, features, network and training settings.
    public var configuration: SessionConfiguration
    /// A model file to start from (resolved path), if any.
    public var modelPath: String?
    /// Epochs a run trains.
    public var epochs: Int
    /// How the lab opens the lesson.
    public var view: ViewSettings
    /// What a run checks.
    public var claims: [Claim]
    /// The configurations the lesson compares (empty: the one configuration above). When there
    /// are variants, `configuration` and `modelPath` are the first one's.
    public var variants: [Variant] = []
    /// On how many seeds of a sweep the claims must hold.
    public var robustness = Robustness()

    /// The lesson on one of its variants alone (for the lab): its configuration becomes the
    /// lesson's.
    public func selecting(variant name: String) throws -> Scenario {
        guard let v = variants.first(where: { $0.name == name }) else {
            if variants.isEmpty { throw NNLabError("\(self.name) has no variants") }
            var message = "\(self.name) has no variant \"\(name.terminalSafeLine)\" (it has \(variants.map(\.name).joined(separator: ", ")))"
            if let hint = closestMatch(name, among: variants.map(\.name)) { message += "; did you mean \"\(hint)\"?" }
            throw NNLabError(message)
        }
        var copy = self
        copy.configuration = v.configuration
        copy.modelPath = v.modelPath
        copy.variants = []
        return copy
    }

    /// The variants a run trains: the lesson's own, or the lesson itself as one unnamed variant.
    public var runs: [Variant] {
        variants.isEmpty ? [Variant(name: "", says: "", configuration: configuration, modelPath: modelPath)] : variants
    }
}

/// One configuration of a lesson that compares: the lesson's settings with some keys changed.
/// Every variant trains on the same data sample, split and batch order (the same seed), and
/// from the same initial weights wherever its layers have the same shapes and initialisation.
public struct Variant: Sendable {
    /// Its name in claims and flags ("relu").
    public var name: String
    /// How it differs from the others, in one line ("ReLU hidden units").
    public var says: String
    /// Data, features, network and training settings.
    public var configuration: SessionConfiguration
    /// A model file to start from, if any.
    public var modelPath: String?

    public init(name: String, says: String, configuration: SessionConfiguration, modelPath: String?) {
        self.name = name
        self.says = says
        self.configuration = configuration
        self.modelPath = modelPath
    }
}

/// How many seeds of a sweep a claim must hold on: `atLeast` of every `seeds` (with another
/// number of seeds, the same share, rounded up).
public struct Robustness: Sendable, Equatable {
    public var seeds = 10
    public var atLeast = 10

    public init(seeds: Int = 10, atLeast: Int = 10) {
        self.seeds = seeds
        self.atLeast = atLeast
    }

    /// Seeds out of `n` that must hold.
    public func required(of n: Int) -> Int {
        (n * atLeast + seeds - 1) / seeds
    }

    /// "9 of 10".
    public var description: String { "\(atLeast) of \(seeds)" }
}

/// How the lab opens a lesson.
public struct ViewSettings: Sendable, Equatable {
    /// The main panel's content.
    public enum MainPanel: String, Sendable, CaseIterable {
        /// The decision map.
        case map
        /// One small map per hidden unit.
        case units
        /// The 1-D curve plot (target, network, each unit's contribution).
        case curve
        /// The data seen from inside a hidden layer (two of its units).
        case hidden
        /// A regression's outputs against their targets, one plot per output (any number of
        /// inputs and outputs).
        case fit
        /// Every hidden layer at once: activations, gradients and update ratios, one row each.
        case layers
    }

    /// The main panel's content.
    public var main: MainPanel = .map
    /// Start paused (the teacher presses space).
    public var paused = false
    /// Settings students may not change (for a demo).
    public var locked: Set<Lock> = []
    /// Hard class regions instead of confidence shading.
    public var discretize = false
    /// Draw the test points.
    public var testPoints = true
    /// Training speed limit in steps per second (0: as fast as possible).
    public var speed = 0
    /// A lesson with variants opens them side by side (false: the first alone; `c` clones).
    public var compare = true
    /// Open in the step-through's quiz (predict each value, then see it).
    public var quiz = false
    /// Open on the chain-rule screen (the lecture's two examples, value by value).
    public var chain = false

    /// True if `lock` (or `all`) is locked.
    public func isLocked(_ lock: Lock) -> Bool { locked.contains(lock) || locked.contains(.all) }

}

/// A group of settings a lesson (`view: lock:`) or `nnlab open --lock` keeps students from
/// changing; its raw value is the name in files and flags.
public enum Lock: String, CaseIterable, Sendable {
    case data, features, network, activation, output
    case initialization = "init"
    case optimizer
    case learningRate = "learning_rate"
    case batch, regularization, all

    /// Every name, for messages and help.
    public static let names = allCases.map(\.rawValue)

    /// How notices name it: "learning rate".
    public var label: String { rawValue.replacingOccurrences(of: "_", with: " ") }
}

/// A claim of a lesson, checked by a headless run.
public struct Claim: Sendable, Equatable {
    /// What is measured.
    public enum Measure: String, Sendable, CaseIterable {
        case trainAccuracy = "train_accuracy"
        case testAccuracy = "test_accuracy"
        case trainLoss = "train_loss"
        case testLoss = "test_loss"
        /// Training accuracy minus test accuracy.
        case accuracyGap = "accuracy_gap"
        /// Dead units in a hidden layer (ReLU family).
        case deadUnits = "dead_units"
        /// Share of a layer's units that are dead.
        case deadShare = "dead_share"
        /// Share of (unit, example) pairs in a layer's saturated range.
        case saturation
        /// Standard deviation of a layer's activations over its units and the training set
        /// (the layers view's std): near 0 when the signal has died out on the way up.
        case activationStd = "activation_std"
        /// ||grad W(l)|| on the training set.
        case gradientNorm = "gradient_norm"
        /// ||grad W(layer)|| / ||grad W(to_layer)||: below 1 when gradients vanish going back.
        case gradientRatio = "gradient_ratio"
        /// The number of weights and biases.
        case parameters
        /// For a perceptron: an epoch without mistakes happened.
        case converges
        /// Share of points where the network's decision equals a step unit's with the same
        /// weights (a logistic neuron decides like a perceptron).
        case perceptronAgreement = "perceptron_agreement"
        /// For a perceptron: mistakes in the last epoch.
        case epochMistakes = "epoch_mistakes"
        /// 1 when training diverged (the loss became NaN or infinite), else 0.
        case diverged
        /// The test loss now minus its lowest value so far: above 0 once it turns up.
        case testLossRise = "test_loss_rise"
        /// The epoch of the lowest test loss so far (where early stopping would stop).
        case bestTestEpoch = "best_test_epoch"
        /// How well a layer has learned the polar radius r = sqrt(x1^2 + x2^2): the largest
        /// |correlation| over the layer's units between a unit's value and r, over every point
        /// (`layer` counts hidden layers from 1; one more is the output's z).
        case radiusCorrelation = "radius_correlation"
        /// The same for any feature of the plane the claim names (`feature: theta`, `x1*x2`):
        /// has a layer learned it from x1 and x2?
        case featureCorrelation = "feature_correlation"
        /// The loss on the validation set (`data: validation_ratio`).
        case validationLoss = "validation_loss"
        /// The epoch of the lowest validation loss so far: where early stopping stops.
        case bestValidationEpoch = "best_validation_epoch"
        /// The test loss at that epoch: what early stopping delivers, measured on data it never
        /// chose on.
        case earlyStoppedTestLoss = "early_stopped_test_loss"
        /// For a 1-D function: the largest |F(x) - f(x)| over the training points.
        case maxError = "max_error"
        /// The largest relative difference between backpropagation's gradient of the network
        /// and finite differences, over every weight and bias, on the training set.
        case gradientCheck = "gradient_check"
        /// The lecture's two chain-rule examples at x = 1: the largest relative difference
        /// between df/dx as the sum over the paths of the products of local derivatives, by
        /// the tape (reverse mode) and by finite differences.
        case chainRule = "chain_rule"

        /// True for measures whose value is yes (1) or no (0).
        public var isYesNo: Bool { self == .converges || self == .diverged }

        /// True for measures that need `layer`.
        public var needsLayer: Bool {
            switch self {
            case .deadUnits, .deadShare, .saturation, .activationStd, .gradientNorm, .gradientRatio, .radiusCorrelation, .featureCorrelation: true
            default: false
            }
        }
    }

    /// What is measured.
    public var measure: Measure
    /// The variant it is measured on (nil in a lesson without variants).
    public var variant: String?
    /// A second measure, subtracted from or dividing the first: `relu.test_accuracy -
    /// softplus.test_accuracy`.
    public var other: Term?
    /// Overrides the lesson's robustness.
    public var robustness: Robustness?
    /// The hidden layer (1 = the first hidden layer, the lecture's a(2)); for gradient norms
    /// and ratios the l of W(l), up to the output layer's.
    public var layer: Int?
    /// The second layer of a gradient ratio.
    public var toLayer: Int?
    /// The feature a feature correlation compares with (r for the radius correlation).
    public var feature: Feature?
    /// The measure must be at least this.
    public var atLeast: Double?
    /// The measure must be at most this.
    public var atMost: Double?
    /// The measure must equal this (parameters, converges).
    public var equals: Double?
    /// Checked after this many epochs (default: at the end of training).
    public var after: Int?
    /// What the claim means, in the lesson's words.
    public var says: String?

    /// The second term of a comparison.
    public struct Term: Sendable, Equatable {
        /// How it combines with the first.
        public enum Operation: String, Sendable {
            case minus = "-"
            case over = "/"
        }
        public var operation: Operation
        public var variant: String?
        public var measure: Measure

        public init(operation: Operation, variant: String?, measure: Measure) {
            self.operation = operation
            self.variant = variant
            self.measure = measure
        }
    }

    public init(measure: Measure, variant: String? = nil) {
        self.measure = measure
        self.variant = variant
    }

    /// The claim's one or two measures and the variants they are measured on.
    public var terms: [(variant: String?, measure: Measure)] {
        [(variant, measure)] + (other.map { [($0.variant, $0.measure)] } ?? [])
    }

    /// "relu.test_accuracy - softplus.test_accuracy", "dead_units(layer 1)",
    /// "gradient_ratio(layer 1 / layer 6)".
    public var name: String {
        func term(_ variant: String?, _ measure: Measure) -> String {
            (variant.map { $0 + "." } ?? "") + measure.rawValue
        }
        var name = term(variant, measure)
        if let other { name += " \(other.operation.rawValue) " + term(other.variant, other.measure) }
        if let layer, measure == .gradientRatio, let to = toLayer { name += "(layer \(layer) / layer \(to))" }
        else if let layer, let feature, measure == .featureCorrelation { name += "(layer \(layer), \(feature.rawValue))" }
        else if let layer { name += "(layer \(layer))" }
        return name
    }

    /// "train_accuracy >= 0.95", "dead_units(layer 1) >= 3", "converges = no".
    public var description: String {
        let name = self.name
        var parts: [String] = []
        if let atLeast { parts.append("\(name) >= \(NumberFormat.short(atLeast))") }
        if let atMost { parts.append("\(name) <= \(NumberFormat.short(atMost))") }
        if let equals {
            parts.append(measure.isYesNo ? "\(name) = \(equals == 1 ? "yes" : "no")" : "\(name) = \(NumberFormat.short(equals))")
        }
        var text = parts.joined(separator: " and ")
        if let after { text += " after \(after) epoch\(after == 1 ? "" : "s")" }
        return text
    }
}
