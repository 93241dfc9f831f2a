import Formatting

/// The output layer's activation: how the last layer's z becomes the network's output h(x).
public enum OutputActivation: String, Hashable, Sendable, CaseIterable {
    /// a = z (regression).
    case identity
    /// a = sigma(z) (binary classification, or several independent yes/no outputs).
    case logistic
    /// a = softmax(z) (K classes).
    case softmax
    /// The perceptron's step (0 if z < 0, 1 if z >= 0), trained by the perceptron rule.
    case step

    /// Every accepted name, for error messages.
    public static let names = allCases.map(\.rawValue)

    /// Parses an output activation: one of `names` (any case; `sigmoid` is logistic).
    public init(spec: String) throws {
        switch spec.lowercased() {
        case "identity": self = .identity
        case "logistic", "sigmoid": self = .logistic
        case "softmax": self = .softmax
        case "step": self = .step
        default:
            if (try? Activation(spec: spec)) != nil {
                throw NNLabError("\"\(spec.quotedForMessage())\" is a hidden activation; the output layer takes one of "
                                 + Self.names.map { "\"\($0)\"" }.joined(separator: ", "))
            }
            throw NNLabError(choiceMessage(found: spec, allowed: Self.names))
        }
    }

    /// True when the output is a class decision (everything but identity).
    public var isClassifier: Bool { self != .identity }
}

/// The cost J of one example.
public enum Loss: String, Hashable, Sendable, CaseIterable {
    /// 1/2 ||h(x) - y||^2.
    case squaredError = "squared_error"
    /// Negative log-likelihood: binary for logistic outputs, categorical for softmax.
    case crossEntropy = "cross_entropy"

    /// Every accepted name, for error messages.
    public static let names = allCases.map(\.rawValue)

    /// Parses a loss: one of `names` (any case), or `mse` for squared error and `ce` for
    /// cross-entropy.
    public init(spec: String) throws {
        switch spec.lowercased() {
        case "squared_error", "mse": self = .squaredError
        case "cross_entropy", "ce": self = .crossEntropy
        default: throw NNLabError(choiceMessage(found: spec, allowed: Self.names))
        }
    }

    /// The natural loss for an output: squared error for identity and step, cross-entropy else.
    public static func natural(for output: OutputActivation) -> Loss {
        switch output {
        case .identity, .step: .squaredError
        case .logistic, .softmax: .crossEntropy
        }
    }

    /// The formula of the per-example loss for `output`, in the lecture's notation.
    public func formula(for output: OutputActivation) -> String {
        switch (self, output) {
        case (.crossEntropy, .softmax): "J = -sum_k y_k ln a_k = -ln a_t"
        case (.crossEntropy, _): "J = -(y ln a + (1 - y) ln(1 - a))"
        default: "J = 1/2 ||a - y||^2"
        }
    }

    /// The formula of the output delta for `output`.
    public func deltaFormula(for output: OutputActivation) -> String {
        switch (self, output) {
        case (.squaredError, .logistic): "(a - y) .* f'(z) = (a - y) .* a .* (1 - a)"
        case (.squaredError, .step): "0 (a step has no gradient: the perceptron rule trains it)"
        default: "a - y"
        }
    }
}

/// Why a combination of output activation, loss and width is not supported, or nil.
func outputProblem(output: OutputActivation, loss: Loss, units: Int) -> String? {
    switch (output, loss) {
    case (.identity, .crossEntropy):
        return "cross_entropy needs a logistic or softmax output; use squared_error with identity"
    case (.softmax, .squaredError):
        return "softmax is trained with cross_entropy; use cross_entropy, or a logistic output with squared_error"
    case (.step, .crossEntropy):
        return "a step output is trained by the perceptron rule; use squared_error"
    case (.softmax, _) where units < 2:
        return "softmax needs at least 2 output units (one per class), found \(units)"
    default:
        return nil
    }
}
