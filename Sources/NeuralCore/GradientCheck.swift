/// Which of a layer's parameters a tensor is.
public enum TensorPart: String, Sendable, Hashable, CaseIterable {
    case weights = "W", bias = "b", gamma = "gamma", beta = "beta"

    /// The gradient's name in reports: `dW`, `db`, `dgamma`, `dbeta`.
    public var gradientName: String {
        switch self {
        case .weights: "dW"
        case .bias: "db"
        case .gamma: "dgamma"
        case .beta: "dbeta"
        }
    }

    /// Where the tensor starts in the parameter arena and how many entries it has.
    public func range(in s: LayerShape) -> (offset: Int, count: Int) {
        switch self {
        case .weights: (s.weightOffset, s.weightCount)
        case .bias: (s.biasOffset, s.rows)
        case .gamma: (s.gammaOffset, s.units)
        case .beta: (s.betaOffset, s.units)
        }
    }

    /// The parts a layer has: W and b, and gamma and beta with a norm.
    public static func of(_ s: LayerShape) -> [TensorPart] { s.norm == nil ? [.weights, .bias] : [.weights, .bias, .gamma, .beta] }
}

/// Backpropagation against finite differences for one tensor (W(l), b(l), gamma(l), beta(l)).
public struct TensorCheck: Sendable, Equatable {
    /// "W(1)", "b(2)", "gamma(2)", ...
    public let name: String
    /// The lecture's l.
    public let layer: Int
    /// Which of the layer's parameters.
    public let part: TensorPart
    /// True for b(l).
    public var isBias: Bool { part == .bias }
    /// The tensor's shape (rows, columns); biases are (rows, 1).
    public let shape: (rows: Int, cols: Int)
    /// The backpropagation gradient, row-major.
    public let backprop: [Double]
    /// The finite-difference estimate, row-major (NaN for an entry not probed).
    public let numeric: [Double]
    /// The entries probed, in order: every entry, or for a large network a sample of them.
    public let checked: [Int]
    /// True when every entry was probed.
    public var isComplete: Bool { checked.count == backprop.count }
    /// Largest |backprop - numeric| / max(|backprop|, |numeric|, floor) over the entries, where
    /// floor = 1e-6 max(1, |J|): finite differences in double precision resolve gradients to
    /// about 1e-16 |J| / h = 1e-13 |J|, so gradients below the floor are compared absolutely.
    public let maxRelativeError: Double
    /// Largest |backprop - numeric|.
    public let maxAbsoluteError: Double
    /// Row-major index of the entry with the largest relative error.
    public let worstIndex: Int
    /// Entries left out because every finite-difference probe crossed a kink (ReLU at 0, a
    /// maxout tie, a step): there the derivative does not exist.
    public let entriesAtKinks: Int

    public static func == (l: TensorCheck, r: TensorCheck) -> Bool {
        l.name == r.name && l.backprop == r.backprop && l.numeric.map(\.bitPattern) == r.numeric.map(\.bitPattern) && l.checked == r.checked
    }
}

/// A gradient check of a whole network on a set of examples, in double precision.
public struct GradientCheck: Sendable {
    /// The objective J(W, b) at the checked point.
    public let loss: Double
    /// One result per tensor: W(1), b(1), W(2), b(2), ...
    public let tensors: [TensorCheck]
    /// The tolerance the lab uses to call a check passed.
    public static let tolerance = 1e-6
    /// Gradients smaller than this (times max(1, |J|)) are compared in absolute terms.
    public static let relativeFloor = 1e-6

    /// The largest relative error over every tensor.
    public var maxRelativeError: Double { tensors.map(\.maxRelativeError).max() ?? 0 }
    /// True when the loss and every gradient, by backpropagation and by finite differences,
    /// are finite numbers (a check of NaN against NaN proves nothing).
    public var isFinite: Bool {
        loss.isFinite && tensors.allSatisfy { t in t.backprop.allSatisfy(\.isFinite) && t.checked.allSatisfy { t.numeric[$0].isFinite } }
    }
    /// True when everything is finite and every tensor is within `tolerance`.
    public var passed: Bool { isFinite && maxRelativeError <= Self.tolerance }

    /// Checks every parameter of `network` on `examples`: backpropagation against the
    /// central difference [-J(w+2h) + 8J(w+h) - 8J(w-h) + J(w-2h)] / 12h (error O(h^4)), with
    /// h = 1e-3; where a probe crosses a kink it retries with h = 1e-6, and leaves the entry
    /// out only if that crosses one too.
    /// `progress` is told (entries checked, entries in all) after every entry.
    /// With `entriesPerTensor`, a tensor with more entries probes that many: evenly spaced
    /// ones and the one with the largest gradient (each probe is a pass over the examples, so
    /// a full check of P parameters costs P passes of P; a sample keeps it linear).
    /// In training mode batch norm uses the statistics of all the examples as one batch, and
    /// dropout (with a seed) the same masks in every probe.
    public init(network: Network<Double>, examples: Examples<Double>, l1: Double = 0, l2: Double = 0, mode: PassMode = .evaluation,
                entriesPerTensor: Int? = nil, progress: ((Int, Int) -> Void)? = nil) {
        let (loss, gradient) = network.lossAndGradient(examples, l1: l1, l2: l2, mode: mode)
        self.loss = loss
        var probe = network
        let ws = Workspace<Double>(unchecked: network.architecture, capacity: network.passCapacity(examples.count, mode: mode))
        ws.mode = mode
        let watchKinks = network.architecture.hidden.contains { $0.activation.hasKink } || network.architecture.output == .step
        func evaluate() -> (Double, UInt64) {
            probe.objectiveAndKinks(examples, ws, l1: l1, l2: l2, watchKinks: watchKinks)
        }
        let (_, baseKinks) = evaluate()
        var tensors: [TensorCheck] = []
        var done = 0
        func sample(_ offset: Int, _ count: Int) -> [Int] {
            guard let k = entriesPerTensor, count > Swift.max(1, k) else { return Array(0..<count) }
            var chosen = Set((0..<Swift.max(1, k - 1)).map { $0 * count / Swift.max(1, k - 1) })
            var largest = 0
            for e in 0..<count where abs(gradient[offset + e]) > abs(gradient[offset + largest]) { largest = e }
            chosen.insert(largest)
            return chosen.sorted()
        }
        // Each tensor's entries to probe, chosen once (the progress counts them all).
        let plan = network.shapes.flatMap { shape in
            TensorPart.of(shape).map { part in (shape, part, sample(part.range(in: shape).offset, part.range(in: shape).count)) }
        }
        let total = plan.reduce(0) { $0 + $1.2.count }
        for (shape, part, probed) in plan {
            let (offset, count) = part.range(in: shape)
            var numeric = [Double](repeating: .nan, count: count)
            var atKink = [Bool](repeating: false, count: count)
            for e in probed {
                let i = offset + e
                let original = probe.parameters[i]
                func J(_ delta: Double) -> (Double, UInt64) {
                    probe.parameters[i] = original + delta
                    defer { probe.parameters[i] = original }
                    return evaluate()
                }
                // L1's |w| has its own kink at w = 0.
                let l1Kink = l1 != 0 && part == .weights
                var h = 1e-3
                var probes = [J(2 * h), J(h), J(-h), J(-2 * h)]
                var crossed = probes.contains { $0.1 != baseKinks } || (l1Kink && abs(original) < 2 * h)
                if crossed {
                    h = 1e-6
                    probes = [J(h), J(-h)]
                    crossed = probes.contains { $0.1 != baseKinks } || (l1Kink && abs(original) < h)
                    numeric[e] = (probes[0].0 - probes[1].0) / (2 * h)
                } else {
                    // Differences first: equal values then give exactly 0, and less rounding.
                    numeric[e] = (8 * (probes[1].0 - probes[2].0) - (probes[0].0 - probes[3].0)) / (12 * h)
                }
                atKink[e] = crossed
                done += 1
                progress?(done, total)
            }
            let backprop = (0..<count).map { gradient[offset + $0] }
            var maxRel = 0.0, maxAbs = 0.0, worst = probed.first ?? 0
            let floor = Self.relativeFloor * max(1, abs(loss))
            for e in probed where !atKink[e] {
                let diff = abs(backprop[e] - numeric[e])
                let rel = diff / max(abs(backprop[e]), abs(numeric[e]), floor)
                if rel > maxRel { maxRel = rel; worst = e }
                maxAbs = max(maxAbs, diff)
            }
            let l = shape.l
            tensors.append(TensorCheck(
                name: "\(part.rawValue)(\(l))", layer: l, part: part,
                shape: part == .weights ? (shape.rows, shape.inputs) : (count, 1),
                backprop: backprop, numeric: numeric, checked: probed, maxRelativeError: maxRel, maxAbsoluteError: maxAbs,
                worstIndex: worst, entriesAtKinks: atKink.filter { $0 }.count))
        }
        self.tensors = tensors
    }
}

extension Network {
    /// J(W, b) over `examples` and a fingerprint of which side of every kink each unit is on
    /// (signs of z for ReLU-like and step units, maxout winners), to notice when a
    /// finite-difference probe crosses a kink.
    func objectiveAndKinks(_ examples: Examples<S>, _ ws: Workspace<S>, l1: Double, l2: Double, watchKinks: Bool) -> (Double, UInt64) {
        var total = 0.0
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ v: UInt64) { hash = (hash ^ v) &* 0x0000_0100_0000_01B3 }
        var start = 0
        while start < examples.count {
            let end = Swift.min(start + ws.capacity, examples.count)
            ws.load(examples, range: start..<end)
            forward(ws)
            total += computeLoss(ws)
            if watchKinks {
                for (k, s) in shapes.enumerated() {
                    let kinked: Bool
                    switch s.function {
                    case .hidden(let f): kinked = f.hasKink
                    case .output(let o): kinked = o == .step
                    }
                    guard kinked else { continue }
                    if let w = ws.winners[k] {
                        for i in 0..<s.units { for c in 0..<ws.m { mix(UInt64(Double(w[i * ws.ld + c]))) } }
                    } else {
                        // The activation's input: zhat after a norm.
                        let pre = ws.hasParts ? (ws.parts[k].zhat ?? ws.z[k]) : ws.z[k]
                        for r in 0..<s.rows {
                            for c in 0..<ws.m {
                                let z = pre[r * ws.ld + c]
                                mix(z > 0 ? 1 : (z < 0 ? 2 : 3))
                            }
                        }
                    }
                }
            }
            start = end
        }
        return (total / Double(examples.count) + regularizationPenalty(l1: l1, l2: l2), hash)
    }
}
