import Formatting
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

    /// The largest range R of uniform:R and standard deviation of normal:STD. Larger initial
    /// weights saturate every unit at once or overflow float32; the saturation lessons use 8.
    public static let maxScale = 1000.0

    /// What `init(name:)` accepts, for messages.
    public static let help = "glorot, he, uniform:R or normal:STD (R and STD greater than 0, at most 1000)"

    /// Parses `glorot` (or `xavier`), `he` (or `kaiming`), `uniform:R` (R 0.5 if omitted),
    /// `normal:STD` (0.01 if omitted), any case; R and STD are greater than 0 and at most
    /// `maxScale`.
    public init(spec: String) throws {
        let parts = spec.lowercased().split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let problem = NNLabError("expected \(Self.help), found \"\(spec.quotedForMessage())\"")
        func scale(_ fallback: Double) throws -> Double {
            guard let v = parts.count == 2 ? Double(parts[1]) : fallback, v > 0, v <= Self.maxScale else { throw problem }
            return v
        }
        switch parts[0] {
        case "glorot", "xavier": self = .glorot
        case "he", "kaiming": self = .he
        case "uniform": self = .uniform(range: try scale(0.5))
        case "normal": self = .normal(std: try scale(0.01))
        default: throw problem
        }
        if parts.count == 2, parts[0] != "uniform", parts[0] != "normal" { throw problem }
    }

    /// The spec that `init(spec:)` reads back.
    public var description: String {
        switch self {
        case .uniform(let r): "uniform:\(NumberFormat.short(r))"
        case .glorot: "glorot"
        case .he: "he"
        case .normal(let s): "normal:\(NumberFormat.short(s))"
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
