// Forward and backward propagation over a batch, as in NOTATION.md:
//   forward   z(l+1) = W(l) a(l) + b(l),  a(l+1) = f(z(l+1))
//   output    delta(n_l) = a - y  (or (a - y) .* f'(z) for squared error through logistic)
//   backward  delta(l) = (W(l))^T delta(l+1) .* f'(z(l))
//   gradient  grad W(l) = (1/m) Delta(l+1) A(l)^T + lambda W(l),  grad b(l) = row mean of Delta(l+1)
// Each layer's forward and backward are side by side below; the output layer's loss and delta
// follow.

extension Network {
    /// Forward pass over the batch loaded in `ws`: every z(l) and a(l). Allocates nothing.
    @inline(never)
    fileprivate func forwardBody(_ ws: Workspace<S>) {
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            for k in 0..<shapes.count { forwardLayer(k, parameters: base, ws) }
        }
    }

    /// The output delta for the batch in `ws` (after `forward`); padding columns get zero.
    @inline(never)
    fileprivate func outputDeltaBody(_ ws: Workspace<S>) {
        let k = shapes.count - 1
        let s = shapes[k]
        guard case .output(let output) = s.function else { return }
        let (ld, n) = (ws.ld, ws.n)
        let lossKind = architecture.loss
        let lastChunk = n &- vecWidth
        let mask = ws.tailMask
        for i in 0..<s.units {
            let a = ws.a[k] + (i &* ld), y = ws.target + (i &* ld), d = ws.delta[k] + (i &* ld)
            var c = 0
            while c < n {
                let av = load(a + c), yv = load(y + c)
                var dv: Vec<S>
                switch (output, lossKind) {
                case (.logistic, .squaredError): dv = (av - yv) * av * (1 - av)
                case (.step, _): dv = Vec()
                default: dv = av - yv
                }
                // Padding columns get a zero delta, so they never reach a gradient.
                if c == lastChunk { dv *= mask }
                store(dv, d + c)
                c &+= vecWidth
            }
        }
    }

    /// Writes each example's loss J(W, b; x, y) into `ws.losses` and returns their sum, in
    /// double precision. Stable for large logits (softplus and log-sum-exp forms); 16
    /// examples at a time.
    @inline(never)
    fileprivate func computeLossBody(_ ws: Workspace<S>) -> Double {
        let k = shapes.count - 1
        let s = shapes[k]
        guard case .output(let output) = s.function else { return 0 }
        let (ld, n) = (ws.ld, ws.n)
        let z = UnsafePointer(ws.z[k]), a = UnsafePointer(ws.a[k]), y = UnsafePointer(ws.target)
        let units = s.units
        var c = 0
        while c < n {
            var loss = Vec<S>()
            switch (output, architecture.loss) {
            case (.softmax, _):
                // ln sum_k e^{z_k} - z_t = zmax + ln sum_k e^{z_k - zmax} - sum_k y_k z_k
                var zMax = load(z + c)
                for i in 1..<units { zMax = S.maximum(zMax, load(z + (i &* ld &+ c))) }
                var sum = Vec<S>(), dot = Vec<S>()
                for i in 0..<units {
                    let zi = load(z + (i &* ld &+ c))
                    sum += S.exp(zi - zMax)
                    dot = dot.madd(load(y + (i &* ld &+ c)), zi)
                }
                loss = zMax + S.log(sum) - dot
            case (.logistic, .crossEntropy):
                // softplus(z) - y z = max(z, 0) + ln(1 + e^-|z|) - y z
                for i in 0..<units {
                    let zi = load(z + (i &* ld &+ c)), yi = load(y + (i &* ld &+ c))
                    loss += S.relu(zi) + S.log(1 + S.exp(-S.magnitude(zi))) - yi * zi
                }
            default:
                for i in 0..<units {
                    let e = load(a + (i &* ld &+ c)) - load(y + (i &* ld &+ c))
                    loss = loss.madd(e * e, 0.5)
                }
            }
            store(loss, ws.lossPerExample + c)
            c &+= vecWidth
        }
        var total = 0.0
        for i in 0..<ws.m { total += Double(ws.lossPerExample[i]) }
        return total
    }

    /// One training step on the batch loaded in `ws`: forward, loss (if `wantLoss`), output
    /// delta, backward, and the optimizer's update, in place. Returns the summed loss (0 if not
    /// wanted). Allocates nothing.
    @inline(__always)
    fileprivate mutating func trainStepBody(_ ws: Workspace<S>, optimizer: inout OptimizerState<S>, learningRate: Double,
                                l1: S, l2: S, wantLoss: Bool) -> Double {
        var loss = 0.0
        if ws.isTiny && ws.n == vecWidth {
            parameters.withUnsafeBufferPointer { p in
                if !registerForwardBackward(ws, parameters: p.baseAddress!, l1: l1, l2: l2) {
                    tinyForwardBackward(ws, parameters: p.baseAddress!, l1: l1, l2: l2)
                }
            }
            if wantLoss { loss = computeLossBody(ws) }
        } else {
            loss = forwardBackwardBody(ws, l1: l1, l2: l2, wantLoss: wantLoss)
        }
        let gradient = ws.gradient
        parameters.withUnsafeMutableBufferPointer { p in
            optimizer.applyBody(to: p.baseAddress!, gradient: gradient, count: p.count, learningRate: learningRate)
        }
        return loss
    }

    /// Backward pass after `forward` and `outputDelta`: every delta(l), then grad W(l) and
    /// grad b(l) (means over the m examples, plus the L1 and L2 terms on weights) into
    /// `ws.gradient`. Allocates nothing.
    @inline(never)
    fileprivate func backwardBody(_ ws: Workspace<S>, l1: S, l2: S) {
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            let scale = ws.inverseM
            for k in stride(from: shapes.count - 1, through: 0, by: -1) {
                backwardLayer(k, parameters: base, ws, scale: scale)
                let s = shapes[k]
                if l1 != 0 || l2 != 0 {
                    let W = base + s.weightOffset, dW = ws.gradient + s.weightOffset
                    for i in 0..<s.weightCount {
                        let w = W[i]
                        let sign: S = w > 0 ? 1 : (w < 0 ? -1 : 0)
                        dW[i] += l2 * w + l1 * sign
                    }
                }
            }
        }
    }

    /// Forward, loss, output delta and backward in one call; returns the summed loss if
    /// `wantLoss`, else 0 (the loss pass is skipped).
    @inline(__always)
    fileprivate func forwardBackwardBody(_ ws: Workspace<S>, l1: S, l2: S, wantLoss: Bool) -> Double {
        forwardBody(ws)
        let loss = wantLoss ? computeLossBody(ws) : 0
        outputDeltaBody(ws)
        backwardBody(ws, l1: l1, l2: l2)
        return loss
    }

    // MARK: One layer, forward and backward

    @inline(__always)
    private func layerInput(_ k: Int, _ ws: Workspace<S>) -> UnsafeMutablePointer<S> {
        k == 0 ? ws.input : ws.a[k &- 1]
    }

    /// z = W a + b, then a = f(z) (fused into the GEMM's store); maxout and softmax take a
    /// second pass.
    @inline(__always)
    private func forwardLayer(_ k: Int, parameters p: UnsafePointer<S>, _ ws: Workspace<S>) {
        let s = shapes[k]
        let pass = DenseForward(W: p + s.weightOffset, b: p + s.biasOffset, input: UnsafePointer(layerInput(k, ws)),
                                Z: ws.z[k], A: ws.a[k], rows: s.rows, cols: s.inputs, ld: ws.ld, n: ws.n, helper: ws.unmanagedHelper,
                                storesZ: ws.storesPreActivations || s.isOutput)
        switch s.function {
        case .hidden(.maxout(let pieces)):
            pass.affine()
            maxoutForward(z: ws.z[k], a: ws.a[k], winners: ws.winners[k]!, units: s.units, pieces: pieces, ld: ws.ld, n: ws.n)
        case .hidden(let f): f.dispatch(pass)
        case .output(.identity): pass.visit(LinearKernel())
        case .output(.logistic): pass.visit(LogisticKernel())
        case .output(.step): pass.visit(StepKernel())
        case .output(.softmax):
            pass.affine()
            softmaxColumns(z: ws.z[k], a: ws.a[k], rows: s.units, ld: ws.ld, n: ws.n)
        }
    }

    /// grad W(l), grad b(l) from delta(l+1); then delta(l) = (W(l))^T delta(l+1) .* f'(z(l)).
    @inline(__always)
    private func backwardLayer(_ k: Int, parameters p: UnsafePointer<S>, _ ws: Workspace<S>, scale: S) {
        let s = shapes[k]
        let (ld, n) = (ws.ld, ws.n)
        let delta = UnsafePointer(ws.delta[k]), input = UnsafePointer(layerInput(k, ws))
        let dW = ws.gradient + s.weightOffset, db = ws.gradient + s.biasOffset
        if s.inputs >= vecWidth && s.rows >= 32 {
            // dW = Delta A^T as a GEMM over the batch, with A^T written out once: worth it
            // when W has many rows (the transpose costs cols x m, the GEMM rows x cols x m).
            let stride = roundUpToVector(s.inputs)
            transpose(input, rows: s.inputs, ld: ld, n: ws.m, into: ws.transposed, tStride: stride)
            let cols = s.inputs
            let (delta, transposed, m) = (delta, UnsafePointer(ws.transposed), ws.m)
            splitRows(s.rows, work: s.rows &* cols &* m, helper: ws.unmanagedHelper) { part in
                gemm(L: delta, lRow: ld, lK: 1, R: transposed, rStride: stride, rows: part, k: m, n: stride,
                     store: WeightGradientStore(dW: dW, cols: cols, scale: scale))
            }
            rowSums(delta, rows: s.rows, ld: ld, n: n, scale: scale, into: db)
        } else {
            affineWeightGradient(delta: delta, A: input, rows: s.rows, cols: s.inputs,
                                 dW: dW, db: db, scale: scale, ld: ld, n: n, lastValidLanes: ws.m &- (n &- vecWidth))
        }
        guard k > 0 else { return }
        let below = shapes[k &- 1]
        let pass = DenseBackward(W: p + s.weightOffset, delta: delta, z: UnsafePointer(ws.z[k &- 1]), a: UnsafePointer(ws.a[k &- 1]),
                                 out: ws.delta[k &- 1], rows: s.rows, cols: s.inputs, ld: ld, n: n, helper: ws.unmanagedHelper)
        switch below.function {
        case .hidden(.maxout(let pieces)):
            let scratch = DenseBackward(W: pass.W, delta: delta, z: pass.z, a: pass.a, out: ws.scratch, rows: s.rows, cols: s.inputs, ld: ld, n: n, helper: ws.unmanagedHelper)
            scratch.inputGradient()
            maxoutBackward(dA: ws.scratch, delta: ws.delta[k &- 1], winners: ws.winners[k &- 1]!,
                           units: below.units, pieces: pieces, ld: ld, n: n)
        case .hidden(let f): f.dispatch(pass)
        case .output:
            fatalError("the output layer is always last")
        }
    }
}

/// A dense layer's forward pass, specialised per activation: Z = W A + b 1^T, A = f(Z).
private struct DenseForward<S: NNScalar>: ActivationVisitor {
    let W: UnsafePointer<S>, b: UnsafePointer<S>, input: UnsafePointer<S>
    let Z: UnsafeMutablePointer<S>, A: UnsafeMutablePointer<S>
    let rows: Int, cols: Int, ld: Int, n: Int
    let helper: Unmanaged<HelperThread>?
    /// Store Z too (else only A, when f' comes from A).
    var storesZ = true

    /// Z and A = f(Z) in one pass. One compiled function per precision and activation,
    /// called by the layer loop (inlining all of them into every pass tripled the core's
    /// machine code and its build time; see DECISIONS.md).
    @inline(never)
    func visit<K: ActivationKernel>(_ kernel: K) {
        let (W, input, cols, n) = (W, input, cols, n)
        let epilogue = ActivationStore(Z: Z, A: A, b: b, ld: ld, storesZ: storesZ || K.needsZ, kernel: kernel)
        splitRows(rows, work: rows &* cols &* n, helper: helper) { part in
            gemm(L: W, lRow: cols, lK: 1, R: input, rStride: ld, rows: part, k: cols, n: n, store: epilogue)
        }
    }

    /// Z only (maxout and softmax finish with their own pass).
    @inline(never)
    func affine() {
        let (W, input, cols, n) = (W, input, cols, n)
        let epilogue = ActivationStore(Z: Z, A: nil, b: b, ld: ld, storesZ: true, kernel: LinearKernel())
        splitRows(rows, work: rows &* cols &* n, helper: helper) { part in
            gemm(L: W, lRow: cols, lK: 1, R: input, rStride: ld, rows: part, k: cols, n: n, store: epilogue)
        }
    }
}

/// z = acc + b(i) stored to Z (when wanted) and f(z) to A (when given).
private struct ActivationStore<S: NNScalar, K: ActivationKernel>: TileStore {
    let Z: UnsafeMutablePointer<S>, A: UnsafeMutablePointer<S>?, b: UnsafePointer<S>, ld: Int
    let storesZ: Bool
    let kernel: K
    @inline(__always) func callAsFunction(_ i: Int, _ c: Int, _ acc: Vec<S>) {
        let z = acc + Vec(repeating: b[i])
        let o = i &* ld &+ c
        if storesZ { store(z, Z + o) }
        if let A { store(kernel.f(z), A + o) }
    }
}

/// out(j, c) = acc .* f'(z, a): the input gradient through the activation of the layer below.
private struct DerivativeStore<S: NNScalar, K: ActivationKernel>: TileStore {
    let z: UnsafePointer<S>, a: UnsafePointer<S>, out: UnsafeMutablePointer<S>, ld: Int
    let kernel: K
    @inline(__always) func callAsFunction(_ j: Int, _ c: Int, _ acc: Vec<S>) {
        let o = j &* ld &+ c
        let zv = K.needsZ ? load(z + o) : Vec<S>()
        store(acc * kernel.fPrime(z: zv, a: load(a + o)), out + o)
    }
}

/// grad W(i, c..<c+16) = scale * acc, cut at the last column of W.
private struct WeightGradientStore<S: NNScalar>: TileStore {
    let dW: UnsafeMutablePointer<S>, cols: Int, scale: S
    @inline(__always) func callAsFunction(_ i: Int, _ c: Int, _ acc: Vec<S>) {
        let out = dW + (i &* cols &+ c)
        let v = acc * scale
        if c &+ vecWidth <= cols {
            store(v, out)
        } else {
            for lane in 0..<(cols &- c) { out[lane] = v[lane] }
        }
    }
}

/// A dense layer's input gradient, specialised per activation of the layer below:
/// out = (W^T delta) .* f'(z, a).
private struct DenseBackward<S: NNScalar>: ActivationVisitor {
    let W: UnsafePointer<S>, delta: UnsafePointer<S>, z: UnsafePointer<S>, a: UnsafePointer<S>
    let out: UnsafeMutablePointer<S>
    let rows: Int, cols: Int, ld: Int, n: Int
    let helper: Unmanaged<HelperThread>?

    /// One compiled function per precision and activation (as `DenseForward.visit`).
    @inline(never)
    func visit<K: ActivationKernel>(_ kernel: K) {
        let (W, delta, ld, rows, cols, n) = (W, delta, ld, rows, cols, n)
        let epilogue = DerivativeStore(z: z, a: a, out: out, ld: ld, kernel: kernel)
        splitRows(cols, work: rows &* cols &* n, helper: helper) { part in
            gemm(L: W, lRow: 1, lK: cols, R: delta, rStride: ld, rows: part, k: rows, n: n, store: epilogue)
        }
    }

    /// out = W^T delta, without an activation.
    @inline(never)
    func inputGradient() {
        let (W, delta, ld, rows, cols, n) = (W, delta, ld, rows, cols, n)
        let epilogue = PlainStore(C: out, ld: ld)
        splitRows(cols, work: rows &* cols &* n, helper: helper) { part in
            gemm(L: W, lRow: 1, lK: cols, R: delta, rStride: ld, rows: part, k: rows, n: n, store: epilogue)
        }
    }
}

/// out[i] = scale * (sum of the first n entries of row i of M).
@inline(__always)
private func rowSums<S: NNScalar>(_ M: UnsafePointer<S>, rows: Int, ld: Int, n: Int, scale: S, into out: UnsafeMutablePointer<S>) {
    for i in 0..<rows {
        let row = M + i &* ld
        var s0 = Vec<S>(), s1 = Vec<S>()
        var c = 0
        while c &+ 2 &* vecWidth <= n {
            s0 += load(row + c)
            s1 += load(row + (c &+ vecWidth))
            c &+= 2 &* vecWidth
        }
        if c < n { s0 += load(row + c) }
        out[i] = horizontalSum(s0 + s1) * scale
    }
}

// MARK: Maxout and softmax, forward and backward

/// a_i = max over p of z_{i k + p}; remembers the winning piece (ties: the lowest).
@inline(__always)
private func maxoutForward<S: NNScalar>(z: UnsafePointer<S>, a: UnsafeMutablePointer<S>, winners: UnsafeMutablePointer<S>,
                                units: Int, pieces: Int, ld: Int, n: Int) {
    for i in 0..<units {
        var c = 0
        while c < n {
            var best = load(z + ((i &* pieces) &* ld &+ c))
            var win = Vec<S>()
            for p in 1..<pieces {
                let v = load(z + ((i &* pieces &+ p) &* ld &+ c))
                let gain = v - best
                best = S.selectPositive(gain, v, best)
                win = S.selectPositive(gain, Vec(repeating: S(p)), win)
            }
            store(best, a + (i &* ld &+ c))
            store(win, winners + (i &* ld &+ c))
            c &+= vecWidth
        }
    }
}

/// Routes dJ/da_i to the winning piece: delta_{i k + p} = dA_i if p won, else 0.
@inline(__always)
private func maxoutBackward<S: NNScalar>(dA: UnsafePointer<S>, delta: UnsafeMutablePointer<S>, winners: UnsafePointer<S>,
                                 units: Int, pieces: Int, ld: Int, n: Int) {
    for i in 0..<units {
        for p in 0..<pieces {
            let row = delta + ((i &* pieces &+ p) &* ld)
            for c in 0..<n {
                row[c] = winners[i &* ld &+ c] == S(p) ? dA[i &* ld &+ c] : 0
            }
        }
    }
}

/// a = softmax(z) for every column: e^{z_k - max} / sum_j e^{z_j - max}.
@inline(__always)
private func softmaxColumns<S: NNScalar>(z: UnsafePointer<S>, a: UnsafeMutablePointer<S>, rows: Int, ld: Int, n: Int) {
    var c = 0
    while c < n {
        var zMax = load(z + c)
        for k in 1..<rows { zMax = S.maximum(zMax, load(z + (k &* ld &+ c))) }
        var sum = Vec<S>()
        for k in 0..<rows {
            let e = S.exp(load(z + (k &* ld &+ c)) - zMax)
            store(e, a + (k &* ld &+ c))
            sum += e
        }
        let inverse = 1 / sum
        for k in 0..<rows { store(load(a + (k &* ld &+ c)) * inverse, a + (k &* ld &+ c)) }
        c &+= vecWidth
    }
}

// MARK: One compiled copy per precision

extension Network {
    /// The generic body behind `NNScalar.batchPass`.
    @inline(__always)
    fileprivate func run(_ pass: BatchPass, _ ws: Workspace<S>, l1: S, l2: S) -> Double {
        switch pass {
        case .forward: forwardBody(ws)
        case .loss: return computeLossBody(ws)
        case .outputDelta: outputDeltaBody(ws)
        case .backward: backwardBody(ws, l1: l1, l2: l2)
        case .forwardBackward(let wantLoss): return forwardBackwardBody(ws, l1: l1, l2: l2, wantLoss: wantLoss)
        }
        return 0
    }
}

// The same three one-line functions for each precision (they cannot be shared: a shared
// generic version is exactly the unspecialised copy this avoids): each calls the generic
// bodies above with a concrete type, so each precision gets its specialised copy, and since
// the bodies are private to this file, no unspecialised copy is compiled.

extension Float {
    public static func batchPass(_ pass: BatchPass, _ network: Network<Float>, _ ws: Workspace<Float>, l1: Float, l2: Float) -> Double { network.run(pass, ws, l1: l1, l2: l2) }
    public static func trainStepPass(_ network: inout Network<Float>, _ ws: Workspace<Float>, _ optimizer: inout OptimizerState<Float>, learningRate: Double, l1: Float, l2: Float, wantLoss: Bool) -> Double { network.trainStepBody(ws, optimizer: &optimizer, learningRate: learningRate, l1: l1, l2: l2, wantLoss: wantLoss) }
    public static func updatePass(_ optimizer: inout OptimizerState<Float>, _ theta: UnsafeMutablePointer<Float>, _ gradient: UnsafePointer<Float>, _ count: Int, _ learningRate: Double) { optimizer.applyBody(to: theta, gradient: gradient, count: count, learningRate: learningRate) }
}

extension Double {
    public static func batchPass(_ pass: BatchPass, _ network: Network<Double>, _ ws: Workspace<Double>, l1: Double, l2: Double) -> Double { network.run(pass, ws, l1: l1, l2: l2) }
    public static func trainStepPass(_ network: inout Network<Double>, _ ws: Workspace<Double>, _ optimizer: inout OptimizerState<Double>, learningRate: Double, l1: Double, l2: Double, wantLoss: Bool) -> Double { network.trainStepBody(ws, optimizer: &optimizer, learningRate: learningRate, l1: l1, l2: l2, wantLoss: wantLoss) }
    public static func updatePass(_ optimizer: inout OptimizerState<Double>, _ theta: UnsafeMutablePointer<Double>, _ gradient: UnsafePointer<Double>, _ count: Int, _ learningRate: Double) { optimizer.applyBody(to: theta, gradient: gradient, count: count, learningRate: learningRate) }
}
