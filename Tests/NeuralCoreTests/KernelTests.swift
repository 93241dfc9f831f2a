import NeuralCore
import Testing

/// The core's GEMM against the plain triple loop in the same order of operations: every
/// output is the sum over k in increasing order, one (fused) multiply-add at a time, so the
/// numbers agree bit for bit whatever tiles the build chose (8 x 32 for AVX-512, 6 x 16 for
/// AVX2 and NEON) and wherever a row or column tail or a panel boundary falls.
@Suite struct KernelTests {
    static func reference(_ L: [Float], _ R: [Float], m: Int, k: Int, n: Int, transposedL: Bool) -> [Float] {
        var C = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for c in 0..<n {
                var acc: Float = 0
                for j in 0..<k {
                    let l = transposedL ? L[j * m + i] : L[i * k + j]
                    acc = kernelsFuseMultiplyAdd ? acc.addingProduct(l, R[j * n + c]) : acc + l * R[j * n + c]
                }
                C[i * n + c] = acc
            }
        }
        return C
    }

    @Test(arguments: [(1, 1, 16), (2, 3, 32), (3, 100, 48), (4, 2, 16), (5, 7, 80), (6, 33, 32), (7, 1024, 80),
                      (8, 5, 48), (9, 2, 64), (11, 17, 16), (12, 3, 96), (13, 64, 48), (17, 9, 112), (100, 2, 304)])
    func gemmMatchesTheTripleLoopBitForBit(_ shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        var rng = SeededGenerator(seed: UInt64(m * 1000 + k), stream: "gemm")
        let L = (0..<(m * k)).map { _ in Float(rng.uniform(-1, 1)) }
        let R = (0..<(k * n)).map { _ in Float(rng.uniform(-1, 1)) }
        for transposed in [false, true] {
            let got = KernelBench.product(L, R, m: m, k: k, n: n, transposedL: transposed)
            let want = Self.reference(L, R, m: m, k: k, n: n, transposedL: transposed)
            let differing = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(differing == 0, "\(m)x\(k)x\(n)\(transposed ? " (L transposed)" : ""): \(differing) of \(got.count) entries differ")
        }
    }
}
