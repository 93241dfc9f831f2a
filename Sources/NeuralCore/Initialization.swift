import Formatting
/// How initial weights are drawn. Biases are set to a constant (`biasInit`), not drawn.
public enum WeightInit: Hashable, Sendable, CustomStringConvertible {
    /// U(-r, r) (TensorFlow Playground uses r = 0.5).
    case uniform(range: Double)
    /// Glorot/Xavier: U(-r, r), r = gain sqrt(6 / (s_l + s_{l+1})).
    case glorot(gain: Double = 1)
    /// He: N(0, gain^2 2 / s_l), for the ReLU family.
    case he(gain: Double = 1)
    /// N(0, std^2) (cs231n uses 0.01).
    case normal(std: Double)

    /// Accepted names, for error messages.
    public static let names = ["glorot", "he", "glorot:G", "he:G", "uniform:R", "normal:STD"]

    /// The largest gain G of glorot:G and he:G.
    public static let maxGain = 100.0

    /// The largest range R of uniform:R and standard deviation of normal:STD. Larger initial
    /// weights saturate every unit at once or overflow float32; the saturation lessons use 8.
    public static let maxScale = 1000.0

    /// What `init(name:)` accepts, for messages.
    public static let help = "glorot, he, glorot:G or he:G (a gain G such as 5/3, greater than 0, at most 100), uniform:R or normal:STD (R and STD greater than 0, at most 1000)"

    /// Parses `glorot` (or `xavier`) and `he` (or `kaiming`), each with an optional gain
    /// (`glorot:5/3`, `he:1.5`), `uniform:R` (R 0.5 if omitted), `normal:STD` (0.01 if
    /// omitted), any case; R and STD are greater than 0 and at most `maxScale`.
    public init(spec: String) throws {
        let parts = spec.lowercased().split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let problem = NNLabError("expected \(Self.help), found \"\(spec.quotedForMessage())\"")
        func scale(_ fallback: Double) throws -> Double {
            guard let v = parts.count == 2 ? Double(parts[1]) : fallback, v > 0, v <= Self.maxScale else { throw problem }
            return v
        }
        func gain() throws -> Double {
            guard parts.count == 2 else { return 1 }
            guard let g = Self.gain(parts[1]) else { throw problem }
            return g
        }
        switch parts[0] {
        case "glorot", "xavier": self = .glorot(gain: try gain())
        case "he", "kaiming": self = .he(gain: try gain())
        case "uniform": self = .uniform(range: try scale(0.5))
        case "normal": self = .normal(std: try scale(0.01))
        default: throw problem
        }
    }

    /// A gain written as a number (1.667) or a fraction (5/3), greater than 0 and at most
    /// `maxGain`; nil otherwise.
    public static func gain(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let pieces = t.split(separator: "/", omittingEmptySubsequences: false)
        let value: Double?
        if pieces.count == 2, let n = Double(pieces[0]), let d = Double(pieces[1]), d != 0 { value = n / d }
        else if pieces.count == 1 { value = Double(t) } else { value = nil }
        guard let value, value.isFinite, value > 0, value <= maxGain else { return nil }
        return value
    }

    /// The gain of glorot and he (1 for the others).
    public var gain: Double {
        switch self {
        case .glorot(let g), .he(let g): g
        case .uniform, .normal: 1
        }
    }

    /// The scheme without its gain: glorot, he, uniform, normal.
    public var scheme: String {
        switch self {
        case .glorot: "glorot"
        case .he: "he"
        case .uniform: "uniform"
        case .normal: "normal"
        }
    }

    /// This scheme with another gain (glorot and he; the others are returned as they are).
    public func with(gain g: Double) -> WeightInit {
        switch self {
        case .glorot: .glorot(gain: g)
        case .he: .he(gain: g)
        case .uniform, .normal: self
        }
    }

    /// The spec that `init(spec:)` reads back.
    public var description: String {
        switch self {
        case .uniform(let r): "uniform:\(NumberFormat.short(r))"
        case .glorot(let g): g == 1 ? "glorot" : "glorot:\(Self.gainText(g))"
        case .he(let g): g == 1 ? "he" : "he:\(Self.gainText(g))"
        case .normal(let s): "normal:\(NumberFormat.short(s))"
        }
    }

    /// A gain as the lab shows it: four significant digits (5/3 is 1.667).
    public static func gainText(_ g: Double) -> String { NumberFormat.compact(g, significant: 4) }

    /// He for the ReLU family and maxout, Glorot for the others.
    public static func `default`(for architecture: Architecture) -> WeightInit {
        switch architecture.hidden.first?.activation {
        case .relu?, .leakyReLU?, .abs?, .maxout?: .he()
        default: .glorot()
        }
    }

    /// One weight for a layer with `fanIn` inputs and `fanOut` units.
    func draw(fanIn: Int, fanOut: Int, _ rng: inout SeededGenerator) -> Double {
        switch self {
        case .uniform(let r): return rng.uniform(-r, r)
        case .glorot(let gain):
            let r = gain * (6.0 / Double(fanIn + fanOut)).squareRoot()
            return rng.uniform(-r, r)
        case .he(let gain): return rng.normal() * (gain * (2.0 / Double(fanIn)).squareRoot())
        case .normal(let s): return rng.normal() * s
        }
    }
}
