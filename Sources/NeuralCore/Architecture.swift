/// Sizes the lab accepts; beyond them it refuses with a message instead of exhausting memory.
public enum Limits {
    /// Most input features of a network.
    public static let maxInputs = 4096
    /// Most units in one layer.
    public static let maxUnits = 4096
    /// Most hidden layers.
    public static let maxHiddenLayers = 32
    /// Most linear pieces of a maxout unit.
    public static let maxPieces = 16
    /// Most parameters of a network (80 MB of float32).
    public static let maxParameters = 20_000_000
    /// Most classes of a softmax output.
    public static let maxClasses = 1000
    /// Most memory a training run may take (estimated from its shapes before it starts).
    public static let maxTrainingBytes = 4 << 30
}

/// One hidden layer: its width and activation.
public struct HiddenLayer: Hashable, Sendable {
    /// Number of units s_{l+1}.
    public var units: Int
    /// The activation f of its units.
    public var activation: Activation

    /// A hidden layer of `units` units with `activation`.
    public init(units: Int, activation: Activation) {
        self.units = units
        self.activation = activation
    }
}

/// What a layer computes after its affine map z = W a + b.
public enum LayerFunction: Hashable, Sendable {
    /// A hidden layer's activation.
    case hidden(Activation)
    /// The output layer's activation.
    case output(OutputActivation)
}

/// Where one fully connected layer's W(l) and b(l) live in the parameter arena.
public struct LayerShape: Hashable, Sendable {
    /// 0-based position; the lecture's l is `index + 1`.
    public let index: Int
    /// s_l, the width of the layer's input.
    public let inputs: Int
    /// s_{l+1}, the number of units.
    public let units: Int
    /// Linear pieces per unit (k for maxout, else 1).
    public let pieces: Int
    /// What follows the affine map.
    public let function: LayerFunction
    /// Offset of W(l) (`rows x inputs`, row-major) in the arena; b(l) follows it.
    public let weightOffset: Int

    /// Rows of W(l): units x pieces.
    public var rows: Int { units * pieces }
    /// Entries of W(l).
    public var weightCount: Int { rows * inputs }
    /// Offset of b(l) in the arena.
    public var biasOffset: Int { weightOffset + weightCount }
    /// Entries of W(l) and b(l) together.
    public var parameterCount: Int { rows * (inputs + 1) }
    /// The lecture's l (1-based).
    public var l: Int { index + 1 }
    /// The hidden activation, or nil for the output layer.
    public var activation: Activation? {
        if case .hidden(let f) = function { return f }
        return nil
    }
    /// True for the last layer.
    public var isOutput: Bool {
        if case .output = function { return true }
        return false
    }
}

/// The shape of a feed-forward network: inputs, hidden layers, output and loss.
public struct Architecture: Hashable, Sendable, CustomStringConvertible {
    /// s_1, the number of input features.
    public var inputs: Int
    /// The hidden layers, first to last (empty: a single layer of output neurons).
    public var hidden: [HiddenLayer]
    /// Number of output units (1 for binary logistic, K for softmax).
    public var outputs: Int
    /// The output activation.
    public var output: OutputActivation
    /// The per-example cost.
    public var loss: Loss

    /// A network description; call `validate()` before building on it.
    public init(inputs: Int, hidden: [HiddenLayer], outputs: Int, output: OutputActivation, loss: Loss? = nil) {
        self.inputs = inputs
        self.hidden = hidden
        self.outputs = outputs
        self.output = output
        self.loss = loss ?? Loss.natural(for: output)
    }

    /// Throws a message naming the first problem: sizes out of range or an unsupported
    /// combination of output and loss.
    public func validate() throws {
        guard (1...Limits.maxInputs).contains(inputs) else {
            throw NNLabError("inputs must be between 1 and \(Limits.maxInputs), found \(inputs)")
        }
        guard hidden.count <= Limits.maxHiddenLayers else {
            throw NNLabError("at most \(Limits.maxHiddenLayers) hidden layers, found \(hidden.count)")
        }
        for (i, layer) in hidden.enumerated() {
            guard (1...Limits.maxUnits).contains(layer.units) else {
                throw NNLabError("hidden layer \(i + 1) must have between 1 and \(Limits.maxUnits) units, found \(layer.units)")
            }
            if case .maxout(let k) = layer.activation, !(2...Limits.maxPieces).contains(k) {
                throw NNLabError("maxout in hidden layer \(i + 1) needs between 2 and \(Limits.maxPieces) pieces, found \(k)")
            }
            if case .leakyReLU(let slope) = layer.activation, !(slope.isFinite && slope >= 0 && slope < 1) {
                throw NNLabError("leaky_relu slope in hidden layer \(i + 1) must be in [0, 1), found \(slope)")
            }
        }
        let maxOutputs = output == .softmax ? Limits.maxClasses : Limits.maxUnits
        guard (1...maxOutputs).contains(outputs) else {
            throw NNLabError("the output layer must have between 1 and \(maxOutputs) units, found \(outputs)")
        }
        if let problem = outputProblem(output: output, loss: loss, units: outputs) {
            throw NNLabError(problem)
        }
        if output == .step && !hidden.isEmpty {
            throw NNLabError("a step output is trained by the perceptron rule, which has no hidden layers; remove the hidden layers or use a logistic output")
        }
        guard parameterCount <= Limits.maxParameters else {
            throw NNLabError("the network has \(parameterCount) parameters; the limit is \(Limits.maxParameters)")
        }
    }

    /// The layers' geometry, first to last.
    public var shapes: [LayerShape] {
        var shapes: [LayerShape] = []
        var width = inputs
        var offset = 0
        for (i, layer) in hidden.enumerated() {
            let shape = LayerShape(index: i, inputs: width, units: layer.units, pieces: layer.activation.pieces,
                                   function: .hidden(layer.activation), weightOffset: offset)
            shapes.append(shape)
            offset += shape.parameterCount
            width = layer.units
        }
        shapes.append(LayerShape(index: hidden.count, inputs: width, units: outputs, pieces: 1,
                                 function: .output(output), weightOffset: offset))
        return shapes
    }

    /// Every weight and bias: sum over l of s_{l+1} (s_l + 1), times k for maxout layers.
    public var parameterCount: Int {
        var count = 0
        var width = inputs
        for layer in hidden {
            count += layer.units * layer.activation.pieces * (width + 1)
            width = layer.units
        }
        return count + outputs * (width + 1)
    }

    /// Number of weight layers (W(1) ... W(n_l - 1)).
    public var layerCount: Int { hidden.count + 1 }

    /// n_l: layers of units, counting the input and the output layer.
    public var n_l: Int { hidden.count + 2 }

    /// `2 → 8 tanh → 8 tanh → 1 logistic (105 parameters)`.
    public var description: String { description(arrow: "→") }

    /// The one-line description with a chosen arrow (`->` for ASCII output).
    public func description(arrow: String) -> String {
        var parts = ["\(inputs)"]
        for layer in hidden { parts.append("\(layer.units) \(layer.activation.label)") }
        parts.append("\(outputs) \(output.rawValue)")
        let count = parameterCount
        return parts.joined(separator: " \(arrow) ") + " (\(count) parameter\(count == 1 ? "" : "s"))"
    }

    /// True when the network is trained by the perceptron rule instead of gradients.
    public var usesPerceptronRule: Bool { output == .step }
}
