import Formatting
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

/// How a hidden layer normalises its z before the activation.
public enum NormKind: String, Hashable, Sendable, CaseIterable {
    /// Over the minibatch, per unit (Ioffe and Szegedy 2015); running statistics in evaluation.
    case batch
    /// Over the layer's units, per example (Ba, Kiros and Hinton 2016); one mode.
    case layer

    /// `batch`, `layer` (or `batchnorm`, `layernorm`, `bn`, `ln`); nil for `none`.
    public init?(spec: String) throws {
        switch spec.lowercased() {
        case "none", "": return nil
        case "batch", "batchnorm", "batch_norm", "bn": self = .batch
        case "layer", "layernorm", "layer_norm", "ln": self = .layer
        default: throw NNLabError("unknown norm \"\(spec.quotedForMessage())\"; expected none, batch or layer")
        }
    }
}

/// epsilon of every norm: zhat = gamma (z - mu) / sqrt(var + epsilon) + beta.
public let normEpsilon = 1e-5
/// Batch norm's running statistics: r = (1 - momentum) r + momentum * (batch value), as PyTorch.
public let batchNormMomentum = 0.1

/// One hidden layer: its width and activation, and what follows its affine map z = W a + b:
/// an optional norm (zhat = norm(z)), the activation h = f(zhat), inverted dropout
/// (h = h .* m / p, training only) and a skip connection (a = h + a(l+1-k)).
public struct HiddenLayer: Hashable, Sendable {
    /// Number of units s_{l+1}.
    public var units: Int
    /// The activation f of its units.
    public var activation: Activation
    /// The norm applied to z before f, or nil.
    public var norm: NormKind?
    /// 0 for none; k adds a(l+1-k) to the layer's output (k = 1: its own input).
    public var skip: Int
    /// Dropout's keep probability p (1: no dropout).
    public var keep: Double

    /// A hidden layer of `units` units with `activation` and optional parts.
    public init(units: Int, activation: Activation, norm: NormKind? = nil, skip: Int = 0, keep: Double = 1) {
        self.units = units
        self.activation = activation
        self.norm = norm
        self.skip = skip
        self.keep = keep
    }

    /// True when the layer is dense + activation only.
    public var isPlain: Bool { norm == nil && skip == 0 && keep == 1 }

    /// " +LN drop 0.8 +skip" (empty for a plain layer): how descriptions and the diagram mark
    /// the parts.
    public var partsLabel: String {
        var part = ""
        if let norm { part += " +\(norm == .batch ? "BN" : "LN")" }
        if keep < 1 { part += " drop \(formatKeep(keep))" }
        if skip > 0 { part += " +skip\(skip == 1 ? "" : "\(skip)")" }
        return part
    }
}

extension Array where Element == HiddenLayer {
    /// These layers with a skip of `k` on every layer whose a(l+1-k) has its width (the input,
    /// l+1-k = 1, counts when `inputs` is given and equal), and no skip elsewhere; 0 clears them.
    public func withSkip(_ k: Int, inputs: Int?) -> [HiddenLayer] {
        var out = self
        for i in out.indices {
            let source = i - k
            let width = source < 0 ? (source == -1 ? inputs : nil) : out[source].units
            out[i].skip = k > 0 && width == out[i].units ? k : 0
        }
        return out
    }

    /// The skip distance these layers use (the largest; 0 for none).
    public var skipDistance: Int { map(\.skip).max() ?? 0 }
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
    /// Offset of W(l) (`rows x inputs`, row-major) in the arena; b(l) follows it, then gamma(l)
    /// and beta(l) if the layer has a norm.
    public let weightOffset: Int
    /// The norm of z, or nil.
    public var norm: NormKind? = nil
    /// 0, or k: a(l+1) gets a(l+1-k) added (layer index `index - k`; -1 is the input).
    public var skip: Int = 0
    /// Dropout's keep probability (1: none).
    public var keep: Double = 1
    /// Offset of batch norm's running mean (then its running variance) in `Network.statistics`.
    public var statisticsOffset: Int = 0

    /// Rows of W(l): units x pieces.
    public var rows: Int { units * pieces }
    /// Entries of W(l).
    public var weightCount: Int { rows * inputs }
    /// Offset of b(l) in the arena.
    public var biasOffset: Int { weightOffset + weightCount }
    /// Offset of gamma(l) in the arena (beta(l) follows it), when the layer has a norm.
    public var gammaOffset: Int { biasOffset + rows }
    /// Offset of beta(l) in the arena.
    public var betaOffset: Int { gammaOffset + units }
    /// Entries of W(l), b(l), and gamma(l), beta(l) if there is a norm.
    public var parameterCount: Int { rows * (inputs + 1) + (norm == nil ? 0 : 2 * units) }
    /// True when the layer is dense + activation only.
    public var isPlain: Bool { norm == nil && skip == 0 && keep == 1 }
    /// The layer index whose a is added by the skip connection (-1: the input), or nil.
    public var skipSource: Int? { skip > 0 ? index - skip : nil }
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
            if let problem = partsProblem(i) { throw NNLabError(problem) }
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

    /// What is wrong with hidden layer `i`'s norm, skip or dropout, or nil.
    public func partsProblem(_ i: Int) -> String? {
        let layer = hidden[i]
        if layer.norm != nil, case .maxout = layer.activation {
            return "hidden layer \(i + 1): a norm on a maxout layer is not supported"
        }
        if !(layer.keep.isFinite && layer.keep > 0 && layer.keep <= 1) {
            return "hidden layer \(i + 1): the dropout keep probability must be in (0, 1], found \(layer.keep)"
        }
        if layer.skip < 0 || layer.skip > i + 1 {
            return "hidden layer \(i + 1): a skip of \(layer.skip) reaches below the input (at most \(i + 1) here)"
        }
        if layer.skip > 0 {
            let source = i - layer.skip
            let width = source < 0 ? inputs : hidden[source].units
            if width != layer.units {
                let what = source < 0 ? "the input (\(width) features)" : "hidden layer \(source + 1) (\(width) units)"
                return "hidden layer \(i + 1) has \(layer.units) units and cannot add \(what) by a skip of \(layer.skip): the widths must agree"
            }
        }
        return nil
    }

    /// True when every hidden layer is dense + activation (the fast paths take these).
    public var isPlain: Bool { hidden.allSatisfy(\.isPlain) }

    /// Entries of `Network.statistics`: batch norm's running mean and variance, per unit.
    public var statisticsCount: Int { hidden.reduce(0) { $0 + ($1.norm == .batch ? 2 * $1.units : 0) } }

    /// The layers' geometry, first to last.
    public var shapes: [LayerShape] {
        var shapes: [LayerShape] = []
        var width = inputs
        var offset = 0, statistics = 0
        for (i, layer) in hidden.enumerated() {
            var shape = LayerShape(index: i, inputs: width, units: layer.units, pieces: layer.activation.pieces,
                                   function: .hidden(layer.activation), weightOffset: offset)
            shape.norm = layer.norm
            shape.skip = layer.skip
            shape.keep = layer.keep
            shape.statisticsOffset = statistics
            if layer.norm == .batch { statistics += 2 * layer.units }
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
            count += layer.units * layer.activation.pieces * (width + 1) + (layer.norm == nil ? 0 : 2 * layer.units)
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
        let layers = hidden.map { "\($0.units) \($0.activation.label)\($0.partsLabel)" }
        // A deep stack reads as runs: `2 → 32 tanh → 19 × (32 tanh +LN +skip) → 1 logistic`.
        var i = 0
        while i < layers.count {
            var j = i
            while j < layers.count && layers[j] == layers[i] { j += 1 }
            if hidden.count > 6 && j - i >= 3 {
                parts.append("\(j - i) \(arrow == "→" ? "×" : "x") (\(layers[i]))")
            } else {
                parts.append(contentsOf: layers[i..<j])
            }
            i = j
        }
        parts.append("\(outputs) \(output.rawValue)")
        let count = parameterCount
        return parts.joined(separator: " \(arrow) ") + " (\(count) parameter\(count == 1 ? "" : "s"))"
    }

    /// True when the network is trained by the perceptron rule instead of gradients.
    public var usesPerceptronRule: Bool { output == .step }
}

/// A keep probability as written in descriptions and flags: `0.8`.
public func formatKeep(_ p: Double) -> String { NumberFormat.fixed(p, decimals: 3) }
