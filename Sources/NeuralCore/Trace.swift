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
            }
        }

        /// The phase of the algorithm the value belongs to.
        public var phase: Phase {
            switch self {
            case .input, .z, .a: .forward
            case .loss: .loss
            case .delta, .gradW, .gradB: .backward
            case .updatedW, .updatedB, .lossAfterUpdate: .update
            }
        }

        /// The lecture's layer index of the symbol (z(2) -> 2, grad W(1) -> 1; 0 for J).
        public var layer: Int {
            switch self {
            case .input: 1
            case .z(let l), .a(let l), .delta(let l), .gradW(let l), .gradB(let l), .updatedW(let l), .updatedB(let l): l
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
        try requireTraceable()
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
            let (formula, note) = Self.activationFormula(s, l: l + 1, winners: ws.winnerColumn(layer: s.index, 0))
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
            if s.index > 0 {
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

    /// `a(3) = sigma(z(3))` and a remark for layer `s`, whose output is a(`l`).
    static func activationFormula(_ s: LayerShape, l: Int, winners: [Int]?) -> (String, String?) {
        switch s.function {
        case .hidden(.maxout(let k)):
            let w = winners.map { "winning pieces: " + $0.map(String.init).joined(separator: ", ") }
            return ("a(\(l)) = max over the \(k) pieces of z(\(l))", w)
        case .hidden(let f):
            return ("a(\(l)) = \(f.name)(z(\(l)))", "\(f.name)(z) = \(f.formulas.f)")
        case .output(.identity): return ("a(\(l)) = z(\(l))", "identity output (regression)")
        case .output(.logistic): return ("a(\(l)) = sigma(z(\(l)))", "sigma(z) = 1 / (1 + e^-z)")
        case .output(.softmax): return ("a(\(l)) = softmax(z(\(l)))", "softmax(z)_k = e^(z_k) / sum_j e^(z_j)")
        case .output(.step): return ("a(\(l)) = step(z(\(l)))", "1 if z >= 0 else 0")
        }
    }
}

extension Network {
    /// Why the step-through cannot show this network yet, or nil: its entries are the dense
    /// layer's z and a, which would misstate a layer with a norm, a skip or dropout.
    public var traceProblem: String? {
        architecture.isPlain ? nil : "no step-through yet for norms, skips, dropout (see nnlab grad)"
    }

    func requireTraceable() throws {
        if let traceProblem { throw NNLabError(traceProblem) }
    }
}
