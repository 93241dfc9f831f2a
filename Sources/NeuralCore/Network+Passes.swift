// Forward and backward propagation over a batch, as in NOTATION.md:
//   forward   z(l+1) = W(l) a(l) + b(l),  a(l+1) = f(z(l+1))
//   output    delta(n_l) = a - y  (or (a - y) .* f'(z) for squared error through logistic)
//   backward  delta(l) = (W(l))^T delta(l+1) .* f'(z(l))
//   gradient  grad W(l) = (1/m) Delta(l+1) A(l)^T + lambda W(l),  grad b(l) = row mean of Delta(l+1)
// Each layer's forward and backward are side by side below; the output layer's loss and delta
// follow.

extension Network {
    /// Forward pass over the batch loaded in `ws`: every z(l) and a(l). Allocates nothing.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func forward(_ ws: Workspace<S>) {
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            for k in 0..<shapes.count { forwardLayer(k, parameters: base, ws) }
        }
    }

    /// The output delta for the batch in `ws` (after `forward`); padding columns get zero.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func outputDelta(_ ws: Workspace<S>) {
        let k = shapes.count - 1
        let s = shapes[k]
        guard case .output(let output) = s.function else { return }
        let (ld, n) = (ws.ld, ws.n)
        let lossKind = architecture.loss
        for i in 0..<s.units {
            let a = ws.a[k] + (i &* ld), y = ws.target + (i &* ld), d = ws.delta[k] + (i &* ld)
            var c = 0
            while c < n {
                let av = load(a + c), yv = load(y + c)
                let dv: Vec<S>
                switch (output, lossKind) {
                case (.logistic, .squaredError): dv = (av - yv) * av * (1 - av)
                case (.step, _): dv = Vec()
                default: dv = av - yv
                }
                store(dv, d + c)
                c &+= vecWidth
            }
            for c in ws.m..<n { d[c] = 0 }
        }
    }

    /// Writes each example's loss J(W, b; x, y) into `ws.losses` and returns their sum, in
    /// double precision. Stable for large logits (softplus and log-sum-exp forms).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func computeLoss(_ ws: Workspace<S>) -> Double {
        let k = shapes.count - 1
        let s = shapes[k]
        guard case .output(let output) = s.function else { return 0 }
        let ld = ws.ld
        let z = ws.z[k], a = ws.a[k], y = ws.target
        var total = 0.0
        for c in 0..<ws.m {
            var loss: S = 0
            switch (output, architecture.loss) {
            case (.softmax, _):
                var zMax = z[c]
                for i in 1..<s.units { zMax = Swift.max(zMax, z[i &* ld &+ c]) }
                var sum: S = 0, dot: S = 0
                for i in 0..<s.units {
                    let zi = z[i &* ld &+ c]
                    sum += S.exp(zi - zMax)
                    dot += y[i &* ld &+ c] * zi
                }
                loss = zMax + S.log(sum) - dot
            case (.logistic, .crossEntropy):
                for i in 0..<s.units {
                    let zi = z[i &* ld &+ c], yi = y[i &* ld &+ c]
                    loss += Swift.max(zi, 0) + S.log1p(S.exp(-Swift.abs(zi))) - yi * zi
                }
            default:
                for i in 0..<s.units {
                    let e = a[i &* ld &+ c] - y[i &* ld &+ c]
                    loss += e * e / 2
                }
            }
            ws.lossPerExample[c] = loss
            total += Double(loss)
        }
        return total
    }

    /// Backward pass after `forward` and `outputDelta`: every delta(l), then grad W(l) and
    /// grad b(l) (means over the m examples, plus the L1 and L2 terms on weights) into
    /// `ws.gradient`. Allocates nothing.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func backward(_ ws: Workspace<S>, l1: S = 0, l2: S = 0) {
        parameters.withUnsafeBufferPointer { p in
            let base = p.baseAddress!
            let scale = 1 / S(ws.m)
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
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func forwardBackward(_ ws: Workspace<S>, l1: S = 0, l2: S = 0, wantLoss: Bool) -> Double {
        forward(ws)
        let loss = wantLoss ? computeLoss(ws) : 0
        outputDelta(ws)
        backward(ws, l1: l1, l2: l2)
        return loss
    }

    // MARK: One layer, forward and backward

    @inline(__always)
    private func layerInput(_ k: Int, _ ws: Workspace<S>) -> UnsafeMutablePointer<S> {
        k == 0 ? ws.input : ws.a[k &- 1]
    }

    /// z = W a + b, then a = f(z) (fused); maxout and softmax take a second pass.
    @inline(__always)
    private func forwardLayer(_ k: Int, parameters p: UnsafePointer<S>, _ ws: Workspace<S>) {
        let s = shapes[k]
        let W = p + s.weightOffset, b = p + s.biasOffset
        let input = UnsafePointer(layerInput(k, ws))
        let (ld, n) = (ws.ld, ws.n)
        func affine(out: UnsafeMutablePointer<S>?, _ f: (Vec<S>) -> Vec<S>) {
            affineForward(W: W, b: b, rows: s.rows, cols: s.inputs, A: input, Z: ws.z[k], out: out,
                          ld: ld, n: n, epilogue: f)
        }
        switch s.function {
        case .hidden(.maxout(let pieces)):
            affine(out: nil) { $0 }
            maxoutForward(z: ws.z[k], a: ws.a[k], winners: ws.winners[k]!, units: s.units, pieces: pieces, ld: ld, n: n)
        case .hidden(let f):
            withVectorActivation(f) { fv in affine(out: ws.a[k], fv) }
        case .output(.identity):
            affine(out: ws.a[k]) { $0 }
        case .output(.logistic):
            affine(out: ws.a[k]) { Activation.logistic.f($0) }
        case .output(.step):
            affine(out: ws.a[k]) { Activation.step.f($0) }
        case .output(.softmax):
            affine(out: nil) { $0 }
            softmaxColumns(z: ws.z[k], a: ws.a[k], rows: s.units, ld: ld, n: n)
        }
    }

    /// grad W(l), grad b(l) from delta(l+1); then delta(l) = (W(l))^T delta(l+1) .* f'(z(l)).
    @inline(__always)
    private func backwardLayer(_ k: Int, parameters p: UnsafePointer<S>, _ ws: Workspace<S>, scale: S) {
        let s = shapes[k]
        let (ld, n) = (ws.ld, ws.n)
        affineWeightGradient(delta: ws.delta[k], A: layerInput(k, ws), rows: s.rows, cols: s.inputs,
                             dW: ws.gradient + s.weightOffset, db: ws.gradient + s.biasOffset,
                             scale: scale, ld: ld, n: n)
        guard k > 0 else { return }
        let below = shapes[k &- 1]
        let W = p + s.weightOffset
        let z = UnsafePointer(ws.z[k &- 1]), a = UnsafePointer(ws.a[k &- 1])
        switch below.function {
        case .hidden(.maxout(let pieces)):
            affineInputGradient(W: W, delta: ws.delta[k], rows: s.rows, cols: s.inputs, out: ws.scratch,
                                ld: ld, n: n) { g, _ in g }
            maxoutBackward(dA: ws.scratch, delta: ws.delta[k &- 1], winners: ws.winners[k &- 1]!,
                           units: below.units, pieces: pieces, ld: ld, n: n)
        case .hidden(let f):
            withVectorDerivative(f) { fPrime in
                affineInputGradient(W: W, delta: ws.delta[k], rows: s.rows, cols: s.inputs,
                                    out: ws.delta[k &- 1], ld: ld, n: n) { g, o in
                    g * fPrime(load(z + o), load(a + o))
                }
            }
        case .output:
            preconditionFailure("the output layer is always last")
        }
    }
}

// MARK: Activation dispatch (one switch per layer, outside the loops)

/// Calls `body` with f as a vector function specialised for `activation`'s case.
@inline(__always)
func withVectorActivation<S: NNScalar, R>(_ activation: Activation, _ body: ((Vec<S>) -> Vec<S>) -> R) -> R {
    switch activation {
    case .logistic: return body { Activation.logistic.f($0) }
    case .tanh: return body { Activation.tanh.f($0) }
    case .relu: return body { Activation.relu.f($0) }
    case .leakyReLU(let slope): return body { Activation.leakyReLU(slope: slope).f($0) }
    case .abs: return body { Activation.abs.f($0) }
    case .softplus: return body { Activation.softplus.f($0) }
    case .linear, .maxout: return body { $0 }
    case .step: return body { Activation.step.f($0) }
    }
}

/// Calls `body` with f'(z, a) as a vector function specialised for `activation`'s case.
@inline(__always)
func withVectorDerivative<S: NNScalar, R>(_ activation: Activation, _ body: ((Vec<S>, Vec<S>) -> Vec<S>) -> R) -> R {
    switch activation {
    case .logistic: return body { Activation.logistic.fPrime(z: $0, a: $1) }
    case .tanh: return body { Activation.tanh.fPrime(z: $0, a: $1) }
    case .relu: return body { Activation.relu.fPrime(z: $0, a: $1) }
    case .leakyReLU(let slope): return body { Activation.leakyReLU(slope: slope).fPrime(z: $0, a: $1) }
    case .abs: return body { Activation.abs.fPrime(z: $0, a: $1) }
    case .softplus: return body { Activation.softplus.fPrime(z: $0, a: $1) }
    case .linear, .maxout: return body { _, _ in Vec(repeating: 1) }
    case .step: return body { _, _ in Vec() }
    }
}

// MARK: Maxout and softmax, forward and backward

/// a_i = max over p of z_{i k + p}; remembers the winning piece (ties: the lowest).
@inline(__always)
func maxoutForward<S: NNScalar>(z: UnsafePointer<S>, a: UnsafeMutablePointer<S>, winners: UnsafeMutablePointer<S>,
                                units: Int, pieces: Int, ld: Int, n: Int) {
    for i in 0..<units {
        var c = 0
        while c < n {
            var best = load(z + ((i &* pieces) &* ld &+ c))
            var win = Vec<S>()
            for p in 1..<pieces {
                let v = load(z + ((i &* pieces &+ p) &* ld &+ c))
                let better = v .> best
                best.replace(with: v, where: better)
                win.replace(with: S(p), where: better)
            }
            store(best, a + (i &* ld &+ c))
            store(win, winners + (i &* ld &+ c))
            c &+= vecWidth
        }
    }
}

/// Routes dJ/da_i to the winning piece: delta_{i k + p} = dA_i if p won, else 0.
@inline(__always)
func maxoutBackward<S: NNScalar>(dA: UnsafePointer<S>, delta: UnsafeMutablePointer<S>, winners: UnsafePointer<S>,
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
func softmaxColumns<S: NNScalar>(z: UnsafePointer<S>, a: UnsafeMutablePointer<S>, rows: Int, ld: Int, n: Int) {
    var c = 0
    while c < n {
        var zMax = load(z + c)
        for k in 1..<rows { zMax = pointwiseMax(zMax, load(z + (k &* ld &+ c))) }
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
