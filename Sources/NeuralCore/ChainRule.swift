#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny reverse-mode differentiator for scalar expressions (micrograd's idea), for the
/// lecture's chain-rule examples. Nodes live in one array; `backward` visits them in reverse.
public struct ExpressionTape: Sendable {
    /// A node's position on the tape.
    public struct Node: Hashable, Sendable { let index: Int }

    private enum Op: Sendable {
        case input, constant
        case add(Int, Int), multiply(Int, Int), power(Int, Double)
    }

    private var ops: [Op] = []
    /// The value of every node, by index.
    public private(set) var values: [Double] = []
    /// d(output)/d(node) for every node after `backward`.
    public private(set) var gradients: [Double] = []

    /// An empty tape.
    public init() {}

    private mutating func push(_ op: Op, _ value: Double) -> Node {
        ops.append(op)
        values.append(value)
        return Node(index: ops.count - 1)
    }

    /// A variable with value `x`.
    public mutating func input(_ x: Double) -> Node { push(.input, x) }
    /// A constant.
    public mutating func constant(_ c: Double) -> Node { push(.constant, c) }
    /// a + b.
    public mutating func add(_ a: Node, _ b: Node) -> Node { push(.add(a.index, b.index), values[a.index] + values[b.index]) }
    /// a * b.
    public mutating func multiply(_ a: Node, _ b: Node) -> Node { push(.multiply(a.index, b.index), values[a.index] * values[b.index]) }
    /// a^n.
    public mutating func power(_ a: Node, _ n: Double) -> Node { push(.power(a.index, n), pow(values[a.index], n)) }
    /// c * a.
    public mutating func scale(_ a: Node, by c: Double) -> Node { multiply(constant(c), a) }

    /// The value of `node`.
    public func value(_ node: Node) -> Double { values[node.index] }
    /// d(output)/d(node), after `backward(from:)`.
    public func gradient(_ node: Node) -> Double { gradients[node.index] }

    /// Propagates d(output)/d(node) from `output` back to every node (the chain rule: each
    /// node adds its local derivative times the output's derivative to its inputs).
    public mutating func backward(from output: Node) {
        gradients = [Double](repeating: 0, count: ops.count)
        gradients[output.index] = 1
        for i in stride(from: output.index, through: 0, by: -1) {
            let g = gradients[i]
            switch ops[i] {
            case .input, .constant: break
            case .add(let a, let b):
                gradients[a] += g
                gradients[b] += g
            case .multiply(let a, let b):
                gradients[a] += g * values[b]
                gradients[b] += g * values[a]
            case .power(let a, let n):
                gradients[a] += g * n * pow(values[a], n - 1)
            }
        }
    }
}

/// The lecture's two chain-rule examples, evaluated at a point.
public enum ChainRuleExamples {
    /// f(g(x)) = 2 g^2 - 3 g + 1 with g(x) = x^3 + 2x: returns (f, df/dx by the tape,
    /// df/dx by the lecture's formula (4g - 3)(3x^2 + 2)).
    public static func univariate(at x: Double) -> (f: Double, tape: Double, formula: Double) {
        var t = ExpressionTape()
        let xn = t.input(x)
        let g = t.add(t.power(xn, 3), t.scale(xn, by: 2))
        let f = t.add(t.add(t.scale(t.power(g, 2), by: 2), t.scale(g, by: -3)), t.constant(1))
        t.backward(from: f)
        let gv = t.value(g)
        return (t.value(f), t.gradient(xn), (4 * gv - 3) * (3 * x * x + 2))
    }

    /// f(g1, g2) = 2 g1^2 - 3 g1 g2 + 1 with g1 = 3x, g2 = x^2 + 2x: returns (f, df/dx by the
    /// tape, df/dx by the lecture's formula (4 g1 - 3 g2) 3 + (-3 g1)(2x + 2)).
    public static func multivariate(at x: Double) -> (f: Double, tape: Double, formula: Double) {
        var t = ExpressionTape()
        let xn = t.input(x)
        let g1 = t.scale(xn, by: 3)
        let g2 = t.add(t.power(xn, 2), t.scale(xn, by: 2))
        let f = t.add(t.add(t.scale(t.power(g1, 2), by: 2), t.scale(t.multiply(g1, g2), by: -3)), t.constant(1))
        t.backward(from: f)
        let (a, b) = (t.value(g1), t.value(g2))
        return (t.value(f), t.gradient(xn), (4 * a - 3 * b) * 3 + (-3 * a) * (2 * x + 2))
    }
}
