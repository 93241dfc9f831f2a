/// How initial weights are drawn. Biases are set to a constant (`biasInit`), not drawn.
public enum WeightInit: Hashable, Sendable, CustomStringConvertible {
    /// U(-r, r) (TensorFlow Playground uses r = 0.5).
    case uniform(range: Double)
    /// Glorot/Xavier: U(-sqrt(6 / (s_l + s_{l+1})), +sqrt(6 / (s_l + s_{l+1}))).
    case glorot
    /// He: N(0, 2 / s_l), for the ReLU family.
    case he
    /// N(0, std^2) (cs231n uses 0.01).
    case normal(std: Double)

    /// Accepted names, for error messages.
    public static let names = ["glorot", "he", "uniform:R", "normal:STD"]

    /// Parses `glorot` (or `xavier`), `he`, `uniform:0.5`, `normal:0.01`.
    public init?(name: String) {
        let parts = name.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first ?? "" {
        case "glorot", "xavier": self = .glorot
        case "he", "kaiming": self = .he
        case "uniform":
            let r = parts.count == 2 ? Double(parts[1]) : 0.5
            guard let r, r.isFinite, r > 0 else { return nil }
            self = .uniform(range: r)
        case "normal", "gaussian":
            let s = parts.count == 2 ? Double(parts[1]) : 0.01
            guard let s, s.isFinite, s > 0 else { return nil }
            self = .normal(std: s)
        default: return nil
        }
    }

    /// The name that `init(name:)` reads back.
    public var description: String {
        switch self {
        case .uniform(let r): "uniform:\(formatShort(r))"
        case .glorot: "glorot"
        case .he: "he"
        case .normal(let s): "normal:\(formatShort(s))"
        }
    }

    /// He for the ReLU family and maxout, Glorot for the others.
    public static func `default`(for architecture: Architecture) -> WeightInit {
        switch architecture.hidden.first?.activation {
        case .relu?, .leakyReLU?, .abs?, .maxout?: .he
        default: .glorot
        }
    }

    /// One weight for a layer with `fanIn` inputs and `fanOut` units.
    func draw(fanIn: Int, fanOut: Int, _ rng: inout SeededGenerator) -> Double {
        switch self {
        case .uniform(let r): return rng.uniform(-r, r)
        case .glorot:
            let r = (6.0 / Double(fanIn + fanOut)).squareRoot()
            return rng.uniform(-r, r)
        case .he: return rng.normal() * (2.0 / Double(fanIn)).squareRoot()
        case .normal(let s): return rng.normal() * s
        }
    }
}
