#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The vector type the kernels compute with: 16 lanes (one AVX-512 register of `Float`).
public typealias Vec<S: NNScalar> = SIMD16<S>

/// Number of lanes in `Vec`; batch columns are padded to a multiple of it.
public let vecWidth = 16

/// A floating-point type the core can compute in: `Float` for training, `Double` for checks.
///
/// The mathematics is written once, generically; this protocol supplies only the elementary
/// functions, in scalar and vector form.
public protocol NNScalar: BinaryFloatingPoint, SIMDScalar, LosslessStringConvertible, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// e^x.
    static func exp(_ x: Self) -> Self
    /// Natural logarithm.
    static func log(_ x: Self) -> Self
    /// ln(1 + x), accurate for small x.
    static func log1p(_ x: Self) -> Self
    /// Hyperbolic tangent.
    static func tanh(_ x: Self) -> Self
    /// e^x for every lane (a fast polynomial for `Float`, libm per lane for `Double`).
    static func exp(_ x: Vec<Self>) -> Vec<Self>
    /// ln(1 + x) for every lane.
    static func log1p(_ x: Vec<Self>) -> Vec<Self>
    /// tanh for every lane.
    static func tanh(_ x: Vec<Self>) -> Vec<Self>
    /// The name shown in reports: "float32" or "float64".
    static var precisionName: String { get }
}

extension Float: NNScalar {
    @inline(__always) public static func exp(_ x: Float) -> Float { libmExp(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { libmLog(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { libmLog1p(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { libmTanh(x) }
    public static var precisionName: String { "float32" }

    /// Branch-free exp for 16 lanes: range reduction to r in [-ln2/2, ln2/2], a degree-6
    /// polynomial, then scaling by 2^n through the exponent bits. Relative error below 2e-7
    /// (about 1.5 ulp); inputs are clamped to [-87.3, 88.0] so 2^n stays a finite normal number.
    @inline(__always)
    public static func exp(_ x: Vec<Float>) -> Vec<Float> {
        let clamped = x.clamped(lowerBound: Vec(repeating: -87.3), upperBound: Vec(repeating: 88.0))
        let n = (clamped * 1.442_695_04).rounded(.toNearestOrEven)
        var r = clamped.addingProduct(n, Vec(repeating: -0.693_359_375))
        r = r.addingProduct(n, Vec(repeating: 2.121_944_4e-4))
        // Horner with fused multiply-adds: p(r) = 1 + r + r^2 (c2 + c3 r + ... + c7 r^5).
        var p = Vec<Float>(repeating: 1.398_199_9e-3).addingProduct(Vec(repeating: 1.987_569_1e-4), r)
        p = Vec(repeating: 8.333_452_1e-3).addingProduct(p, r)
        p = Vec(repeating: 4.166_579_6e-2).addingProduct(p, r)
        p = Vec(repeating: 1.666_666_5e-1).addingProduct(p, r)
        p = Vec(repeating: 5.000_000_1e-1).addingProduct(p, r)
        p = (r + 1).addingProduct(p, r * r)
        let bits = (SIMD16<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: Vec<Float>.self)
    }

    /// Branch-free tanh for 16 lanes (Cephes' tanhf): an odd polynomial for |x| < 0.625,
    /// 1 - 2 / (e^(2|x|) + 1) with the sign restored elsewhere. Error below 3e-7.
    @inline(__always)
    public static func tanh(_ x: Vec<Float>) -> Vec<Float> {
        let magnitude = x.replacing(with: -x, where: x .< 0)
        let e = exp(2 * magnitude)
        var large = 1 - 2 / (e + 1)
        large.replace(with: -large, where: x .< 0)
        let z = x * x
        var p = Vec<Float>(repeating: 2.063_908_9e-2).addingProduct(Vec(repeating: -5.704_988_7e-3), z)
        p = Vec(repeating: -5.373_971_6e-2).addingProduct(p, z)
        p = Vec(repeating: 1.333_144_2e-1).addingProduct(p, z)
        p = Vec(repeating: -3.333_328_2e-1).addingProduct(p, z)
        let small = x.addingProduct(p * z, x)
        return large.replacing(with: small, where: magnitude .< 0.625)
    }

    @inline(__always)
    public static func log1p(_ x: Vec<Float>) -> Vec<Float> {
        var out = Vec<Float>()
        for i in 0..<vecWidth { out[i] = libmLog1p(x[i]) }
        return out
    }
}

extension Double: NNScalar {
    @inline(__always) public static func exp(_ x: Double) -> Double { libmExp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { libmLog(x) }
    @inline(__always) public static func log1p(_ x: Double) -> Double { libmLog1p(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { libmTanh(x) }
    public static var precisionName: String { "float64" }

    /// libm's exp per lane: `Double` is the checking precision, where exactness matters most.
    @inline(__always)
    public static func exp(_ x: Vec<Double>) -> Vec<Double> {
        var out = Vec<Double>()
        for i in 0..<vecWidth { out[i] = libmExp(x[i]) }
        return out
    }

    @inline(__always)
    public static func tanh(_ x: Vec<Double>) -> Vec<Double> {
        var out = Vec<Double>()
        for i in 0..<vecWidth { out[i] = libmTanh(x[i]) }
        return out
    }

    @inline(__always)
    public static func log1p(_ x: Vec<Double>) -> Vec<Double> {
        var out = Vec<Double>()
        for i in 0..<vecWidth { out[i] = libmLog1p(x[i]) }
        return out
    }
}

// The C library's functions under names that do not collide with the protocol's.
@inline(__always) private func libmExp(_ x: Float) -> Float { expf(x) }
@inline(__always) private func libmLog(_ x: Float) -> Float { logf(x) }
@inline(__always) private func libmLog1p(_ x: Float) -> Float { log1pf(x) }
@inline(__always) private func libmTanh(_ x: Float) -> Float { tanhf(x) }
@inline(__always) private func libmExp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func libmLog(_ x: Double) -> Double { log(x) }
@inline(__always) private func libmLog1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) private func libmTanh(_ x: Double) -> Double { tanh(x) }
