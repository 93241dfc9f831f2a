// The lecture's networks (2-2-1, 2-4-1, 2-8-8-1 on 4 to 16 examples) train on one path with
// no kernel calls per layer: the whole batch is one 16-lane vector per unit, every layer's
// forward and backward are short loops over its units, and the step goes from the inputs to
// the update in one function. The general path (GEMM tiles, a call per layer and activation)
// is built for large layers, and on a 2-2-1 net its calls and tiling cost more than the
// arithmetic. Summation orders are the general path's, so both give the same numbers.

extension Network {
    /// One training step of a tiny network (`Workspace.isTiny`: every layer at most 16 units
    /// wide with at most 16 inputs, one piece per unit, no softmax; one vector of examples):
    /// forward, output delta, backward into `ws.gradient`, in one pass.
    @inline(__always)
    func tinyForwardBackward(_ ws: Workspace<S>, parameters p: UnsafePointer<S>, l1: S, l2: S) {
        let ld = ws.ld
        // Forward: z = sum_j W_ij a_j (from 0, as the GEMM sums), + b_i, then a = f(z).
        for k in 0..<shapes.count {
            let s = shapes[k]
            let pass = TinyLayer(W: p + s.weightOffset, b: p + s.biasOffset, input: UnsafePointer(k == 0 ? ws.input : ws.a[k &- 1]),
                                 z: ws.z[k], a: ws.a[k], rows: s.rows, cols: s.inputs, ld: ld,
                                 storesZ: ws.storesPreActivations || s.isOutput)
            switch s.function {
            case .hidden(let f): f.dispatch(pass)
            case .output(.logistic): pass.visit(LogisticKernel())
            case .output(.step): pass.visit(StepKernel())
            case .output: pass.visit(LinearKernel())
            }
        }
        outputDeltaOfTinyBatch(ws)
        // Backward: grad W(l), grad b(l) by dot products over the batch; delta(l) below.
        let scale = ws.inverseM
        for k in stride(from: shapes.count &- 1, through: 0, by: -1) {
            let s = shapes[k]
            let W = p + s.weightOffset
            let delta = UnsafePointer(ws.delta[k]), input = UnsafePointer(k == 0 ? ws.input : ws.a[k &- 1])
            let dW = ws.gradient + s.weightOffset, db = ws.gradient + s.biasOffset
            var i = 0, j = 0
            storeLaneSums(count: s.weightCount, scale: scale, into: dW) { _ in
                let product = load(delta + i &* ld) * load(input + j &* ld)
                j &+= 1
                if j == s.inputs { j = 0; i &+= 1 }
                return product
            }
            storeLaneSums(count: s.rows, scale: scale, into: db) { load(delta + $0 &* ld) }
            if l1 != 0 || l2 != 0 {
                for i in 0..<s.weightCount {
                    let w = W[i]
                    let sign: S = w > 0 ? 1 : (w < 0 ? -1 : 0)
                    dW[i] += l2 * w + l1 * sign
                }
            }
            guard k > 0, case .hidden(let f) = shapes[k &- 1].function else { continue }
            f.dispatch(TinyInputGradient(W: W, delta: delta, z: UnsafePointer(ws.z[k &- 1]), a: UnsafePointer(ws.a[k &- 1]),
                                         out: ws.delta[k &- 1], rows: s.rows, cols: s.inputs, ld: ld))
        }
    }

    /// The output delta of a one-vector batch (padding lanes zeroed), as `outputDeltaBody`.
    @inline(__always)
    private func outputDeltaOfTinyBatch(_ ws: Workspace<S>) {
        let k = shapes.count &- 1
        let s = shapes[k]
        guard case .output(let output) = s.function else { return }
        let mask = ws.tailMask
        for i in 0..<s.units {
            let a = load(ws.a[k] + i &* ws.ld), y = load(ws.target + i &* ws.ld)
            var d: Vec<S>
            switch (output, architecture.loss) {
            case (.logistic, .squaredError): d = (a - y) * a * (1 - a)
            case (.step, _): d = Vec()
            default: d = a - y
            }
            store(d * mask, ws.delta[k] + i &* ws.ld)
        }
    }
}

/// One tiny layer's forward pass, specialised per activation.
private struct TinyLayer<S: NNScalar>: ActivationVisitor {
    let W: UnsafePointer<S>, b: UnsafePointer<S>, input: UnsafePointer<S>
    let z: UnsafeMutablePointer<S>, a: UnsafeMutablePointer<S>
    let rows: Int, cols: Int, ld: Int
    let storesZ: Bool

    @inline(__always)
    func visit<K: ActivationKernel>(_ kernel: K) {
        for i in 0..<rows {
            var acc = Vec<S>()
            let w = W + i &* cols
            for j in 0..<cols { acc = acc.madd(load(input + j &* ld), w[j]) }
            let zi = acc + Vec(repeating: b[i])
            if storesZ || K.needsZ { store(zi, z + i &* ld) }
            store(kernel.f(zi), a + i &* ld)
        }
    }
}

/// delta(l) = (W(l))^T delta(l+1) .* f'(z(l)) of a tiny layer, specialised per activation of
/// the layer below.
private struct TinyInputGradient<S: NNScalar>: ActivationVisitor {
    let W: UnsafePointer<S>, delta: UnsafePointer<S>, z: UnsafePointer<S>, a: UnsafePointer<S>
    let out: UnsafeMutablePointer<S>
    let rows: Int, cols: Int, ld: Int

    @inline(__always)
    func visit<K: ActivationKernel>(_ kernel: K) {
        for j in 0..<cols {
            var acc = Vec<S>()
            for i in 0..<rows { acc = acc.madd(load(delta + i &* ld), W[i &* cols &+ j]) }
            let o = j &* ld
            let zv = K.needsZ ? load(z + o) : Vec<S>()
            store(acc * kernel.fPrime(z: zv, a: load(a + o)), out + o)
        }
    }
}
