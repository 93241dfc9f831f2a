import Formatting
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

/// The lecture's chain-rule examples written out value by value, for `nnlab chain`: the
/// forward values, every local derivative, the product along each path from x to f, the sum
/// over the paths, the tape's answer and a finite difference.
public struct ChainRuleReport: Sendable {
    /// One named quantity: "g = x^3 + 2x = 3".
    public struct Line: Sendable {
        public let name: String
        public let formula: String
        public let value: Double
    }

    /// One path from x to f and its factors (the local derivatives along it).
    public struct Path: Sendable {
        public let nodes: [String]
        public let factors: [(name: String, value: Double)]
        public var product: Double { factors.reduce(1) { $0 * $1.value } }
    }

    public let title: String
    public let x: Double
    public let forward: [Line]
    public let local: [Line]
    public let paths: [Path]
    /// df/dx by the tape (reverse mode: products along edges, sums over paths).
    public let tape: Double
    /// (f(x + h) - f(x - h)) / 2h.
    public let finiteDifference: Double
    /// The step h of the finite difference.
    public let h: Double

    /// df/dx as the sum over the paths.
    public var total: Double { paths.reduce(0) { $0 + $1.product } }

    /// What a line of the written-out example is.
    public enum LineKind: Int, Sendable {
        case forward, local, path, total, check
    }

    /// The example written out line by line, in the order a student reads it: the forward
    /// values, each local derivative, the product along each path, their sum, the checks
    /// (`nnlab chain` prints them, the lab's chain screen reveals them one by one).
    public var lines: [(text: String, kind: LineKind)] {
        func number(_ v: Double) -> String { NumberFormat.compact(v, significant: 8) }
        // Inside a product or a sum, negative numbers in parentheses.
        func terms(_ values: [Double], _ separator: String) -> String {
            values.enumerated().map { $0.offset > 0 && $0.element < 0 ? "(\(number($0.element)))" : number($0.element) }.joined(separator: separator)
        }
        // Names and formulas lined up, so the values stand in one column.
        let named = forward + local
        let nameWidth = named.map(\.name.count).max() ?? 0, formulaWidth = named.map(\.formula.count).max() ?? 0
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: Swift.max(0, width - text.count)) }
        func line(_ l: Line) -> String {
            pad(l.name, nameWidth) + " = " + (l.formula.isEmpty ? "" : pad(l.formula, formulaWidth) + " = ") + number(l.value)
        }
        var out: [(String, LineKind)] = []
        for l in forward { out.append((line(l), .forward)) }
        for l in local { out.append((line(l), .local)) }
        for p in paths {
            out.append((p.nodes.joined(separator: " -> ") + ":  " + p.factors.map(\.name).joined(separator: " * ") + " = "
                        + terms(p.factors.map(\.value), " * ") + " = " + number(p.product), .path))
        }
        out.append((paths.count > 1 ? "df/dx = the sum over the paths = " + terms(paths.map(\.product), " + ") + " = " + number(total)
                                    : "df/dx = " + number(total), .total))
        // Relative where the derivative has a size; near 0 (example 2 at x = 0) the absolute
        // difference, since a ratio of two rounding errors says nothing.
        let size = Swift.max(Swift.abs(total), Swift.abs(finiteDifference)), gap = Swift.abs(finiteDifference - total)
        let difference = size < 1e-6 ? "absolute difference \(NumberFormat.scientific(gap, digits: 1)), the derivative being about 0"
            : "relative difference \(NumberFormat.scientific(gap / size, digits: 1))"
        out.append(("check: reverse mode (the tape) gives \(number(tape)); finite differences (f(x+h) - f(x-h)) / 2h with h = "
                    + "\(NumberFormat.compact(h, significant: 2)) give \(number(finiteDifference)) (\(difference))", .check))
        return out
    }

    /// Example 1: f(g(x)) = 2 g^2 - 3 g + 1 with g(x) = x^3 + 2x.
    public static func univariate(at x: Double) -> ChainRuleReport {
        func g(_ x: Double) -> Double { x * x * x + 2 * x }
        func f(_ x: Double) -> Double { let v = g(x); return 2 * v * v - 3 * v + 1 }
        let gv = g(x)
        let h = 1e-5 * Swift.max(1, Swift.abs(x))
        return ChainRuleReport(
            title: "Example 1 (univariate): f(g(x)) = 2 g(x)^2 - 3 g(x) + 1, g(x) = x^3 + 2x",
            x: x,
            forward: [Line(name: "x", formula: "", value: x), Line(name: "g", formula: "x^3 + 2x", value: gv),
                      Line(name: "f", formula: "2 g^2 - 3 g + 1", value: f(x))],
            local: [Line(name: "dg/dx", formula: "3x^2 + 2", value: 3 * x * x + 2), Line(name: "df/dg", formula: "4g - 3", value: 4 * gv - 3)],
            paths: [Path(nodes: ["x", "g", "f"], factors: [("df/dg", 4 * gv - 3), ("dg/dx", 3 * x * x + 2)])],
            tape: ChainRuleExamples.univariate(at: x).tape, finiteDifference: (f(x + h) - f(x - h)) / (2 * h), h: h)
    }

    /// Example 2: f(g1(x), g2(x)) = 2 g1^2 - 3 g1 g2 + 1 with g1 = 3x, g2 = x^2 + 2x.
    public static func multivariate(at x: Double) -> ChainRuleReport {
        func f(_ x: Double) -> Double { let a = 3 * x, b = x * x + 2 * x; return 2 * a * a - 3 * a * b + 1 }
        let a = 3 * x, b = x * x + 2 * x
        let h = 1e-5 * Swift.max(1, Swift.abs(x))
        return ChainRuleReport(
            title: "Example 2 (multivariate): f(g1(x), g2(x)) = 2 g1^2 - 3 g1 g2 + 1, g1(x) = 3x, g2(x) = x^2 + 2x",
            x: x,
            forward: [Line(name: "x", formula: "", value: x), Line(name: "g1", formula: "3x", value: a),
                      Line(name: "g2", formula: "x^2 + 2x", value: b), Line(name: "f", formula: "2 g1^2 - 3 g1 g2 + 1", value: f(x))],
            local: [Line(name: "dg1/dx", formula: "3", value: 3), Line(name: "dg2/dx", formula: "2x + 2", value: 2 * x + 2),
                    Line(name: "df/dg1", formula: "4 g1 - 3 g2", value: 4 * a - 3 * b), Line(name: "df/dg2", formula: "-3 g1", value: -3 * a)],
            paths: [Path(nodes: ["x", "g1", "f"], factors: [("df/dg1", 4 * a - 3 * b), ("dg1/dx", 3)]),
                    Path(nodes: ["x", "g2", "f"], factors: [("df/dg2", -3 * a), ("dg2/dx", 2 * x + 2)])],
            tape: ChainRuleExamples.multivariate(at: x).tape, finiteDifference: (f(x + h) - f(x - h)) / (2 * h), h: h)
    }
}
