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
            best = Swift.min(best, (d / .seconds(1)) / Double(repeats))
        }
        return Result(name: name, microseconds: best * 1e6, gflops: flops / best / 1e9)
    }

    /// C = L R with the core's GEMM (one compiled copy for every shape measured).
    @inline(never)
    static func plainGemm(_ L: UnsafePointer<Float>, lRow: Int, lK: Int, _ R: UnsafePointer<Float>, _ C: UnsafeMutablePointer<Float>,
                          m: Int, k: Int, n: Int) {
        gemm(L: L, lRow: lRow, lK: lK, R: R, rStride: n, rows: 0..<m, k: k, n: n, store: PlainStore(C: C, ld: n))
    }

    /// C = L R (m x k times k x n, row-major; n a multiple of 16) with the core's GEMM, L read
    /// as stored or, with `transposedL`, from its transpose (k x m), as the backward pass reads
    /// W(l). For tests: every tile and tail of the kernel compiled for this machine.
    public static func product(_ L: [Float], _ R: [Float], m: Int, k: Int, n: Int, transposedL: Bool = false) -> [Float] {
        precondition(L.count == m * k && R.count == k * n && n % vecWidth == 0, "shapes")
        var C = [Float](repeating: .nan, count: m * n)
        L.withUnsafeBufferPointer { l in
            R.withUnsafeBufferPointer { r in
                C.withUnsafeMutableBufferPointer { c in
                    plainGemm(l.baseAddress!, lRow: transposedL ? 1 : k, lK: transposedL ? m : 1, r.baseAddress!, c.baseAddress!, m: m, k: k, n: n)
                }
            }
        }
        return C
    }

    /// This core's single-thread float32 matrix-multiply speed on a large square product
    /// (`size` cubed, the best of 5 rounds) with the core's own GEMM.
    public static func peak(size: Int = 1024) -> Result {
        let L = UnsafeMutablePointer<Float>.allocate(capacity: size * size)
        let R = UnsafeMutablePointer<Float>.allocate(capacity: size * size)
        let C = UnsafeMutablePointer<Float>.allocate(capacity: size * size)
        defer { L.deallocate(); R.deallocate(); C.deallocate() }
        L.initialize(repeating: 0.01, count: size * size)
        R.initialize(repeating: 0.02, count: size * size)
        C.initialize(repeating: 0, count: size * size)
        return time("gemm \(size)x\(size)x\(size) (peak)", flops: 2 * Double(size * size * size), repeats: 10) {
            plainGemm(L, lRow: size, lK: 1, R, C, m: size, k: size, n: size)
        }
    }

    /// The float32 fused multiply-add limit of one core, measured: 12 independent chains of
    /// multiply-adds on the widest registers this build uses (16 lanes with AVX-512, 8
    /// otherwise; 12 in flight cover the latency of two FMA units), the best of 5 rounds. No
    /// matrix product can beat it.
    public static func fmaPeak() -> Result {
        let iterations = 20_000_000
        #if NNLAB_WIDE_REGISTERS
        typealias V = SIMD16<Float>
        #else
        typealias V = SIMD8<Float>
        #endif
        let flops = 2.0 * Double(iterations * 12 * V.scalarCount)
        var sink: Float = 0
        let r = time("fma peak (12 chains of \(V.scalarCount) lanes)", flops: flops, repeats: 1) {
            sink += fmaChains(iterations, V(repeating: 0.999_999))
        }
        precondition(sink.isFinite)
        return r
    }

    /// 12 chains a <- 1e-6 + a * m, `iterations` steps each; the sum of their lanes.
    @inline(never)
    static func fmaChains<V: SIMD>(_ iterations: Int, _ m: V) -> Float where V.Scalar == Float {
        var a = (0..<12).map { V(repeating: Float($0 + 1)) }
        let c = V(repeating: 1e-6)
        var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5]
        var a6 = a[6], a7 = a[7], a8 = a[8], a9 = a[9], a10 = a[10], a11 = a[11]
        for _ in 0..<iterations {
            a0 = c.addingProduct(a0, m); a1 = c.addingProduct(a1, m); a2 = c.addingProduct(a2, m); a3 = c.addingProduct(a3, m)
            a4 = c.addingProduct(a4, m); a5 = c.addingProduct(a5, m); a6 = c.addingProduct(a6, m); a7 = c.addingProduct(a7, m)
            a8 = c.addingProduct(a8, m); a9 = c.addingProduct(a9, m); a10 = c.addingProduct(a10, m); a11 = c.addingProduct(a11, m)
        }
        a = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11]
        return a.reduce(V(), +).sum()
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
            results.append(time("gemm \(m)x\(k)x\(n) (W a)", flops: flops) { plainGemm(L, lRow: k, lK: 1, R, C, m: m, k: k, n: n) })
            results.append(time("gemm \(m)x\(k)x\(n) (W^T d)", flops: flops) { plainGemm(L, lRow: 1, lK: m, R, C, m: m, k: k, n: n) })
            L.deallocate(); R.deallocate(); C.deallocate()
        }
        // The passes of a W4-shaped network (2-256-256-2 ReLU, softmax, batch 256).
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 256, activation: .relu), HiddenLayer(units: 256, activation: .relu)],
                                outputs: 2, output: .softmax)
        let net = try! Network<Float>(architecture: arch, seed: 1)
        let ws = Workspace<Float>(unchecked: arch, capacity: 256)
        var rng = SeededGenerator(seed: 2)
        let examples = Examples<Float>(unchecked: 2, x: (0..<512).map { _ in Float(rng.uniform(-1, 1)) },
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
        for f in [Activation.relu, .linear, .tanh] {
            for (inputs, output) in [(256, OutputActivation.softmax), (256, .identity), (2, .identity)] {
                let a = Architecture(inputs: inputs, hidden: [HiddenLayer(units: 256, activation: f)], outputs: 2, output: output)
                let n = try! Network<Float>(architecture: a, seed: 1)
                let w = Workspace<Float>(unchecked: a, capacity: 256)
                var r = SeededGenerator(seed: 2)
                let e = Examples<Float>(unchecked: inputs, x: (0..<(256 * inputs)).map { _ in Float(r.uniform(-1, 1)) },
                                        targets: output == .softmax ? .classes((0..<256).map { Int32($0 % 2) }, classCount: 2) : .values([Float](repeating: 0, count: 512), width: 2))
                w.load(e, range: 0..<256)
                results.append(time("forward \(inputs)-256 \(f.name)-2 \(output.rawValue)", flops: 2.0 * 256 * 256 * Double(inputs + 2)) { n.forward(w) })
            }
        }
        do {
            // The pieces of a W1 step (2-2-1 logistic, squared error, batch 4).
            let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 2, activation: .logistic)], outputs: 1,
                                    output: .logistic, loss: .squaredError)
            var net = try! Network<Float>(architecture: arch, seed: 1)
            let xor = Examples<Float>(unchecked: 2, x: [0, 0, 0, 1, 1, 0, 1, 1], targets: .classes([0, 1, 1, 0], classCount: 2))
            let ws = Workspace<Float>(unchecked: arch, capacity: 4)
            ws.load(xor, range: 0..<4)
            var opt = OptimizerState<Float>(optimizer: .sgd, parameterCount: net.parameters.count)
            let trainer = try! Trainer(network: net, train: xor, settings: TrainingSettings(learningRate: 0.5, batchSize: 4, shuffle: false), seed: 1)
            results.append(time("W1 trainer.step x1000", flops: 0, repeats: 50) { trainer.run(steps: 1000) })
            results.append(time("W1 trainStep x1000", flops: 0, repeats: 50) {
                for _ in 0..<1000 { _ = net.trainStep(ws, optimizer: &opt, learningRate: 0.5, l1: 0, l2: 0, wantLoss: false) }
            })
            results.append(time("W1 forward x1000", flops: 0, repeats: 50) { for _ in 0..<1000 { net.forward(ws) } })
            results.append(time("W1 outputDelta x1000", flops: 0, repeats: 50) { for _ in 0..<1000 { net.outputDelta(ws) } })
            results.append(time("W1 backward x1000", flops: 0, repeats: 50) { for _ in 0..<1000 { net.backward(ws) } })
            results.append(time("W1 sgd x1000", flops: 0, repeats: 50) {
                for _ in 0..<1000 { net.parameters.withUnsafeMutableBufferPointer { opt.apply(to: $0.baseAddress!, gradient: ws.gradient, count: $0.count, learningRate: 0.5) } }
            })
        }
        do {
            // Latency of a horizontal sum: a chain where each sum feeds the next vector.
            func chain(_ name: String, _ sum: (Vec<Float>) -> Float) {
                var v = Vec<Float>((0..<16).map { Float($0) * 1e-9 })
                var total: Float = 0
                results.append(time("hsum chain x1000: \(name)", flops: 0, repeats: 50) {
                    for _ in 0..<1000 { let s = sum(v); total += s; v = v + s * 1e-9 }
                })
                if total == 12345 { print(total) }
            }
            chain("halves") { horizontalSum($0) }
            func vchain(_ name: String, _ f: (Vec<Float>) -> Vec<Float>) {
                var v = Vec<Float>((0..<16).map { Float($0) * 0.01 })
                results.append(time("vector chain x1000: \(name)", flops: 0, repeats: 50) {
                    for _ in 0..<1000 { v = f(v) * 0.5 }
                })
                if v[0] == 12345 { print(v) }
            }
            vchain("multiply only") { $0 }
            vchain("exp") { Float.exp($0) }
            vchain("logistic") { LogisticKernel().f($0) }
            vchain("tanh") { Float.tanh($0) }
            vchain("division 1/(1+v)") { 1 / (1 + $0) }
            vchain("clamp (sign-bit selects)") { Float.clamp($0, -87.3, 88) }
            vchain("clamp (pointwiseMin/Max)") { pointwiseMin(pointwiseMax($0, Vec(repeating: -87.3)), Vec(repeating: 88)) }
            vchain("relu (sign-bit select)") { Float.relu($0) - 0.3 }
            vchain("max(a, b) (sign-bit select)") { Float.maximum($0, $0 * 0.3) }
            vchain("max(a, b) (pointwiseMax)") { pointwiseMax($0, $0 * 0.3) }
        }
        let X = buffer(65536, -0.25), Y = buffer(65536, 0)
        var signs = SeededGenerator(seed: 7)
        for i in 0..<65536 { X[i] = Float(signs.uniform(-1, 1)) }  // random signs, as in a real layer
        func sweep(_ name: String, _ f: (Vec<Float>) -> Vec<Float>) {
            results.append(time("relu 64k random signs: \(name)", flops: 0) {
                var i = 0
                while i < 65536 { store(f(load(X + i)), Y + i); i &+= 16 }
            })
        }
        sweep("replacing(with:where:)") { $0.replacing(with: 0, where: $0 .< 0) }
        sweep("sign-bit select") { Float.relu($0) }
        X.deallocate(); Y.deallocate()
        let A = buffer(256 * 256, 0.5), T = buffer(256 * 256, 0)
        results.append(time("transpose 256x256", flops: 0) { transpose(A, rows: 256, ld: 256, n: 256, into: T, tStride: 256) })
        A.deallocate(); T.deallocate()
        return results
    }
}
