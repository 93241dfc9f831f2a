import Formatting
/// How a gradient becomes a parameter update.
public enum Optimizer: Hashable, Sendable, CustomStringConvertible {
    /// Minibatch gradient descent: theta <- theta - eta grad.
    case sgd
    /// Momentum: v <- mu v - eta grad; theta <- theta + v.
    case momentum(mu: Double)
    /// Adam (Kingma and Ba 2015) with bias correction.
    case adam(beta1: Double, beta2: Double, epsilon: Double)

    /// Accepted names, for error messages.
    public static let names = ["sgd", "momentum", "adam"]

    /// Parses `sgd`, `momentum` (mu 0.9), `momentum:0.8` (mu in [0, 1)), `adam` (any case).
    public init(spec: String) throws {
        let parts = spec.lowercased().split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        switch parts[0] {
        case "sgd": self = .sgd
        case "momentum":
            guard let mu = parts.count == 2 ? Double(parts[1]) : 0.9, mu >= 0, mu < 1 else {
                throw NNLabError("momentum's mu must be a number in [0, 1), found \"\(spec.quotedForMessage())\"")
            }
            self = .momentum(mu: mu)
        case "adam": self = .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)
        default: throw NNLabError(choiceMessage(found: spec, allowed: Self.names))
        }
        if parts.count == 2, parts[0] != "momentum" { throw NNLabError("\(parts[0]) takes no parameter (found \"\(spec.quotedForMessage())\")") }
    }

    /// The spec that `init(spec:)` reads back.
    public var description: String {
        switch self {
        case .sgd: "sgd"
        case .momentum(let mu): mu == 0.9 ? "momentum" : "momentum:\(NumberFormat.short(mu))"
        case .adam: "adam"
        }
    }

    /// The update rule in the lecture's notation.
    public var formula: String {
        switch self {
        case .sgd: "W(l) <- W(l) - eta grad W(l)"
        case .momentum: "v <- mu v - eta grad W(l);  W(l) <- W(l) + v"
        case .adam: "m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;  W(l) <- W(l) - eta m^ / (sqrt(v^) + eps)"
        }
    }
}

/// The optimizer's memory between steps (velocity, Adam's moments). Changing the learning
/// rate or the regularisation between steps keeps it, and keeps the weights.
public struct OptimizerState<S: NNScalar>: Sendable {
    /// The rule in use.
    public private(set) var optimizer: Optimizer
    fileprivate(set) var first: [S]
    fileprivate(set) var second: [S]
    /// Updates applied so far.
    public private(set) var steps = 0

    /// Fresh state for `parameterCount` parameters.
    public init(optimizer: Optimizer, parameterCount: Int) {
        self.optimizer = optimizer
        switch optimizer {
        case .sgd:
            first = []
            second = []
        case .momentum:
            first = [S](repeating: 0, count: parameterCount)
            second = []
        case .adam:
            first = [S](repeating: 0, count: parameterCount)
            second = [S](repeating: 0, count: parameterCount)
        }
    }

    /// theta <- update(theta, grad), for `count` parameters. Allocates nothing.
    public mutating func apply(to theta: UnsafeMutablePointer<S>, gradient g: UnsafePointer<S>, count: Int, learningRate: Double) {
        require(fits(count), "an optimizer state made for another number of parameters")
        S.updatePass(&self, theta, g, count, learningRate)
    }

    /// True if this state can update `count` parameters (its moments have that many).
    func fits(_ count: Int) -> Bool {
        switch optimizer {
        case .sgd: true
        case .momentum: first.count == count
        case .adam: first.count == count && second.count == count
        }
    }

    @inline(__always)
    mutating func applyBody(to theta: UnsafeMutablePointer<S>, gradient g: UnsafePointer<S>, count: Int, learningRate: Double) {
        steps += 1
        let eta = S(learningRate)
        let vectorEnd = count / vecWidth * vecWidth
        switch optimizer {
        case .sgd:
            var i = 0
            while i < vectorEnd {
                store(load(theta + i).madd(load(g + i), -eta), theta + i)
                i &+= vecWidth
            }
            while i < count { theta[i] -= eta * g[i]; i &+= 1 }
        case .momentum(let mu):
            let mu = S(mu)
            first.withUnsafeMutableBufferPointer { v in
                for i in 0..<count {
                    v[i] = mu * v[i] - eta * g[i]
                    theta[i] += v[i]
                }
            }
        case .adam(let beta1, let beta2, let epsilon):
            let b1 = S(beta1), b2 = S(beta2), eps = S(epsilon)
            let correction1 = 1 / (1 - S(integerPower(beta1, steps)))
            let correction2 = 1 / (1 - S(integerPower(beta2, steps)))
            first.withUnsafeMutableBufferPointer { m in
                second.withUnsafeMutableBufferPointer { v in
                    for i in 0..<count {
                        m[i] = b1 * m[i] + (1 - b1) * g[i]
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i]
                        theta[i] -= eta * (m[i] * correction1) / ((v[i] * correction2).squareRoot() + eps)
                    }
                }
            }
        }
    }
}

extension OptimizerState {
    /// The change the last `apply` made to parameter `i`, given that step's gradient.
    func lastUpdate(at i: Int, gradient g: Double, learningRate: Double) -> Double {
        switch optimizer {
        case .sgd:
            return -learningRate * g
        case .momentum:
            return Double(first[i])
        case .adam(let beta1, let beta2, let epsilon):
            let mHat = Double(first[i]) / (1 - integerPower(beta1, steps))
            let vHat = Double(second[i]) / (1 - integerPower(beta2, steps))
            return -learningRate * mHat / (vHat.squareRoot() + epsilon)
        }
    }
}

/// x^n for a whole n >= 0, by squaring (Adam's bias corrections).
func integerPower(_ x: Double, _ n: Int) -> Double {
    var result = 1.0, base = x, e = n
    while e > 0 {
        if e & 1 == 1 { result *= base }
        base *= base
        e >>= 1
    }
    return result
}

extension OptimizerState {
    /// A copy with its own moments.
    func copied() -> OptimizerState {
        var copy = self
        copy.first = first.withUnsafeBufferPointer { Array($0) }
        copy.second = second.withUnsafeBufferPointer { Array($0) }
        return copy
    }

    /// Numbers the optimizer keeps (velocity, Adam's two moments).
    var momentCount: Int { first.count + second.count }
}
