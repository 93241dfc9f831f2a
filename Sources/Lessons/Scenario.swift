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

        /// True for measures that need `layer`.
        public var needsLayer: Bool {
            switch self {
            case .deadUnits, .deadShare, .saturation, .gradientNorm, .gradientRatio: true
            default: false
            }
        }
    }

    /// What is measured.
    public var measure: Measure
    /// The hidden layer (1 = the first hidden layer, the lecture's a(2)); for gradient norms
    /// and ratios the l of W(l), up to the output layer's.
    public var layer: Int?
    /// The second layer of a gradient ratio.
    public var toLayer: Int?
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

    /// "train_accuracy >= 0.95", "dead_units(layer 1) >= 3", "converges = no".
    public var description: String {
        var name = measure.rawValue
        if let layer, measure == .gradientRatio, let to = toLayer { name += "(layer \(layer) / layer \(to))" }
        else if let layer { name += "(layer \(layer))" }
        var parts: [String] = []
        if let atLeast { parts.append("\(name) >= \(NumberFormat.short(atLeast))") }
        if let atMost { parts.append("\(name) <= \(NumberFormat.short(atMost))") }
        if let equals {
            parts.append(measure == .converges ? "\(name) = \(equals == 1 ? "yes" : "no")" : "\(name) = \(NumberFormat.short(equals))")
        }
        var text = parts.joined(separator: " and ")
        if let after { text += " after \(after) epoch\(after == 1 ? "" : "s")" }
        return text
    }
}
