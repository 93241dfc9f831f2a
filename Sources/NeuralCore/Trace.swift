import Formatting
/// One computed value of a step-through: what it is (its kind), its formula and its numbers.
public struct TraceEntry: Sendable {
    /// Where in the algorithm the value is computed.
    public enum Phase: String, Sendable {
        case forward, loss, backward, update
    }

    /// What a value of the trace is, in the lecture's numbering: the step-through, the quiz
    /// and the gradient check decide by it; the symbol people read is derived from it.
    public enum Kind: Hashable, Sendable {
        /// a(1) = x.
        case input
        /// z(l) and a(l) of layer l (l >= 2).
        case z(Int), a(Int)
        /// J before the update.
        case loss
        /// delta(l).
        case delta(Int)
        /// grad W(l), grad b(l).
        case gradW(Int), gradB(Int)
        /// W(l) and b(l) after the update.
        case updatedW(Int), updatedB(Int)
        /// J for the same example after the update.
        case lossAfterUpdate
        /// mu(l) and sigma^2(l): what a norm subtracts from z(l) and divides by.
        case mean(Int), variance(Int)
        /// zhat(l) = gamma(l-1) .* (z(l) - mu(l)) / sqrt(sigma^2(l) + eps) + beta(l-1).
        case zhat(Int)
        /// dJ/da(l) (from the layer above and every skip that reads a(l)) and dJ/dzhat(l).
        case gradA(Int), gradZhat(Int)
        /// grad gamma(l), grad beta(l) (the norm of z(l+1)).
        case gradGamma(Int), gradBeta(Int)
        /// gamma(l) and beta(l) after the update.
        case updatedGamma(Int), updatedBeta(Int)

        /// The lecture's symbol: `z(2)`, `a(2)`, `J`, `delta(3)`, `grad W(2)`, `W(2)`.
        public var symbol: String {
            switch self {
            case .input: "a(1)"
            case .z(let l): "z(\(l))"
            case .a(let l): "a(\(l))"
            case .loss, .lossAfterUpdate: "J"
            case .delta(let l): "delta(\(l))"
            case .gradW(let l): "grad W(\(l))"
            case .gradB(let l): "grad b(\(l))"
            case .updatedW(let l): "W(\(l))"
            case .updatedB(let l): "b(\(l))"
            case .mean(let l): "mu(\(l))"
            case .variance(let l): "sigma^2(\(l))"
            case .zhat(let l): "zhat(\(l))"
            case .gradA(let l): "dJ/da(\(l))"
            case .gradZhat(let l): "dJ/dzhat(\(l))"
            case .gradGamma(let l): "grad gamma(\(l))"
            case .gradBeta(let l): "grad beta(\(l))"
            case .updatedGamma(let l): "gamma(\(l))"
            case .updatedBeta(let l): "beta(\(l))"
            }
        }

        /// The phase of the algorithm the value belongs to.
        public var phase: Phase {
            switch self {
            case .input, .z, .a, .mean, .variance, .zhat: .forward
            case .loss: .loss
            case .delta, .gradW, .gradB, .gradA, .gradZhat, .gradGamma, .gradBeta: .backward
            case .updatedW, .updatedB, .updatedGamma, .updatedBeta, .lossAfterUpdate: .update
            }
        }

        /// The lecture's layer index of the symbol (z(2) -> 2, grad W(1) -> 1; 0 for J).
        public var layer: Int {
            switch self {
            case .input: 1
            case .z(let l), .a(let l), .delta(let l), .gradW(let l), .gradB(let l), .updatedW(let l), .updatedB(let l),
                 .mean(let l), .variance(let l), .zhat(let l), .gradA(let l), .gradZhat(let l), .gradGamma(let l),
                 .gradBeta(let l), .updatedGamma(let l), .updatedBeta(let l): l
            case .loss, .lossAfterUpdate: 0
            }
        }
    }

    /// What the value is.
    public let kind: Kind
    /// The formula, in NOTATION.md's notation: `z(2) = W(1) a(1) + b(1)`.
    public let formula: String
    /// The value; vectors are columns (`rows x 1`).
    public let value: Matrix<Double>
    /// For gradients: backpropagation against finite differences for this tensor.
    public let check: TensorCheck?
    /// A remark: the activation's formula, maxout's winning pieces, the label.
    public let note: String?

    public init(kind: Kind, formula: String, value: Matrix<Double>, check: TensorCheck?, note: String?) {
        self.kind = kind
        self.formula = formula
        self.value = value
        self.check = check
        self.note = note
    }

    /// The phase.
    public var phase: Phase { kind.phase }
    /// The symbol computed (derived from the kind).
    public var symbol: String { kind.symbol }
    /// The lecture's layer index of the symbol.
    public var layer: Int { kind.layer }
}

extension TensorCheck {
    /// True when this is the check of grad W(l) (`isBias` false) or grad b(l).
    public func checks(layer l: Int, bias: Bool) -> Bool { layer == l && isBias == bias }
}

/// The forward and backward pass of one example, value by value, in double precision.
public struct Trace: Sendable {
    /// Multiply-adds the trace's finite-difference check may take (a sample of each tensor's
    /// entries beyond it; see `GradientCheck.init(entriesPerTensor:)`).
    public static let checkBudget = 30_000_000
    /// The network traced (in double precision).
    public let network: Network<Double>
    /// The example's input x = a(1).
    public let input: [Double]
    /// The class label (classification) or nil.
    public let label: Int?
    /// The target vector y the loss compares with.
    public let target: [Double]
    /// Every value in the order of the algorithm.
    public let entries: [TraceEntry]
    /// J(W, b; x, y) before any update.
    public let loss: Double
    /// The predicted class before the update (classification only).
    public let prediction: Int?
    /// J for the same example after one gradient-descent step (when a learning rate was given).
    public let lossAfterUpdate: Double?
    /// The predicted class after that step.
    public let predictionAfterUpdate: Int?
}

extension Network {
    /// The step-through of one example: `label` for classification, `target` for regression.
    /// With a `learningRate`, the trace ends with the update W(l) <- W(l) - eta grad W(l) and
    /// the example's loss after it. Gradients are checked by finite differences.
    /// `progress` follows the gradient check (entries checked, entries in all).
    /// Throws unless the input has one value per input unit and the label or target fits the
    /// output.
    public func trace(input: [Double], label: Int? = nil, target: [Double]? = nil, learningRate: Double? = nil,
                      progress: ((Int, Int) -> Void)? = nil) throws -> Trace {
        let net = converted(to: Double.self)
        let arch = net.architecture
        guard input.count == arch.inputs else { throw NNLabError("the network takes \(arch.inputs) inputs, found \(input.count)") }
        if let label, !(0..<Swift.max(arch.outputs, 2)).contains(label) {
            throw NNLabError("the label must be between 0 and \(Swift.max(arch.outputs, 2) - 1), found \(label)")
        }
        if let target, target.count != arch.outputs { throw NNLabError("the network has \(arch.outputs) outputs, found \(target.count) targets") }
        let ws = Workspace<Double>(unchecked: arch, capacity: 1)
        ws.loadSingle(input: input, label: label.map { Int32($0) }, target: target)
        let loss = net.forwardBackward(ws, wantLoss: true)
        let prediction = ws.predictedClass(0)
        let y = (0..<arch.outputs).map { ws.target[$0 * ws.ld] }
        let examples = Examples<Double>(
            unchecked: arch.inputs, x: input,
            targets: label.map { .classes([Int32($0)], classCount: Swift.max(arch.outputs, 2)) } ?? .values(y, width: arch.outputs))
        // One probe is a forward pass of about P multiply-adds; the sample keeps the check
        // within about 3e7 of them (a 2-256-256-2 network probes 18 entries of each tensor,
        // a small one every entry).
        let passes = Swift.max(1, Trace.checkBudget / (4 * Swift.max(1, net.parameters.count) * 2 * net.shapes.count))
        let check = GradientCheck(network: net, examples: examples, entriesPerTensor: passes, progress: progress)
        let n_l = arch.n_l
        func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, cols: 1, values: v) }
        var entries: [TraceEntry] = []

        // Forward
        entries.append(TraceEntry(kind: .input, formula: "a(1) = x",
                                  value: column(input), check: nil, note: nil))
        for s in net.shapes {
            let l = s.l
            entries.append(TraceEntry(kind: .z(l + 1), formula: "z(\(l + 1)) = W(\(l)) a(\(l)) + b(\(l))",
                                      value: column(ws.zColumn(layer: s.index, 0)), check: nil,
                                      note: s.pieces > 1 ? "\(s.pieces) pieces per unit: row i k + p is piece p of unit i" : nil))
            if s.norm != nil { entries += net.normEntries(s, ws) }
            var (formula, note) = Self.activationFormula(s, l: l + 1, winners: ws.winnerColumn(layer: s.index, 0))
            if let source = s.skipSource { formula += " + a(\(source + 2))" }
            if s.keep < 1 {
                note = (note.map { $0 + "; " } ?? "") + "dropout with keep p = \(NumberFormat.short(s.keep)) is off here, as for the map "
                    + "and the metrics: a training step multiplies f(.) by m / p, each m_i 1 with probability p, else 0"
            }
            entries.append(TraceEntry(kind: .a(l + 1), formula: formula,
                                      value: column(ws.aColumn(layer: s.index, 0)), check: nil, note: note))
        }
        let yText = label.map { "true label y = \($0)" + (arch.outputs > 1 ? " (one-hot y = \(y.map(NumberFormat.short)))" : "") }
            ?? "target y = \(y.map(NumberFormat.short))"
        entries.append(TraceEntry(kind: .loss, formula: arch.loss.formula(for: arch.output),
                                  value: column([loss]), check: nil, note: yText))

        // Backward: delta at the output, then per layer its gradients and the delta below.
        let last = net.shapes.count - 1
        entries.append(TraceEntry(kind: .delta(n_l),
                                  formula: "delta(\(n_l)) = \(arch.loss.deltaFormula(for: arch.output))",
                                  value: column(ws.deltaColumn(layer: last, 0)), check: nil, note: nil))
        for s in net.shapes.reversed() {
            let l = s.l
            let gW = Array(UnsafeBufferPointer(start: ws.gradient + s.weightOffset, count: s.weightCount))
            let gb = Array(UnsafeBufferPointer(start: ws.gradient + s.biasOffset, count: s.rows))
            entries.append(TraceEntry(kind: .gradW(l), formula: "grad W(\(l)) = delta(\(l + 1)) (a(\(l)))^T",
                                      value: Matrix(rows: s.rows, cols: s.inputs, values: gW),
                                      check: check.tensors.first { $0.checks(layer: l, bias: false) }, note: nil))
            entries.append(TraceEntry(kind: .gradB(l), formula: "grad b(\(l)) = delta(\(l + 1))",
                                      value: column(gb), check: check.tensors.first { $0.checks(layer: l, bias: true) }, note: nil))
            if s.norm != nil {
                let gGamma = Array(UnsafeBufferPointer(start: ws.gradient + s.gammaOffset, count: s.units))
                let gBeta = Array(UnsafeBufferPointer(start: ws.gradient + s.betaOffset, count: s.units))
                entries.append(TraceEntry(kind: .gradGamma(l), formula: "grad gamma(\(l)) = dJ/dzhat(\(l + 1)) .* (z(\(l + 1)) - mu(\(l + 1))) / sqrt(sigma^2(\(l + 1)) + eps)",
                                          value: column(gGamma), check: check.tensors.first { $0.layer == l && $0.part == .gamma }, note: nil))
                entries.append(TraceEntry(kind: .gradBeta(l), formula: "grad beta(\(l)) = dJ/dzhat(\(l + 1))",
                                          value: column(gBeta), check: check.tensors.first { $0.layer == l && $0.part == .beta }, note: nil))
            }
            if s.index > 0, !net.isPlainBelow(s.index) {
                entries += net.partsDeltaEntries(below: net.shapes[s.index - 1], ws)
            } else if s.index > 0 {
                let below = net.shapes[s.index - 1]
                let f = below.activation!
                let formula: String
                let note: String
                if case .maxout = f {
                    formula = "delta(\(l)) = (W(\(l)))^T delta(\(l + 1)) routed to each unit's winning piece"
                    note = "maxout: f' = 1 for the winning piece, 0 for the others"
                } else {
                    formula = "delta(\(l)) = (W(\(l)))^T delta(\(l + 1)) .* f'(z(\(l)))"
                    note = "f = \(f.name): f'(z) = \(f.formulas.fPrime)"
                }
                entries.append(TraceEntry(kind: .delta(l), formula: formula,
                                          value: column(ws.deltaColumn(layer: below.index, 0)), check: nil, note: note))
            }
        }

        // Update
        var lossAfter: Double?
        var predictionAfter: Int?
        if let eta = learningRate {
            var updated = net
            for i in 0..<updated.parameters.count { updated.parameters[i] -= eta * ws.gradient[i] }
            for s in net.shapes {
                let l = s.l
                entries.append(TraceEntry(kind: .updatedW(l), formula: "W(\(l)) <- W(\(l)) - eta grad W(\(l))",
                                          value: updated.W(l), check: nil, note: "eta = \(NumberFormat.short(eta))"))
                entries.append(TraceEntry(kind: .updatedB(l), formula: "b(\(l)) <- b(\(l)) - eta grad b(\(l))",
                                          value: column(updated.b(l)), check: nil, note: "eta = \(NumberFormat.short(eta))"))
                if let gamma = updated.gamma(l), let beta = updated.beta(l) {
                    entries.append(TraceEntry(kind: .updatedGamma(l), formula: "gamma(\(l)) <- gamma(\(l)) - eta grad gamma(\(l))",
                                              value: column(gamma), check: nil, note: "eta = \(NumberFormat.short(eta))"))
                    entries.append(TraceEntry(kind: .updatedBeta(l), formula: "beta(\(l)) <- beta(\(l)) - eta grad beta(\(l))",
                                              value: column(beta), check: nil, note: "eta = \(NumberFormat.short(eta))"))
                }
            }
            let after = Workspace<Double>(unchecked: arch, capacity: 1)
            after.loadSingle(input: input, label: label.map { Int32($0) }, target: target)
            updated.forward(after)
            lossAfter = updated.computeLoss(after)
            predictionAfter = after.predictedClass(0)
            entries.append(TraceEntry(kind: .lossAfterUpdate, formula: "J after the update",
                                      value: column([lossAfter!]), check: nil,
                                      note: "before: \(NumberFormat.significant(loss, digits: 6)), change \(NumberFormat.scientific(lossAfter! - loss, digits: 2))"))
        }
        return Trace(network: net, input: input, label: label, target: y, entries: entries, loss: loss,
                     prediction: prediction, lossAfterUpdate: lossAfter, predictionAfterUpdate: predictionAfter)
    }

    /// `a(3) = sigma(z(3))` (`tanh(zhat(3))` after a norm) and a remark for layer `s`, whose
    /// output is a(`l`).
    static func activationFormula(_ s: LayerShape, l: Int, winners: [Int]?) -> (String, String?) {
        let input = s.norm == nil ? "z(\(l))" : "zhat(\(l))"
        switch s.function {
        case .hidden(.maxout(let k)):
            let w = winners.map { "winning pieces: " + $0.map(String.init).joined(separator: ", ") }
            return ("a(\(l)) = max over the \(k) pieces of \(input)", w)
        case .hidden(let f):
            return ("a(\(l)) = \(f.name)(\(input))", "\(f.name)(z) = \(f.formulas.f)")
        case .output(.identity): return ("a(\(l)) = z(\(l))", "identity output (regression)")
        case .output(.logistic): return ("a(\(l)) = sigma(\(input))", "sigma(z) = 1 / (1 + e^-z)")
        case .output(.softmax): return ("a(\(l)) = softmax(\(input))", "softmax(z)_k = e^(z_k) / sum_j e^(z_j)")
        case .output(.step): return ("a(\(l)) = step(\(input))", "1 if z >= 0 else 0")
        }
    }
}

extension Network where S == Double {
    /// True when the delta of layer index `k - 1` is the dense one, (W(l))^T delta(l+1) .* f'(z(l)):
    /// the layer has no part and no skip reads its a.
    func isPlainBelow(_ k: Int) -> Bool {
        shapes[k - 1].isPlain && !shapes.contains { $0.skipSource == k - 1 }
    }

    /// mu, sigma^2 and zhat of layer `s` (one example, evaluation mode): layer norm's over the
    /// example's units, batch norm's running ones.
    func normEntries(_ s: LayerShape, _ ws: Workspace<Double>) -> [TraceEntry] {
        let L = s.l + 1, l = s.l
        let z = ws.zColumn(layer: s.index, 0)
        let mean: [Double], variance: [Double], meanFormula: String, varianceFormula: String, note: String
        if s.norm == .layer {
            let mu = z.reduce(0, +) / Double(z.count)
            mean = [mu]
            variance = [z.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Double(z.count)]
            meanFormula = "mu(\(L)) = (1/\(s.units)) sum_i z(\(L))_i"
            varianceFormula = "sigma^2(\(L)) = (1/\(s.units)) sum_i (z(\(L))_i - mu(\(L)))^2"
            note = "layer norm: over the \(s.units) units of this example, the same in training and evaluation"
        } else {
            let running = runningStatistics(l)!
            (mean, variance) = (running.mean, running.variance)
            meanFormula = "mu(\(L)) = the running mean of z(\(L)) over the training minibatches"
            varianceFormula = "sigma^2(\(L)) = the running variance of z(\(L)) over the training minibatches"
            note = "batch norm, evaluation: the running statistics (momentum \(NumberFormat.short(batchNormMomentum))), as the map uses; "
                + "a training step uses its minibatch's own mean and variance, per unit"
        }
        func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, cols: 1, values: v) }
        let zhat = (0..<s.units).map { ws.parts[s.index].zhat![$0 &* ws.ld] }
        let parameters = (gamma(l) ?? []).count <= 8
            ? "gamma(\(l)) = [\((gamma(l) ?? []).map { NumberFormat.significant($0, digits: 4) }.joined(separator: " "))], "
                + "beta(\(l)) = [\((beta(l) ?? []).map { NumberFormat.significant($0, digits: 4) }.joined(separator: " "))]"
            : "gamma(\(l)) and beta(\(l)) are the layer's learned scale and shift (\(s.units) each)"
        return [
            TraceEntry(kind: .mean(L), formula: meanFormula, value: column(mean), check: nil, note: note),
            TraceEntry(kind: .variance(L), formula: varianceFormula, value: column(variance), check: nil, note: nil),
            TraceEntry(kind: .zhat(L), formula: "zhat(\(L)) = gamma(\(l)) .* (z(\(L)) - mu(\(L))) / sqrt(sigma^2(\(L)) + eps) + beta(\(l))",
                       value: column(zhat), check: nil, note: "eps = \(NumberFormat.short(normEpsilon)); " + parameters),
        ]
    }

    /// dJ/da(l), dJ/dzhat(l) (with a norm) and delta(l) of hidden layer `b` (its output a(l)),
    /// after the backward pass: what reaches a(l) from the layer above and from every skip.
    func partsDeltaEntries(below b: LayerShape, _ ws: Workspace<Double>) -> [TraceEntry] {
        let l = b.l + 1
        func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, cols: 1, values: v) }
        let buffers = ws.parts[b.index]
        let g = (0..<b.units).map { buffers.g[$0 &* ws.ld] }
        let skips = shapes.filter { $0.skipSource == b.index }.map { "dJ/da(\($0.l + 1))" }
        var entries = [TraceEntry(kind: .gradA(l), formula: "dJ/da(\(l)) = " + (["(W(\(l)))^T delta(\(l + 1))"] + skips).joined(separator: " + "),
                                  value: column(g), check: nil,
                                  note: skips.isEmpty ? nil : "a skip reads a(\(l)), so its gradient arrives there too, added")]
        let f = b.activation!
        let delta = column(ws.deltaColumn(layer: b.index, 0))
        let dropout = b.keep < 1 ? " (dropout is off here)" : ""
        if case .maxout = f {
            entries.append(TraceEntry(kind: .delta(l), formula: "delta(\(l)) = dJ/da(\(l)) routed to each unit's winning piece",
                                      value: delta, check: nil, note: "maxout: f' = 1 for the winning piece, 0 for the others" + dropout))
            return entries
        }
        guard let norm = b.norm else {
            entries.append(TraceEntry(kind: .delta(l), formula: "delta(\(l)) = dJ/da(\(l)) .* f'(z(\(l)))", value: delta, check: nil,
                                      note: "f = \(f.name): f'(z) = \(f.formulas.fPrime)" + dropout))
            return entries
        }
        let zhat = (0..<b.units).map { buffers.zhat![$0 &* ws.ld] }
        entries.append(TraceEntry(kind: .gradZhat(l), formula: "dJ/dzhat(\(l)) = dJ/da(\(l)) .* f'(zhat(\(l)))",
                                  value: column(zip(g, zhat).map { $0 * f.fPrime($1) }), check: nil,
                                  note: "f = \(f.name): f'(z) = \(f.formulas.fPrime)" + dropout))
        let k = b.l
        if norm == .layer {
            entries.append(TraceEntry(kind: .delta(l),
                                      formula: "delta(\(l)) = (dn - mean(dn) - n .* mean(dn .* n)) / sqrt(sigma^2(\(l)) + eps), dn = gamma(\(k)) .* dJ/dzhat(\(l)), n = (z(\(l)) - mu(\(l))) / sqrt(sigma^2(\(l)) + eps)",
                                      value: delta, check: nil,
                                      note: "layer norm: mu(\(l)) and sigma^2(\(l)) depend on every z(\(l))_i, so each delta(\(l))_i takes all of dn; the means are over the \(b.units) units"))
        } else {
            entries.append(TraceEntry(kind: .delta(l), formula: "delta(\(l)) = gamma(\(k)) .* dJ/dzhat(\(l)) / sqrt(sigma^2(\(l)) + eps)",
                                      value: delta, check: nil,
                                      note: "batch norm, evaluation: the running mu and sigma^2 are constants here; in training they are the minibatch's and delta takes their derivatives too"))
        }
        return entries
    }
}

extension Network {
    /// Why the minibatch view cannot show this network yet, or nil: its matrices are the dense
    /// layer's Z and A, which would misstate a layer with a norm, a skip or dropout.
    public var batchTraceProblem: String? {
        architecture.isPlain ? nil : "no minibatch view yet for norms, skips and dropout; the step-through shows one example"
    }

    func requireBatchTraceable() throws {
        if let batchTraceProblem { throw NNLabError(batchTraceProblem) }
    }
}
