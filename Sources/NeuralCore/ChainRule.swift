#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny reverse-mode differentiator for scalar expressions (micrograd's idea), for the
/// lecture's chain-rule examples. Each operation computes its value and, beside it, its local
/// derivatives with respect to its inputs; `backward` only multiplies along the edges and
/// adds over the paths (the chain rule).
public struct ExpressionTape: Sendable {
    /// A node's position on the tape.
    public struct Node: Hashable, Sendable { let index: Int }

    /// An edge into a node: the input it comes from and d(node)/d(input) there.
    public struct Edge: Sendable, Equatable {
        /// The input's node index.
        public let input: Int
        /// The local derivative d(node)/d(input).
        public let derivative: Double
    }

    /// The value of every node, by index.
    public private(set) var values: [Double] = []
    /// The edges into every node, by index (none for inputs and constants).
    public private(set) var edges: [[Edge]] = []
    /// d(output)/d(node) for every node after `backward`.
    public private(set) var gradients: [Double] = []

    /// An empty tape.
    public init() {}

    private mutating func push(_ value: Double, _ inputs: [(Node, Double)] = []) -> Node {
        values.append(value)
        edges.append(inputs.map { Edge(input: $0.0.index, derivative: $0.1) })
        return Node(index: values.count - 1)
    }

    /// A variable with value `x`.
    public mutating func input(_ x: Double) -> Node { push(x) }
    /// A constant.
    public mutating func constant(_ c: Double) -> Node { push(c) }

    /// a + b; d/da = 1, d/db = 1.
    public mutating func add(_ a: Node, _ b: Node) -> Node {
        push(value(a) + value(b), [(a, 1), (b, 1)])
    }

    /// a * b; d/da = b, d/db = a.
    public mutating func multiply(_ a: Node, _ b: Node) -> Node {
        push(value(a) * value(b), [(a, value(b)), (b, value(a))])
    }

    /// a^n; d/da = n a^(n-1).
    public mutating func power(_ a: Node, _ n: Double) -> Node {
        push(pow(value(a), n), [(a, n * pow(value(a), n - 1))])
    }

    /// c * a; d/da = c.
    public mutating func scale(_ a: Node, by c: Double) -> Node {
        push(c * value(a), [(a, c)])
    }

    /// The value of `node`.
    public func value(_ node: Node) -> Double { values[node.index] }
    /// d(output)/d(node), after `backward(from:)`.
    public func gradient(_ node: Node) -> Double { gradients[node.index] }

    /// Propagates d(output)/d(node) from `output` back to every node: each node passes its
    /// gradient times the local derivative along each edge to that edge's input, and an input
    /// reached by several paths adds them up.
    public mutating func backward(from output: Node) {
        gradients = [Double](repeating: 0, count: values.count)
        gradients[output.index] = 1
        for i in stride(from: output.index, through: 0, by: -1) {
            for edge in edges[i] { gradients[edge.input] += gradients[i] * edge.derivative }
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
