#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An input feature computed from a point (x1, x2), as TensorFlow Playground offers, plus
/// cos x1, cos x2 and the lecture's polar pair r and theta.
public enum Feature: String, CaseIterable, Sendable {
    case x1
    case x2
    case x1Squared = "x1^2"
    case x2Squared = "x2^2"
    case x1x2 = "x1*x2"
    case sinX1 = "sin(x1)"
    case sinX2 = "sin(x2)"
    case cosX1 = "cos(x1)"
    case cosX2 = "cos(x2)"
    case r
    case theta

    /// Every name, for error messages.
    public static let names = allCases.map(\.rawValue)

    /// Parses a feature's name (any case); also accepts `x1sq`, `x1x2`, `sinx1`, `radius`, `angle`.
    public init(spec: String) throws {
        // "x1 x2" is two features written without their comma, not the product x1x2.
        let words = spec.split(whereSeparator: { $0 == " " || $0 == "\t" })
        if words.count > 1, words.allSatisfy({ Self(alias: String($0)) != nil }) {
            throw NNLabError("\"\(spec.terminalSafeLine)\" names \(words.count) features; separate them with commas (\(words.joined(separator: ",")))")
        }
        guard let f = Self(alias: spec) else { throw NNLabError(choiceMessage(found: spec, allowed: Self.names)) }
        self = f
    }

    private init?(alias name: String) {
        let key = name.lowercased().replacingAll(" ", with: "")
        switch key {
        case "x1", "x": self = .x1
        case "x2", "y": self = .x2
        case "x1^2", "x1sq", "x1²", "x1squared": self = .x1Squared
        case "x2^2", "x2sq", "x2²", "x2squared": self = .x2Squared
        case "x1*x2", "x1x2", "x1·x2": self = .x1x2
        case "sin(x1)", "sinx1", "sin_x1": self = .sinX1
        case "sin(x2)", "sinx2", "sin_x2": self = .sinX2
        case "cos(x1)", "cosx1", "cos_x1": self = .cosX1
        case "cos(x2)", "cosx2", "cos_x2": self = .cosX2
        case "r", "radius": self = .r
        case "theta", "angle", "θ": self = .theta
        default: return nil
        }
    }

    /// The feature's value at (x1, x2).
    @inline(__always)
    public func value(_ x1: Double, _ x2: Double) -> Double {
        switch self {
        case .x1: x1
        case .x2: x2
        case .x1Squared: x1 * x1
        case .x2Squared: x2 * x2
        case .x1x2: x1 * x2
        case .sinX1: sin(x1)
        case .sinX2: sin(x2)
        case .cosX1: cos(x1)
        case .cosX2: cos(x2)
        case .r: (x1 * x1 + x2 * x2).squareRoot()
        case .theta: atan2(x2, x1)
        }
    }

    /// The name shown on the network diagram (Unicode or ASCII).
    public func label(unicode: Bool) -> String {
        guard unicode else { return rawValue }
        switch self {
        case .x1: return "x₁"
        case .x2: return "x₂"
        case .x1Squared: return "x₁²"
        case .x2Squared: return "x₂²"
        case .x1x2: return "x₁x₂"
        case .sinX1: return "sin x₁"
        case .sinX2: return "sin x₂"
        case .cosX1: return "cos x₁"
        case .cosX2: return "cos x₂"
        case .r: return "r"
        case .theta: return "θ"
        }
    }
}

/// The features a network sees, in a fixed order.
public struct FeatureSet: Hashable, Sendable, CustomStringConvertible {
    /// The features, in `Feature.allCases` order, without repeats.
    public let features: [Feature]

    /// A set of features (order and repeats do not matter).
    public init(_ features: [Feature]) {
        self.features = Feature.allCases.filter(features.contains)
    }

    /// x1 and x2.
    public static let plain = FeatureSet([.x1, .x2])

    /// Parses `x1,x2,r`; an unknown name, an empty name (`x1,,x2`) and a feature given twice
    /// are errors.
    public init(parsing text: String) throws {
        try self.init(names: text.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingSpaces) })
    }

    /// The features called `names`, checked as `init(parsing:)` describes.
    public init(names: [String]) throws {
        var list: [Feature] = []
        for name in names {
            guard !name.isEmpty else { throw NNLabError("an empty feature name (two commas in a row?); give names like x1,x2") }
            let f = try Feature(spec: name)
            guard !list.contains(f) else { throw NNLabError("\(f.rawValue) is given twice; each feature is one input") }
            list.append(f)
        }
        guard !list.isEmpty else { throw NNLabError("at least one feature is needed (for example x1,x2)") }
        self.init(list)
    }

    /// Number of inputs.
    public var count: Int { features.count }

    /// `x1,x2,r`.
    public var description: String { features.map(\.rawValue).joined(separator: ",") }

    /// Writes the features of (x1, x2) to `out[0], out[stride], ...`.
    @inline(__always)
    public func write<S: NNScalar>(_ x1: Double, _ x2: Double, to out: UnsafeMutablePointer<S>, stride: Int) {
        for (j, f) in features.enumerated() { out[j * stride] = S(f.value(x1, x2)) }
    }

    /// The network's input for one point: the features of (x1, x2), or x1 alone for a 1-D
    /// data set (x2 is then ignored); for 3 or more dimensions the coordinates themselves,
    /// x1, x2 and then `rest` (features are the plane's).
    public func input(_ x1: Double, _ x2: Double, rest: some Collection<Double> = [Double](), dimension: Int) -> [Double] {
        switch dimension {
        case 1: [x1]
        case 2: features.map { $0.value(x1, x2) }
        default: [x1, x2] + rest
        }
    }

    /// The input width a data set of `dimension` needs: the features for the plane, the
    /// coordinates otherwise.
    public func inputCount(dimension: Int) -> Int { dimension == 2 ? count : dimension }
}

extension Dataset {
    /// The network's input for point `i`: its features in the plane, its coordinates otherwise.
    public func input(_ i: Int, features: FeatureSet) -> [Double] {
        dimension == 2 ? features.input(points[2 * i], points[2 * i + 1], dimension: 2) : Array(coordinates(i))
    }

    /// The examples at `indices`, with `features` computed from the points (data sets not in
    /// the plane use their coordinates).
    public func examples<S: NNScalar>(_ indices: [Int], features: FeatureSet, as _: S.Type = S.self) -> Examples<S> {
        let width = features.inputCount(dimension: dimension)
        var x = [S](repeating: 0, count: indices.count * width)
        x.withUnsafeMutableBufferPointer { out in
            for (row, i) in indices.enumerated() {
                if dimension == 2 {
                    features.write(points[2 * i], points[2 * i + 1], to: out.baseAddress! + row * width, stride: 1)
                } else {
                    for j in 0..<dimension { out[row * width + j] = S(points[i * dimension + j]) }
                }
            }
        }
        switch targets {
        case .classes(let labels, let k):
            return Examples(unchecked: width, x: x, targets: .classes(indices.map { labels[$0] }, classCount: k))
        case .values(let v, let w):
            return Examples(unchecked: width, x: x, targets: .values(indices.flatMap { i in v[i * w..<(i + 1) * w].map { S($0) } }, width: w))
        }
    }
}

extension String {
    /// The string with every `target` replaced (no Foundation in the core).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
