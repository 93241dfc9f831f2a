/// Timings of the core's kernels on their own (for `nnlab bench --kernels` and the
/// measurements in DECISIONS.md).
public enum KernelBench {
    /// One kernel measurement.
    public struct Result: Sendable {
        public let name: String
        public let microseconds: Double
        public let gflops: Double
    }

    /// Best of 5 rounds of `repeats` calls.
    static func time(_ name: String, flops: Double, repeats: Int = 20, _ body: () -> Void) -> Result {
        body()
        let clock = ContinuousClock()
        var best = Double.infinity
        for _ in 0..<5 {
            let start = clock.now
            for _ in 0..<repeats { body() }
            let d = clock.now - start
            best = Swift.min(best, (Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18) / Double(repeats))
        }
        return Result(name: name, microseconds: best * 1e6, gflops: flops / best / 1e9)
    }

    /// The GEMM shapes of W4 (batch 256) and W3 (batch 300), and the transpose.
    public static func run() -> [Result] {
        var results: [Result] = []
        func buffer(_ count: Int, _ value: Float) -> UnsafeMutablePointer<Float> {
            let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
            p.initialize(repeating: value, count: count)
            return p
        }
        for (m, k, n) in [(256, 256, 256), (100, 2, 304), (3, 100, 304), (100, 3, 304), (3, 304, 112)] {
            let L = buffer(m * k * 4, 0.01), R = buffer(k * n * 4, 0.02), C = buffer(m * n * 4, 0)
            let flops = 2.0 * Double(m * k * n)
            results.append(time("gemm \(m)x\(k)x\(n) (W a)", flops: flops) {
                gemm(L: L, lRow: k, lK: 1, R: R, rStride: n, rows: 0..<m, k: k, n: n) { i, c, acc in store(acc, C + (i &* n &+ c)) }
            })
            results.append(time("gemm \(m)x\(k)x\(n) (W^T d)", flops: flops) {
                gemm(L: L, lRow: 1, lK: m, R: R, rStride: n, rows: 0..<m, k: k, n: n) { i, c, acc in store(acc, C + (i &* n &+ c)) }
            })
            L.deallocate(); R.deallocate(); C.deallocate()
        }
        // The passes of a W4-shaped network (2-256-256-2 ReLU, softmax, batch 256).
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 256, activation: .relu), HiddenLayer(units: 256, activation: .relu)],
                                outputs: 2, output: .softmax)
        let net = Network<Float>(architecture: arch, seed: 1)
        let ws = Workspace<Float>(architecture: arch, capacity: 256)
        var rng = SeededGenerator(seed: 2)
        let examples = Examples<Float>(inputWidth: 2, x: (0..<512).map { _ in Float(rng.uniform(-1, 1)) },
                                       targets: .classes((0..<256).map { Int32($0 % 2) }, classCount: 2))
        ws.load(examples, range: 0..<256)
        let stepFlops = 101_974_016.0
        results.append(time("W4 forward", flops: stepFlops / 3) { net.forward(ws) })
        results.append(time("W4 loss", flops: 0) { _ = net.computeLoss(ws) })
        results.append(time("W4 output delta", flops: 0) { net.outputDelta(ws) })
        results.append(time("W4 backward", flops: stepFlops * 2 / 3) { net.backward(ws) })
        var opt = OptimizerState<Float>(optimizer: .sgd, parameterCount: net.parameters.count)
        var copy = net
        results.append(time("W4 sgd update", flops: 0) {
            copy.parameters.withUnsafeMutableBufferPointer { opt.apply(to: $0.baseAddress!, gradient: ws.gradient, count: $0.count, learningRate: 0.1) }
        })
        results.append(time("W4 load batch", flops: 0) { ws.load(examples, range: 0..<256) })
        do {
            let L = buffer(256 * 256, 0.01), R = buffer(256 * 256, 0.02), C = buffer(256 * 256, 0), D = buffer(256 * 256, 0)
            results.append(time("gemm 256^3 + relu epilogue", flops: 2.0 * 256 * 256 * 256) {
                gemm(L: L, lRow: 256, lK: 1, R: R, rStride: 256, rows: 0..<256, k: 256, n: 256) { i, c, acc in
                    store(acc, C + (i &* 256 &+ c))
                    store(ReLUKernel().f(acc), D + (i &* 256 &+ c))
                }
            })
            for i in 0..<(256 * 256) { R[i] = i % 2 == 0 ? 0 : 0.5 }
            results.append(time("gemm 256^3, half the inputs 0", flops: 2.0 * 256 * 256 * 256) {
                gemm(L: L, lRow: 256, lK: 1, R: R, rStride: 256, rows: 0..<256, k: 256, n: 256) { i, c, acc in store(acc, C + (i &* 256 &+ c)) }
            })
            var rng = SeededGenerator(seed: 1)
            for i in 0..<(256 * 256) { R[i] = Float(rng.normal()) * 1e-20; L[i] = Float(rng.normal()) * 1e-19 }
            results.append(time("gemm 256^3, products below 1e-38", flops: 2.0 * 256 * 256 * 256) {
                gemm(L: L, lRow: 256, lK: 1, R: R, rStride: 256, rows: 0..<256, k: 256, n: 256) { i, c, acc in store(acc, C + (i &* 256 &+ c)) }
            })
        }
        for f in [Activation.relu, .linear, .tanh] {
            for (inputs, output) in [(256, OutputActivation.softmax), (256, .identity), (2, .identity)] {
                let a = Architecture(inputs: inputs, hidden: [HiddenLayer(units: 256, activation: f)], outputs: 2, output: output)
                let n = Network<Float>(architecture: a, seed: 1)
                let w = Workspace<Float>(architecture: a, capacity: 256)
                var r = SeededGenerator(seed: 2)
                let e = Examples<Float>(inputWidth: inputs, x: (0..<(256 * inputs)).map { _ in Float(r.uniform(-1, 1)) },
                                        targets: output == .softmax ? .classes((0..<256).map { Int32($0 % 2) }, classCount: 2) : .values([Float](repeating: 0, count: 512), width: 2))
                w.load(e, range: 0..<256)
                results.append(time("forward \(inputs)-256 \(f.name)-2 \(output.rawValue)", flops: 2.0 * 256 * 256 * Double(inputs + 2)) { n.forward(w) })
            }
        }
        let X = buffer(65536, -0.25), Y = buffer(65536, 0)
        for i in stride(from: 0, to: 65536, by: 3) { X[i] = 0.75 }
        func sweep(_ name: String, _ f: (Vec<Float>) -> Vec<Float>) {
            results.append(time("relu 64k: \(name)", flops: 0) {
                var i = 0
                while i < 65536 { store(f(load(X + i)), Y + i); i &+= 16 }
            })
        }
        sweep("replacing") { $0.replacing(with: 0, where: $0 .< 0) }
        sweep("pointwiseMax") { pointwiseMax($0, Vec<Float>()) }
        sweep("sign-bit mask") { z in
            let b = unsafeBitCast(z, to: SIMD16<Int32>.self)
            return unsafeBitCast(b & ~(b &>> 31), to: Vec<Float>.self)
        }
        sweep("(z + |z|) / 2") { z in
            let m = unsafeBitCast(unsafeBitCast(z, to: SIMD16<UInt32>.self) & 0x7FFF_FFFF, to: Vec<Float>.self)
            return (z + m) * 0.5
        }
        let A = buffer(256 * 256, 0.5), T = buffer(256 * 256, 0)
        results.append(time("transpose 256x256", flops: 0) { transpose(A, rows: 256, ld: 256, n: 256, into: T, tStride: 256) })
        A.deallocate(); T.deallocate()
        return results
    }
}
