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
public protocol NNScalar: BinaryFloatingPoint, SIMDScalar, LosslessStringConvertible, Codable, Sendable
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
    /// ln x for every lane, x > 0 (a fast polynomial for `Float`, libm per lane for `Double`).
    static func log(_ x: Vec<Self>) -> Vec<Self>
    /// tanh for every lane.
    static func tanh(_ x: Vec<Self>) -> Vec<Self>
    /// The name shown in reports: "float32" or "float64".
    static var precisionName: String { get }

    // Branch-free lane selection through the sign bit. The standard library's
    // `replacing(with:where:)` compiled to a branch per lane, which mispredicts on real data
    // (a ReLU layer ran 12x slower than a linear one; see DECISIONS.md).

    /// Per lane: `a` where x < 0 (sign bit set, also for -0), else `b`.
    static func selectNegative(_ x: Vec<Self>, _ a: Vec<Self>, _ b: Vec<Self>) -> Vec<Self>
    /// Per lane: `a` where x > 0 (strictly), else `b`.
    static func selectPositive(_ x: Vec<Self>, _ a: Vec<Self>, _ b: Vec<Self>) -> Vec<Self>
    /// |x| per lane.
    static func magnitude(_ x: Vec<Self>) -> Vec<Self>
    /// |x| with the sign of `sign`, per lane.
    static func copySign(_ x: Vec<Self>, _ sign: Vec<Self>) -> Vec<Self>

    // The batch passes, compiled once for each precision (Network+Passes.swift). The public
    // methods of `Network` and `OptimizerState` call these, so the generic bodies are only
    // ever used with a concrete type and no unspecialised copy of them is compiled (it was
    // 85% of the core's machine code and of its build time; see DECISIONS.md).

    /// Runs `pass` over the batch in `ws`; returns the summed loss where the pass computes one.
    static func batchPass(_ pass: BatchPass, _ network: Network<Self>, _ ws: Workspace<Self>, l1: Self, l2: Self) -> Double
    /// One training step in place.
    static func trainStepPass(_ network: inout Network<Self>, _ ws: Workspace<Self>, _ optimizer: inout OptimizerState<Self>,
                              learningRate: Double, l1: Self, l2: Self, wantLoss: Bool) -> Double
    /// The optimizer's update of `count` parameters.
    static func updatePass(_ optimizer: inout OptimizerState<Self>, _ theta: UnsafeMutablePointer<Self>,
                           _ gradient: UnsafePointer<Self>, _ count: Int, _ learningRate: Double)
}

extension SIMD16 where Scalar: NNScalar {
    /// self + a * b, lane by lane: one fused multiply-add instruction in a native build. A
    /// portable build (NNLAB_PORTABLE=1) targets processors that may lack it, where a fused
    /// multiply-add is a library call per lane (140 times slower on W4), so it multiplies
    /// and adds instead.
    @inline(__always) func madd(_ a: Self, _ b: Self) -> Self {
        #if NNLAB_NO_FMA
        self + a * b
        #else
        addingProduct(a, b)
        #endif
    }

    /// self + a * b with b the same in every lane.
    @inline(__always) func madd(_ a: Self, _ b: Scalar) -> Self {
        #if NNLAB_NO_FMA
        self + a * b
        #else
        addingProduct(a, b)
        #endif
    }
}

extension NNScalar {
    /// max(x, 0) per lane.
    @inline(__always) static func relu(_ x: Vec<Self>) -> Vec<Self> { selectNegative(x, Vec(), x) }
    /// max(a, b) per lane.
    @inline(__always) static func maximum(_ a: Vec<Self>, _ b: Vec<Self>) -> Vec<Self> { selectNegative(a - b, b, a) }
    /// x clamped to [lo, hi] per lane.
    @inline(__always) static func clamp(_ x: Vec<Self>, _ lo: Self, _ hi: Self) -> Vec<Self> {
        let low = Vec<Self>(repeating: lo), high = Vec<Self>(repeating: hi)
        let v = selectNegative(x - low, low, x)
        return selectNegative(high - v, high, v)
    }
}

extension Float: NNScalar {
    @inline(__always) public static func exp(_ x: Float) -> Float { libmExp(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { libmLog(x) }
    @inline(__always) public static func log1p(_ x: Float) -> Float { libmLog1p(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { libmTanh(x) }
    public static var precisionName: String { "float32" }

    @inline(__always)
    public static func selectNegative(_ x: Vec<Float>, _ a: Vec<Float>, _ b: Vec<Float>) -> Vec<Float> {
        let m = unsafeBitCast(x, to: SIMD16<Int32>.self) &>> 31
        return unsafeBitCast((unsafeBitCast(a, to: SIMD16<Int32>.self) & m) | (unsafeBitCast(b, to: SIMD16<Int32>.self) & ~m), to: Vec<Float>.self)
    }

    @inline(__always)
    public static func selectPositive(_ x: Vec<Float>, _ a: Vec<Float>, _ b: Vec<Float>) -> Vec<Float> {
        let xb = unsafeBitCast(x, to: SIMD16<Int32>.self)
        let m = ((0 &- xb) & ~xb) &>> 31  // all ones exactly where the bits are positive: x > 0
        return unsafeBitCast((unsafeBitCast(a, to: SIMD16<Int32>.self) & m) | (unsafeBitCast(b, to: SIMD16<Int32>.self) & ~m), to: Vec<Float>.self)
    }

    @inline(__always)
    public static func magnitude(_ x: Vec<Float>) -> Vec<Float> {
        unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Vec<Float>.self)
    }

    @inline(__always)
    public static func copySign(_ x: Vec<Float>, _ sign: Vec<Float>) -> Vec<Float> {
        let m = unsafeBitCast(x, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF
        return unsafeBitCast(m | (unsafeBitCast(sign, to: SIMD16<UInt32>.self) & 0x8000_0000), to: Vec<Float>.self)
    }

    /// Branch-free exp for 16 lanes: range reduction to r in [-ln2/2, ln2/2], a degree-7
    /// polynomial (Cephes' coefficients), then scaling by 2^n through the exponent bits. Relative error below 2e-7
    /// (about 1.5 ulp); inputs are clamped to [-87.3, 88.0] so 2^n stays a finite normal number.
    /// Written without the standard library's float-to-integer conversions and `clamped`,
    /// which did not inline and cost 65% of a small network's step (see DECISIONS.md).
    @inline(__always)
    public static func exp(_ x: Vec<Float>) -> Vec<Float> {
        // Constant bounds: pointwiseMin/Max become vminps/vmaxps here (1.6 ns in a dependent
        // chain against 10.7 ns for two sign-bit selects). With two variable operands they did
        // not (18 ns), so the selects stay everywhere else; see DECISIONS.md.
        let v = pointwiseMin(pointwiseMax(x, Vec(repeating: -87.3)), Vec(repeating: 88.0))
        // t = v log2(e) + 1.5 * 2^23: the float addition rounds to an integer n, which then
        // sits in t's low mantissa bits.
        let shifter = Vec<Float>(repeating: 12_582_912)
        let t = shifter.madd(v, Vec(repeating: 1.442_695_04))
        let n = t - shifter
        var r = v.madd(n, Vec(repeating: -0.693_359_375))
        r = r.madd(n, Vec(repeating: 2.121_944_4e-4))
        // p(r) = 1 + r + r^2 q(r), q = c2 + c3 r + c4 r^2 + c5 r^3 + c6 r^4 + c7 r^5 by Estrin's
        // scheme: three independent pairs, then two levels (the chain is 3 FMAs shorter than
        // Horner's; a small network's step is one long dependency chain through its exps).
        let r2 = r * r
        let q01 = Vec<Float>(repeating: 5.000_000_1e-1).madd(Vec(repeating: 1.666_666_5e-1), r)
        let q23 = Vec<Float>(repeating: 4.166_579_6e-2).madd(Vec(repeating: 8.333_452_1e-3), r)
        let q45 = Vec<Float>(repeating: 1.398_199_9e-3).madd(Vec(repeating: 1.987_569_1e-4), r)
        let q = q01.madd(r2, q23.madd(r2, q45))
        let p = (r + 1).madd(r2, q)
        let bits = (unsafeBitCast(t, to: SIMD16<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23
        return p * unsafeBitCast(bits, to: Vec<Float>.self)
    }

    /// Branch-free tanh for 16 lanes (Cephes' tanhf): an odd polynomial for |x| < 0.625,
    /// 1 - 2 / (e^(2|x|) + 1) with the sign restored elsewhere. Error below 3e-7.
    @inline(__always)
    public static func tanh(_ x: Vec<Float>) -> Vec<Float> {
        let m = magnitude(x)
        let e = exp(2 * m)
        let large = copySign(1 - 2 / (e + 1), x)
        let z = x * x
        var p = Vec<Float>(repeating: 2.063_908_9e-2).madd(Vec(repeating: -5.704_988_7e-3), z)
        p = Vec(repeating: -5.373_971_6e-2).madd(p, z)
        p = Vec(repeating: 1.333_144_2e-1).madd(p, z)
        p = Vec(repeating: -3.333_328_2e-1).madd(p, z)
        let small = x.madd(p * z, x)
        return selectNegative(m - 0.625, small, large)
    }

    /// Branch-free ln for 16 lanes of positive normal numbers (Cephes' logf): x = m 2^e with
    /// m in [sqrt(1/2), sqrt(2)), ln x = e ln 2 + ln m by a degree-9 polynomial. Error below 2e-7.
    @inline(__always)
    public static func log(_ x: Vec<Float>) -> Vec<Float> {
        let bits = unsafeBitCast(x, to: SIMD16<UInt32>.self)
        let exponentBits = SIMD16<Int32>(truncatingIfNeeded: (bits &>> 23) & 0xFF) &- 126
        var e = Vec<Float>(repeating: 0)
        for i in 0..<vecWidth { e[i] = Float(exponentBits[i]) }
        var m = unsafeBitCast((bits & 0x807F_FFFF) | 0x3F00_0000, to: Vec<Float>.self)  // [0.5, 1)
        let small = m - 0.707_106_78
        e = selectNegative(small, e - 1, e)
        m = selectNegative(small, m + m - 1, m - 1)
        let z = m * m
        var y = Vec<Float>(repeating: -1.151_461_031_0e-1).madd(Vec(repeating: 7.037_683_629_2e-2), m)
        y = Vec(repeating: 1.167_699_874_0e-1).madd(y, m)
        y = Vec(repeating: -1.242_014_084_6e-1).madd(y, m)
        y = Vec(repeating: 1.424_932_278_7e-1).madd(y, m)
        y = Vec(repeating: -1.666_805_766_5e-1).madd(y, m)
        y = Vec(repeating: 2.000_071_476_5e-1).madd(y, m)
        y = Vec(repeating: -2.499_999_399_3e-1).madd(y, m)
        y = Vec(repeating: 3.333_333_117_4e-1).madd(y, m)
        y = y * m * z
        y = y.madd(e, Vec(repeating: -2.121_944_40e-4))
        y = y.madd(z, Vec(repeating: -0.5))
        return (m + y).madd(e, Vec(repeating: 0.693_359_375))
    }

    /// libm per lane, out of line (softplus only; inlined into every product's store it was
    /// 8% of the core's machine code).
    @inline(never)
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

    @inline(__always)
    public static func selectNegative(_ x: Vec<Double>, _ a: Vec<Double>, _ b: Vec<Double>) -> Vec<Double> {
        let m = unsafeBitCast(x, to: SIMD16<Int64>.self) &>> 63
        return unsafeBitCast((unsafeBitCast(a, to: SIMD16<Int64>.self) & m) | (unsafeBitCast(b, to: SIMD16<Int64>.self) & ~m), to: Vec<Double>.self)
    }

    @inline(__always)
    public static func selectPositive(_ x: Vec<Double>, _ a: Vec<Double>, _ b: Vec<Double>) -> Vec<Double> {
        let xb = unsafeBitCast(x, to: SIMD16<Int64>.self)
        let m = ((0 &- xb) & ~xb) &>> 63
        return unsafeBitCast((unsafeBitCast(a, to: SIMD16<Int64>.self) & m) | (unsafeBitCast(b, to: SIMD16<Int64>.self) & ~m), to: Vec<Double>.self)
    }

    @inline(__always)
    public static func magnitude(_ x: Vec<Double>) -> Vec<Double> {
        unsafeBitCast(unsafeBitCast(x, to: SIMD16<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF, to: Vec<Double>.self)
    }

    @inline(__always)
    public static func copySign(_ x: Vec<Double>, _ sign: Vec<Double>) -> Vec<Double> {
        let m = unsafeBitCast(x, to: SIMD16<UInt64>.self) & 0x7FFF_FFFF_FFFF_FFFF
        return unsafeBitCast(m | (unsafeBitCast(sign, to: SIMD16<UInt64>.self) & 0x8000_0000_0000_0000), to: Vec<Double>.self)
    }

    /// libm's exp per lane: `Double` is the checking precision, where exactness matters most
    /// (one out-of-line loop: the checks need no speed, and inlining it everywhere doubled
    /// the core's machine code).
    @inline(never)
    public static func exp(_ x: Vec<Double>) -> Vec<Double> {
        var out = Vec<Double>()
        for i in 0..<vecWidth { out[i] = libmExp(x[i]) }
        return out
    }

    @inline(never)
    public static func tanh(_ x: Vec<Double>) -> Vec<Double> {
        var out = Vec<Double>()
        for i in 0..<vecWidth { out[i] = libmTanh(x[i]) }
        return out
    }

    @inline(never)
    public static func log(_ x: Vec<Double>) -> Vec<Double> {
        var out = Vec<Double>()
        for i in 0..<vecWidth { out[i] = libmLog(x[i]) }
        return out
    }

    @inline(never)
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
