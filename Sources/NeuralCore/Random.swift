/// NNLab's own random generator: xoshiro256** seeded through SplitMix64.
///
/// Every random draw in the lab (data, shuffles, weights) comes from one of these, so a seed
/// gives the same numbers on every machine and with every Swift version.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0, s1, s2, s3: UInt64

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// A generator for an independent stream derived from `seed` and a purpose, so that
    /// (for example) drawing more data points does not change the initial weights.
    public init(seed: UInt64, stream: String) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the stream name
        for byte in stream.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        self.init(seed: seed ^ h)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// Uniform in [0, 1), with 53 random bits.
    public mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [a, b).
    public mutating func uniform(_ a: Double, _ b: Double) -> Double {
        a + (b - a) * unit()
    }

    /// Uniform integer in 0..<n, without modulo bias.
    public mutating func index(below n: Int) -> Int {
        require(n > 0)
        return Int(truncatingIfNeeded: next(upperBound: UInt64(n)))
    }

    /// Standard normal N(0, 1), Marsaglia's polar method (only sqrt and log, no trigonometry).
    public mutating func normal() -> Double {
        while true {
            let u = uniform(-1, 1), v = uniform(-1, 1)
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * Double.log(s) / s).squareRoot()
            }
        }
    }

    /// Fisher-Yates shuffle of `array` in place.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = index(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }
}
