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
            if ws.hasParts {
                statistics.withUnsafeBufferPointer { st in
                    for k in 0..<shapes.count &- 1 { forwardWithParts(k, parameters: base, statistics: st.baseAddress, ws) }
                }
                forwardLayer(shapes.count &- 1, parameters: base, ws)
            } else {
                for k in 0..<shapes.count { forwardLayer(k, parameters: base, ws) }
            }
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
            tinyForwardBackwardBody(ws, l1: l1, l2: l2)
            if wantLoss { loss = computeLossBody(ws) }
        } else {
            loss = forwardBackwardBody(ws, l1: l1, l2: l2, wantLoss: wantLoss)
            if ws.hasParts && ws.mode.training && !statistics.isEmpty { updateRunningStatistics(ws) }
        }
        let gradient = ws.gradient
        parameters.withUnsafeMutableBufferPointer { p in
            optimizer.applyBody(to: p.baseAddress!, gradient: gradient, count: p.count, learningRate: learningRate)
        }
        return loss
    }

    /// The register or tiny path's forward and backward. A non-mutating method: its closure
    /// borrows `self`, where the same closure in the mutating step copied the whole network
    /// every step (an outlined copy and destroy, 4% of W1).
    @inline(__always)
    fileprivate func tinyForwardBackwardBody(_ ws: Workspace<S>, l1: S, l2: S) {
        parameters.withUnsafeBufferPointer { p in
            if !registerForwardBackward(ws, parameters: p.baseAddress!, l1: l1, l2: l2) {
                tinyForwardBackward(ws, parameters: p.baseAddress!, l1: l1, l2: l2)
            }
        }
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
                if ws.hasParts {
                    backwardWithParts(k, parameters: base, ws, scale: scale)
                } else {
                    backwardLayer(k, parameters: base, ws, scale: scale)
                }
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
        weightGradient(k, ws, scale: scale)
        guard k > 0 else { return }
        let s = shapes[k]
        let (ld, n) = (ws.ld, ws.n)
        let delta = UnsafePointer(ws.delta[k])
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

    /// grad W(l) = (1/m) Delta(l+1) A(l)^T and grad b(l) = row means of Delta(l+1), from the
    /// layer's delta and input.
    @inline(__always)
    private func weightGradient(_ k: Int, _ ws: Workspace<S>, scale: S) {
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
    }
}
// MARK: The parts of a layer: norm, dropout and skip, forward and backward side by side
//
// A hidden layer of a network with parts computes (each step only if the layer has it)
//   z = W a_in + b,   zhat = gamma n + beta with n = (z - mu) / sqrt(var + eps),
//   h = f(zhat),      h = h .* m / p (dropout, training only),   a = h + a_src (skip).
// Backward starts from g = dJ/da, which the layer above wrote (W^T delta) and to which every
// skip that reads this layer's a adds its own g: a value used twice gets both contributions.
// Then dh = g .* m / p, dzhat = dh .* f', and through the norm
//   grad gamma = mean of dzhat .* n,  grad beta = mean of dzhat,
//   delta = rstd (dn - mean(dn) - n mean(dn .* n)) with dn = gamma dzhat,
// the means over the axis of the statistics (layer norm: the units of a column; batch norm:
// the batch, per unit; in evaluation batch norm's statistics are constants: delta = rstd dn).
// Deltas stay per example (m times dJ/dz), as everywhere in the core.

extension Network {
    /// A hidden layer's forward pass in a network with parts.
    @inline(__always)
    private func forwardWithParts(_ k: Int, parameters p: UnsafePointer<S>, statistics st: UnsafePointer<S>?, _ ws: Workspace<S>) {
        let s = shapes[k]
        guard !s.isPlain else { forwardLayer(k, parameters: p, ws); return }
        let buffers = ws.parts[k]
        let h = buffers.h ?? ws.a[k]
        let pass = DenseForward(W: p + s.weightOffset, b: p + s.biasOffset, input: UnsafePointer(layerInput(k, ws)),
                                Z: ws.z[k], A: h, rows: s.rows, cols: s.inputs, ld: ws.ld, n: ws.n, helper: ws.unmanagedHelper,
                                storesZ: true)
        guard case .hidden(let f) = s.function else { fatalError("the output layer has no parts") }
        if s.norm == nil {
            if case .maxout(let pieces) = f {
                pass.affine()
                maxoutForward(z: ws.z[k], a: h, winners: ws.winners[k]!, units: s.units, pieces: pieces, ld: ws.ld, n: ws.n)
            } else {
                f.dispatch(pass)
            }
        } else {
            pass.affine()
            normForward(s, parameters: p, statistics: st, ws, buffers)
            f.dispatch(Elementwise(input: UnsafePointer(buffers.zhat!), out: h, rows: s.units, ld: ws.ld, n: ws.n))
        }
        if buffers.h != nil { dropoutAndSkipForward(s, ws, buffers) }
    }

    /// delta of hidden layer `k` from its g (after the layer above's backward), then the
    /// layer's weight gradient and the g of the layer below.
    @inline(__always)
    private func backwardWithParts(_ k: Int, parameters p: UnsafePointer<S>, _ ws: Workspace<S>, scale: S) {
        let s = shapes[k]
        let (ld, n) = (ws.ld, ws.n)
        if !s.isOutput {
            let buffers = ws.parts[k]
            let g = buffers.g
            // Every skip that reads a(k) adds its g (the layers above are done).
            for above in (k &+ 1)..<(shapes.count &- 1) where shapes[above].skipSource == k {
                addRows(UnsafePointer(ws.parts[above].g), into: g, rows: s.units, ld: ld, n: n)
            }
            var dh = UnsafePointer(g)
            if let mask = buffers.mask, ws.mode.dropsOut {
                multiplyRows(UnsafePointer(g), UnsafePointer(mask), into: ws.scratch, rows: s.units, ld: ld, n: n)
                dh = UnsafePointer(ws.scratch)
            }
            guard case .hidden(let f) = s.function else { fatalError("hidden layers come before the output") }
            if case .maxout(let pieces) = f {
                maxoutBackward(dA: dh, delta: ws.delta[k], winners: ws.winners[k]!, units: s.units, pieces: pieces, ld: ld, n: n)
            } else {
                let pre = UnsafePointer(buffers.zhat ?? ws.z[k]), h = UnsafePointer(buffers.h ?? ws.a[k])
                f.dispatch(ElementwiseDerivative(g: dh, z: pre, a: h, out: ws.delta[k], rows: s.units, ld: ld, n: n))
            }
            if s.norm != nil { normBackward(s, parameters: p, ws, buffers, scale: scale) }
        }
        weightGradient(k, ws, scale: scale)
        guard k > 0 else { return }
        DenseBackward(W: p + s.weightOffset, delta: UnsafePointer(ws.delta[k]), z: UnsafePointer(ws.z[k &- 1]),
                      a: UnsafePointer(ws.a[k &- 1]), out: ws.parts[k &- 1].g, rows: s.rows, cols: s.inputs, ld: ld, n: n,
                      helper: ws.unmanagedHelper).inputGradient()
    }

    // MARK: Norm

    /// n and zhat from z: per column over the units (layer norm), or per unit over the batch's
    /// m columns (batch norm in training; its running statistics in evaluation).
    @inline(__always)
    private func normForward(_ s: LayerShape, parameters p: UnsafePointer<S>, statistics st: UnsafePointer<S>?,
                             _ ws: Workspace<S>, _ b: PartBuffers<S>) {
        let (ld, n, units) = (ws.ld, ws.n, s.units)
        let z = UnsafePointer(ws.z[s.index]), normalized = b.normalized!, zhat = b.zhat!, mean = b.mean!, rstd = b.rstd!
        let gamma = p + s.gammaOffset, beta = p + s.betaOffset
        let epsilon = S(normEpsilon)
        switch s.norm! {
        case .layer:
            let inverse = 1 / S(units)
            var c = 0
            while c < n {
                var sum = Vec<S>()
                for i in 0..<units { sum += load(z + (i &* ld &+ c)) }
                let mu = sum * inverse
                var squares = Vec<S>()
                for i in 0..<units {
                    let d = load(z + (i &* ld &+ c)) - mu
                    squares = squares.madd(d, d)
                }
                let r = 1 / (squares * inverse + epsilon).squareRoot()
                store(mu, mean + c)
                store(r, rstd + c)
                for i in 0..<units {
                    let o = i &* ld &+ c
                    let v = (load(z + o) - mu) * r
                    store(v, normalized + o)
                    store(v * gamma[i] + beta[i], zhat + o)
                }
                c &+= vecWidth
            }
        case .batch:
            let lastChunk = n &- vecWidth, mask = ws.tailMask
            let inverseM = ws.inverseM
            for i in 0..<units {
                let row = z + i &* ld
                let mu: S, r: S
                if ws.mode.training {
                    var sum = Vec<S>()
                    var c = 0
                    while c < n {
                        sum += c == lastChunk ? load(row + c) * mask : load(row + c)
                        c &+= vecWidth
                    }
                    let average = horizontalSum(sum) * inverseM
                    var squares = Vec<S>()
                    c = 0
                    while c < n {
                        var d = load(row + c) - average
                        if c == lastChunk { d *= mask }
                        squares = squares.madd(d, d)
                        c &+= vecWidth
                    }
                    let variance = horizontalSum(squares) * inverseM
                    b.variance![i] = variance
                    mu = average
                    r = 1 / (variance + epsilon).squareRoot()
                } else {
                    mu = st![s.statisticsOffset &+ i]
                    r = 1 / (st![s.statisticsOffset &+ units &+ i] + epsilon).squareRoot()
                }
                mean[i] = mu
                rstd[i] = r
                var c = 0
                while c < n {
                    let v = (load(row + c) - mu) * r
                    store(v, normalized + (i &* ld &+ c))
                    store(v * gamma[i] + beta[i], zhat + (i &* ld &+ c))
                    c &+= vecWidth
                }
            }
        }
    }

    /// delta (holding dzhat) becomes dJ/dz through the norm; grad gamma and grad beta.
    @inline(__always)
    private func normBackward(_ s: LayerShape, parameters p: UnsafePointer<S>, _ ws: Workspace<S>, _ b: PartBuffers<S>, scale: S) {
        let (ld, n, units) = (ws.ld, ws.n, s.units)
        let delta = ws.delta[s.index], normalized = UnsafePointer(b.normalized!), rstd = UnsafePointer(b.rstd!)
        let gamma = p + s.gammaOffset
        let dGamma = ws.gradient + s.gammaOffset, dBeta = ws.gradient + s.betaOffset
        let training = ws.mode.training
        let lastChunk = n &- vecWidth, mask = ws.tailMask
        for i in 0..<units {
            // The sums over the batch of dzhat and dzhat .* n (padding columns hold zero).
            let row = delta + i &* ld, nRow = normalized + i &* ld
            var sum = Vec<S>(), product = Vec<S>()
            var c = 0
            while c < n {
                let d = load(row + c)
                sum += d
                product = product.madd(d, load(nRow + c))
                c &+= vecWidth
            }
            let (sumD, sumDN) = (horizontalSum(sum), horizontalSum(product))
            dBeta[i] = sumD * scale
            dGamma[i] = sumDN * scale
            guard s.norm == .batch else { continue }
            let g = gamma[i], r = rstd[i]
            if training {
                // delta = rstd (dn - mean(dn) - n mean(dn .* n)) over the m examples, dn = gamma dzhat.
                let meanDn = Vec<S>(repeating: g * sumD * ws.inverseM), meanDnN = Vec<S>(repeating: g * sumDN * ws.inverseM)
                c = 0
                while c < n {
                    var v = (load(row + c) * g - meanDn - load(nRow + c) * meanDnN) * r
                    if c == lastChunk { v *= mask }
                    store(v, row + c)
                    c &+= vecWidth
                }
            } else {
                // The running statistics are constants: delta = rstd gamma dzhat.
                c = 0
                while c < n {
                    store(load(row + c) * (g * r), row + c)
                    c &+= vecWidth
                }
            }
        }
        guard s.norm == .layer else { return }
        // Layer norm: the same per column, over the units.
        let inverse = 1 / S(units)
        var c = 0
        while c < n {
            var meanDn = Vec<S>(), meanDnN = Vec<S>()
            for i in 0..<units {
                let o = i &* ld &+ c
                let dn = load(delta + o) * gamma[i]
                meanDn += dn
                meanDnN = meanDnN.madd(dn, load(normalized + o))
            }
            meanDn *= inverse
            meanDnN *= inverse
            let r = load(rstd + c)
            for i in 0..<units {
                let o = i &* ld &+ c
                store(r * (load(delta + o) * gamma[i] - meanDn - load(normalized + o) * meanDnN), delta + o)
            }
            c &+= vecWidth
        }
    }

    /// Batch norm's running statistics after a training step, as PyTorch's `BatchNorm1d`:
    /// r = (1 - momentum) r + momentum * (the batch's mean, or its unbiased variance).
    @inline(never)
    fileprivate mutating func updateRunningStatistics(_ ws: Workspace<S>) {
        let momentum = S(batchNormMomentum), m = ws.m
        let unbiased: S = m > 1 ? S(m) / S(m &- 1) : 1
        statistics.withUnsafeMutableBufferPointer { st in
            for s in ws.shapes where s.norm == .batch {
                let b = ws.parts[s.index]
                let mean = st.baseAddress! + s.statisticsOffset, variance = mean + s.units
                for i in 0..<s.units {
                    mean[i] = (1 - momentum) * mean[i] + momentum * b.mean![i]
                    variance[i] = (1 - momentum) * variance[i] + momentum * b.variance![i] * unbiased
                }
            }
        }
    }

    // MARK: Dropout and skip

    /// a = h .* m / p (training) or h, plus a_src for a skip.
    @inline(__always)
    private func dropoutAndSkipForward(_ s: LayerShape, _ ws: Workspace<S>, _ b: PartBuffers<S>) {
        let (ld, n) = (ws.ld, ws.n)
        let h = UnsafePointer(b.h!), a = ws.a[s.index]
        let source: UnsafePointer<S>? = s.skipSource.map { UnsafePointer($0 < 0 ? ws.input : ws.a[$0]) }
        if let mask = b.mask, let seed = ws.mode.dropoutSeed, ws.mode.training {
            fillDropoutMask(mask, keep: s.keep, seed: seed, step: ws.dropoutStep, layer: s.index, rows: s.units, ld: ld, n: n)
            multiplyRows(h, UnsafePointer(mask), into: a, rows: s.units, ld: ld, n: n)
        } else {
            for i in 0..<s.units { (a + i &* ld).update(from: h + i &* ld, count: n) }
        }
        if let source { addRows(source, into: a, rows: s.units, ld: ld, n: n) }
    }
}

/// Calls `body` with the offset of every 16-column chunk of `rows` rows of n columns.
@inline(__always)
private func forEachChunk(rows: Int, ld: Int, n: Int, _ body: (Int) -> Void) {
    for i in 0..<rows {
        var c = 0
        while c < n {
            body(i &* ld &+ c)
            c &+= vecWidth
        }
    }
}

/// out = f(input) for `rows` rows of n columns.
private struct Elementwise<S: NNScalar>: ActivationVisitor {
    let input: UnsafePointer<S>, out: UnsafeMutablePointer<S>
    let rows: Int, ld: Int, n: Int
    @inline(never)
    func visit<K: ActivationKernel>(_ kernel: K) {
        let (input, out) = (input, out)
        forEachChunk(rows: rows, ld: ld, n: n) { o in store(kernel.f(load(input + o)), out + o) }
    }
}

/// out = g .* f'(z, a) for `rows` rows of n columns.
private struct ElementwiseDerivative<S: NNScalar>: ActivationVisitor {
    let g: UnsafePointer<S>, z: UnsafePointer<S>, a: UnsafePointer<S>, out: UnsafeMutablePointer<S>
    let rows: Int, ld: Int, n: Int
    @inline(never)
    func visit<K: ActivationKernel>(_ kernel: K) {
        let (g, z, a, out) = (g, z, a, out)
        forEachChunk(rows: rows, ld: ld, n: n) { o in
            let zv = K.needsZ ? load(z + o) : Vec<S>()
            store(load(g + o) * kernel.fPrime(z: zv, a: load(a + o)), out + o)
        }
    }
}

/// out += x, row by row.
@inline(__always)
private func addRows<S: NNScalar>(_ x: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, rows: Int, ld: Int, n: Int) {
    forEachChunk(rows: rows, ld: ld, n: n) { o in store(load(out + o) + load(x + o), out + o) }
}

/// out = x .* y, row by row.
@inline(__always)
private func multiplyRows<S: NNScalar>(_ x: UnsafePointer<S>, _ y: UnsafePointer<S>, into out: UnsafeMutablePointer<S>, rows: Int, ld: Int, n: Int) {
    forEachChunk(rows: rows, ld: ld, n: n) { o in store(load(x + o) * load(y + o), out + o) }
}

/// Dropout's mask for one layer and step: 1/p with probability p, else 0. Each entry is a
/// hash of the seed, the step, the layer, the unit and the column (SplitMix64's finaliser),
/// so the masks need no generator state: a run resumed at step t draws step t's masks.
@inline(__always)
private func fillDropoutMask<S: NNScalar>(_ mask: UnsafeMutablePointer<S>, keep: Double, seed: UInt64, step: UInt64, layer: Int,
                                          rows: Int, ld: Int, n: Int) {
    let key = dropoutKey(seed: seed, step: step, layer: layer)
    let threshold = UInt64(keep * 16_777_216)  // p * 2^24
    let kept = S(1 / keep)
    for i in 0..<rows {
        for c in 0..<n {
            let bits = mix64(key ^ (UInt64(i) << 32 | UInt64(c)))
            mask[i &* ld &+ c] = bits >> 40 < threshold ? kept : 0
        }
    }
}

/// The key of one layer's masks at one step.
@inline(__always)
func dropoutKey(seed: UInt64, step: UInt64, layer: Int) -> UInt64 {
    mix64(seed ^ mix64(step &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(layer)))
}

/// SplitMix64's finaliser: a bijection of 64-bit words that mixes every bit.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
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
