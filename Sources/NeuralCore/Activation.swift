import Formatting
/// A hidden unit's activation function f, as in the lecture's table (NOTATION.md).
public enum Activation: Hashable, Sendable {
    /// 1 / (1 + e^-z); saturates away from 0.
    case logistic
    /// tanh z; saturates too.
    case tanh
    /// max(0, z); units can "die".
    case relu
    /// max(0, z) + alpha min(0, z).
    case leakyReLU(slope: Double)
    /// |z| (absolute-value ReLU).
    case abs
    /// ln(1 + e^z), a smooth ReLU.
    case softplus
    /// z.
    case linear
    /// The perceptron's step: 0 if z < 0, 1 if z >= 0; trained by the perceptron rule.
    case step
    /// max over `pieces` linear pieces; needs `pieces` weight vectors per unit.
    case maxout(pieces: Int)

    /// The default slope of leaky ReLU.
    public static let defaultLeakySlope = 0.01

    /// Every activation with its default parameters, in the order the lab cycles through them.
    public static let all: [Activation] = [
        .relu, .tanh, .logistic, .leakyReLU(slope: defaultLeakySlope), .abs, .softplus, .linear,
        .maxout(pieces: 2), .step,
    ]

    /// The name used in model files, scenario files and on the command line.
    public var name: String {
        switch self {
        case .logistic: "logistic"
        case .tanh: "tanh"
        case .relu: "relu"
        case .leakyReLU: "leaky_relu"
        case .abs: "abs"
        case .softplus: "softplus"
        case .linear: "linear"
        case .step: "step"
        case .maxout: "maxout"
        }
    }

    /// The name with its parameter, as shown in descriptions: `leaky_relu(0.01)`, `maxout(3)`.
    public var label: String {
        switch self {
        case .leakyReLU(let slope): "leaky_relu(\(NumberFormat.short(slope)))"
        case .maxout(let pieces): "maxout(\(pieces))"
        default: name
        }
    }

    /// Every accepted name, for error messages.
    public static let names = ["logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "step", "maxout"]

    /// Parses an activation as flags, lesson files and model files write it: one of `names`
    /// (any case; `sigmoid` is logistic), with a parameter after a colon for two of them:
    /// `leaky_relu:0.1` (the slope, in [0, 1)) and `maxout:3` (the pieces, 2 to 16). The one
    /// parser every front end uses; each adds where the text was.
    public init(spec: String) throws {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            .map { String($0.trimmingSpaces) }
        let name = parts[0].lowercased()
        switch name {
        case "logistic", "sigmoid": self = .logistic
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "leaky_relu": self = .leakyReLU(slope: Self.defaultLeakySlope)
        case "abs": self = .abs
        case "softplus": self = .softplus
        case "linear": self = .linear
        case "step": self = .step
        case "maxout": self = .maxout(pieces: 2)
        case "identity", "softmax":
            throw NNLabError("\"\(parts[0].quotedForMessage())\" is an output activation; a hidden layer takes one of "
                             + Self.names.map { "\"\($0)\"" }.joined(separator: ", "))
        default: throw NNLabError(choiceMessage(found: parts[0], allowed: Self.names))
        }
        guard parts.count == 2 else { return }
        switch self {
        case .leakyReLU:
            guard let slope = Double(parts[1]), slope >= 0, slope < 1 else {
                throw NNLabError("leaky_relu's slope must be a number in [0, 1), found \"\(parts[1].quotedForMessage())\"")
            }
            self = .leakyReLU(slope: slope)
        case .maxout:
            guard let k = Int(parts[1]), (2...Limits.maxPieces).contains(k) else {
                throw NNLabError("maxout's pieces must be a whole number from 2 to \(Limits.maxPieces), found \"\(parts[1].quotedForMessage())\"")
            }
            self = .maxout(pieces: k)
        default:
            throw NNLabError("\(name) takes no parameter (found \"\(spec.quotedForMessage())\")")
        }
    }

    /// Linear pieces per unit: k for maxout, 1 otherwise.
    public var pieces: Int {
        if case .maxout(let k) = self { return k }
        return 1
    }

    /// True for the ReLU family, whose units can die (z <= 0 for every example).
    public var canDie: Bool {
        switch self {
        case .relu, .leakyReLU: true
        default: false
        }
    }

    /// True for activations that saturate (f' near 0 for large |z|).
    public var saturates: Bool {
        switch self {
        case .logistic, .tanh: true
        default: false
        }
    }

    /// True where f is not differentiable at some z (ReLU at 0, step at 0, ...).
    public var hasKink: Bool {
        switch self {
        case .relu, .leakyReLU, .abs, .step, .maxout: true
        case .logistic, .tanh, .softplus, .linear: false
        }
    }

    /// The largest value f' takes (used for the saturation share): 1/4 for logistic, 1 for tanh.
    public var maximumDerivative: Double {
        switch self {
        case .logistic: 0.25
        default: 1
        }
    }

    // MARK: f and f', one value (for traces, displays and tests)

    /// f(z). For maxout, the value of one piece (the unit takes the maximum of its pieces).
    @inline(__always)
    public func f<S: NNScalar>(_ z: S) -> S {
        switch self {
        case .logistic: return 1 / (1 + S.exp(-z))
        case .tanh: return S.tanh(z)
        case .relu: return z > 0 ? z : 0
        case .leakyReLU(let slope): return z > 0 ? z : S(slope) * z
        case .abs: return Swift.abs(z)
        case .softplus: return Swift.max(z, 0) + S.log1p(S.exp(-Swift.abs(z)))
        case .linear, .maxout: return z
        case .step: return z >= 0 ? 1 : 0
        }
    }

    /// f'(z). For maxout, the derivative of the winning piece (1).
    @inline(__always)
    public func fPrime<S: NNScalar>(_ z: S) -> S {
        switch self {
        case .logistic:
            let a = f(z)
            return a * (1 - a)
        case .tanh:
            let a = S.tanh(z)
            return 1 - a * a
        case .relu: return z > 0 ? 1 : 0
        case .leakyReLU(let slope): return z > 0 ? 1 : S(slope)
        case .abs: return z > 0 ? 1 : (z < 0 ? -1 : 0)
        case .softplus: return 1 / (1 + S.exp(-z))
        case .linear, .maxout: return 1
        case .step: return 0
        }
    }

    /// The formula of f and of f', as the step-through screen shows them.
    public var formulas: (f: String, fPrime: String) {
        switch self {
        case .logistic: ("sigma(z) = 1 / (1 + e^-z)", "sigma(z) (1 - sigma(z))")
        case .tanh: ("tanh(z)", "1 - tanh^2(z)")
        case .relu: ("max(0, z)", "1 if z > 0 else 0")
        case .leakyReLU(let slope): ("max(0, z) + \(NumberFormat.short(slope)) min(0, z)", "1 if z > 0 else \(NumberFormat.short(slope))")
        case .abs: ("|z|", "sign(z)")
        case .softplus: ("ln(1 + e^z)", "sigma(z)")
        case .linear: ("z", "1")
        case .step: ("1 if z >= 0 else 0", "0")
        case .maxout(let k): ("max of \(k) pieces", "1 for the winning piece, 0 for the others")
        }
    }
}

// MARK: f and f' on 16 lanes (the kernels)

/// An activation's f and f' on 16 lanes. The kernels take these as generic type parameters,
/// so every activation gets its own specialised, fully inlined copy of the loops: passing f
/// as a closure value left ReLU unspecialised, 13x slower (see DECISIONS.md).
protocol ActivationKernel {
    /// True when f' needs z itself; the others compute f' from a = f(z), so a training pass
    /// need not store z (abs loses z's sign in a; softplus' f' is sigma(z)).
    static var needsZ: Bool { get }
    /// f on every lane.
    func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S>
    /// f' on every lane, given z (meaningful only if `needsZ`) and a = f(z).
    func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S>
}

extension ActivationKernel {
    static var needsZ: Bool { false }
}

/// Something done with an activation's kernel (a layer's forward or backward pass).
protocol ActivationVisitor {
    associatedtype Result
    func visit<K: ActivationKernel>(_ kernel: K) -> Result
}

struct LogisticKernel: ActivationKernel {
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { 1 / (1 + S.exp(-z)) }
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { a * (1 - a) }
}

struct TanhKernel: ActivationKernel {
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { S.tanh(z) }
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { 1 - a * a }
}

struct ReLUKernel: ActivationKernel {
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { S.relu(z) }
    // a > 0 exactly where z > 0.
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { S.selectPositive(a, Vec(repeating: 1), Vec()) }
}

struct LeakyReLUKernel: ActivationKernel {
    let slope: Double
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { S.selectNegative(z, z * S(slope), z) }
    // With slope >= 0, a > 0 exactly where z > 0.
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { S.selectPositive(a, Vec(repeating: 1), Vec(repeating: S(slope))) }
}

struct AbsKernel: ActivationKernel {
    static var needsZ: Bool { true }
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { S.magnitude(z) }
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> {
        S.selectPositive(z, Vec(repeating: 1), S.selectPositive(-z, Vec(repeating: -1), Vec()))
    }
}

struct SoftplusKernel: ActivationKernel {
    static var needsZ: Bool { true }
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> {
        S.relu(z) + S.log1p(S.exp(-S.magnitude(z)))
    }
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { 1 / (1 + S.exp(-z)) }
}

struct LinearKernel: ActivationKernel {
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { z }
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { Vec(repeating: 1) }
}

struct StepKernel: ActivationKernel {
    @inline(__always) func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { S.selectNegative(z, Vec(), Vec(repeating: 1)) }
    @inline(__always) func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { Vec() }
}

extension Activation {
    /// Runs `visitor` with this activation's kernel (maxout's pieces are linear).
    @inline(__always)
    func dispatch<V: ActivationVisitor>(_ visitor: V) -> V.Result {
        switch self {
        case .logistic: visitor.visit(LogisticKernel())
        case .tanh: visitor.visit(TanhKernel())
        case .relu: visitor.visit(ReLUKernel())
        case .leakyReLU(let slope): visitor.visit(LeakyReLUKernel(slope: slope))
        case .abs: visitor.visit(AbsKernel())
        case .softplus: visitor.visit(SoftplusKernel())
        case .linear, .maxout: visitor.visit(LinearKernel())
        case .step: visitor.visit(StepKernel())
        }
    }

    /// f on every lane (for callers outside the kernels).
    func f<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { dispatch(ApplyF(z: z)) }

    /// f' on every lane, given z and a = f(z).
    func fPrime<S: NNScalar>(z: Vec<S>, a: Vec<S>) -> Vec<S> { dispatch(ApplyFPrime(z: z, a: a)) }
}

private struct ApplyF<S: NNScalar>: ActivationVisitor {
    let z: Vec<S>
    func visit<K: ActivationKernel>(_ kernel: K) -> Vec<S> { kernel.f(z) }
}

private struct ApplyFPrime<S: NNScalar>: ActivationVisitor {
    let z: Vec<S>, a: Vec<S>
    func visit<K: ActivationKernel>(_ kernel: K) -> Vec<S> { kernel.fPrime(z: z, a: a) }
}
