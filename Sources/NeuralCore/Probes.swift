/// Counts of values in equal bins over [lower, upper], plus the count of exact zeros.
public struct Histogram: Sendable, Equatable {
    /// Lower edge of the first bin.
    public var lower: Double
    /// Upper edge of the last bin.
    public var upper: Double
    /// Values per bin (values at `upper` fall in the last bin).
    public var counts: [Int]
    /// Values that are exactly 0 (a dead ReLU outputs exact zeros); also counted in `counts`.
    public var zeros: Int
    /// NaN or infinite values (not in `counts`).
    public var nonFinite: Int

    /// Every value counted, finite or not.
    public var total: Int { counts.reduce(0, +) + nonFinite }

    /// A histogram of `values` over `bins` bins; the range is [lower, upper] if given, else the
    /// values' own range.
    public init<C: Collection>(_ values: C, bins: Int, range: ClosedRange<Double>? = nil) where C.Element: BinaryFloatingPoint {
        require(bins > 0)
        var lo = Double.infinity, hi = -Double.infinity
        var zeros = 0, nonFinite = 0
        for v in values {
            let d = Double(v)
            guard d.isFinite else { nonFinite += 1; continue }
            if d == 0 { zeros += 1 }
            lo = Swift.min(lo, d)
            hi = Swift.max(hi, d)
        }
        if let range {
            lo = range.lowerBound
            hi = range.upperBound
        } else if !lo.isFinite {
            lo = 0
            hi = 1
        }
        // Equal values (also huge ones, where lo + 1 == lo) get a range of width 1 around them.
        if !(hi - lo > 0) { hi = lo + Swift.max(1, Swift.abs(lo)) }
        var counts = [Int](repeating: 0, count: bins)
        let scale = Double(bins) / (hi - lo)
        for v in values {
            let d = Double(v)
            guard d.isFinite else { continue }
            counts[binIndex((d - lo) * scale, bins)] += 1
        }
        self.lower = lo
        self.upper = hi
        self.counts = counts
        self.zeros = zeros
        self.nonFinite = nonFinite
    }
}

/// floor(t) clamped to 0..<bins, before any conversion to `Int` (a NaN or infinite t cannot
/// become an index).
func binIndex(_ t: Double, _ bins: Int) -> Int {
    guard t == t else { return 0 }
    return Int(Swift.max(0, Swift.min(Double(bins - 1), t.rounded(.down))))
}

/// What the lab shows about one hidden layer.
public struct LayerProbe: Sendable, Equatable {
    /// The lecture's index of the layer's units: the first hidden layer is a(2).
    public let layer: Int
    /// Units in the layer.
    public let units: Int
    /// The layer's activation.
    public let activation: Activation
    /// Distribution of a(layer) over the probed examples.
    public let histogram: Histogram
    /// For the ReLU family: units whose z <= 0 for every probed example (for leaky ReLU these
    /// are "nearly dead": their gradient is only alpha). Nil for other activations.
    public let deadUnits: Int?
    /// Which units are dead (all false where `deadUnits` is nil).
    public let dead: [Bool]
    /// For logistic and tanh: the share of (unit, example) pairs where f'(z) < 5% of its
    /// maximum. Nil for other activations.
    public let saturation: Double?
    /// ||grad W(l)|| (Frobenius) of the weights into this layer, on the probed examples.
    public let gradientNorm: Double
    /// ||Delta W(l)|| / ||W(l)|| of the last update, if known (cs231n suggests about 1e-3).
    public let updateRatio: Double?
    /// Mean and standard deviation of the layer's activations (the histogram's values).
    public var mean: Double = 0, std: Double = 0
    /// Standard deviation of dJ/da(layer) over the units and probed examples (each example's
    /// own loss), or nil for a layer nothing reads.
    public var gradientStd: Double? = nil
    /// std(grad W(l)) / std(W(l)) of the weights into this layer (Karpathy's grad:data ratio).
    public var gradDataRatio: Double? = nil
}

/// Computes the probes of a network on a fixed set of examples, with its own buffers.
public final class Prober: @unchecked Sendable {
    /// The examples probed (at most `maxExamples` of the training set, evenly spaced).
    public let examples: Examples<Float>
    /// Histogram bins.
    public var bins: Int
    private let workspace: Workspace<Float>

    /// Most examples probed per call.
    public static let maxExamples = 2048

    /// A prober for `architecture` on `train` (evenly spaced subset if it is large).
    public init(architecture: Architecture, train: Examples<Float>, bins: Int = 20) {
        let n = train.count
        if n > Self.maxExamples {
            let indices = (0..<Self.maxExamples).map { $0 * n / Self.maxExamples }
            examples = train.subset(indices)
        } else {
            examples = train
        }
        self.bins = bins
        // In chunks of about 2 MB of buffers (a wide network's for 2048 examples would take 17 MB).
        workspace = Workspace(unchecked: architecture, capacity: Swift.min(Swift.max(examples.count, 1), Workspace<Float>.chunk(for: architecture)))
    }

    /// Probes every hidden layer of `network`. `updateNorms` (per layer, from
    /// `OptimizerState.updateNorms`) gives the update ratios.
    public func probe(_ network: Network<Float>, updateNorms: [Double]? = nil) -> [LayerProbe] {
        let total = examples.count
        // Per layer: f's output of every unit over all the examples, row by row (f(zhat) with a
        // norm, before dropout and the skip sum); dead = z (or zhat) <= 0 for all.
        let hidden = network.shapes.filter { $0.activation != nil }
        var activations = hidden.map { s -> [Float] in
            var v: [Float] = []
            v.reserveCapacity(s.units * total)
            return v
        }
        var alive = hidden.map { s in [Bool](repeating: false, count: s.units) }
        // dJ/da of each hidden layer: sums and sums of squares over units and examples.
        var gradSums = [(Double, Double, Int)](repeating: (0, 0, 0), count: hidden.count)
        // The activations' sums and sums of squares, taken while each row is in cache.
        var activationSums = [(Double, Double)](repeating: (0, 0), count: hidden.count)
        let gradient = meanGradient(network) { ws in
            for (h, s) in hidden.enumerated() {
                gradSums[h] = Self.addActivationGradient(network, ws, layer: s.index, gradSums[h])
                for i in 0..<s.units {
                    // The activation's own output and input (after the norm, before dropout and the skip sum).
                    let row = ws.activationRow(layer: s.index, unit: i)
                    activations[h].append(contentsOf: row)
                    var (sum, squares) = activationSums[h]
                    for v in row where v.isFinite { sum += Double(v); squares += Double(v) * Double(v) }
                    activationSums[h] = (sum, squares)
                    if !alive[h][i] && ws.preActivationRow(layer: s.index, row: i).contains(where: { $0 > 0 }) { alive[h][i] = true }
                }
            }
        }
        var probes: [LayerProbe] = []
        for (h, s) in hidden.enumerated() {
            guard let f = s.activation else { continue }
            // Every (unit, example) pair's a, chunk by chunk (the order does not matter below).
            let values = activations[h]
            let range: ClosedRange<Double>? = switch f {
            case .logistic, .step: 0...1
            case .tanh: -1...1
            default: nil
            }
            let histogram = Histogram(values, bins: bins, range: range)
            var dead = [Bool](repeating: false, count: s.units)
            var deadCount: Int?
            if f.canDie {
                for i in 0..<s.units { dead[i] = !alive[h][i] }
                deadCount = dead.filter { $0 }.count
            }
            var saturation: Double?
            if f.saturates {
                var saturated = 0
                for a in values {
                    let derivative = f == .logistic ? Double(a * (1 - a)) : Double(1 - a * a)
                    if derivative < 0.05 * f.maximumDerivative { saturated += 1 }
                }
                saturation = values.isEmpty ? 0 : Double(saturated) / Double(values.count)
            }
            var ratio: Double?
            if let norms = updateNorms, s.index < norms.count {
                var w2 = 0.0
                for k in s.weightOffset..<s.biasOffset { w2 += Double(network.parameters[k]) * Double(network.parameters[k]) }
                ratio = w2 > 0 ? norms[s.index] / w2.squareRoot() : nil
            }
            var probe = LayerProbe(layer: s.l + 1, units: s.units, activation: f, histogram: histogram, deadUnits: deadCount,
                                   dead: dead, saturation: saturation, gradientNorm: Self.weightNorm(gradient, s), updateRatio: ratio)
            let finite = values.count - histogram.nonFinite
            if finite > 0 {
                let (sum, squares) = activationSums[h]
                probe.mean = sum / Double(finite)
                probe.std = Swift.max(0, squares / Double(finite) - probe.mean * probe.mean).squareRoot()
            }
            let (sum, squares, count) = gradSums[h]
            if count > 0 {
                let m = sum / Double(count)
                probe.gradientStd = Swift.max(0, squares / Double(count) - m * m).squareRoot()
            }
            let (_, gradStd) = Self.meanAndStd(gradient[s.weightOffset..<s.biasOffset])
            let (_, weightStd) = Self.meanAndStd(network.parameters[s.weightOffset..<s.biasOffset].lazy.map { Double($0) })
            probe.gradDataRatio = weightStd > 0 ? gradStd / weightStd : nil
            probes.append(probe)
        }
        return probes
    }

    /// ||grad W(l)|| of every layer (W(1) first) on the probed examples: the numbers the layer
    /// panel shows, and those a lesson's gradient claims measure.
    public func gradientNorms(_ network: Network<Float>) -> [Double] {
        let gradient = meanGradient(network) { _ in }
        return network.shapes.map { Self.weightNorm(gradient, $0) }
    }

    /// The gradient of the mean loss over the probed examples, chunk by chunk (each chunk's
    /// mean, weighted); `each` sees every chunk's workspace after its pass.
    private func meanGradient(_ network: Network<Float>, each: (Workspace<Float>) -> Void) -> [Double] {
        let ws = workspace
        let total = examples.count
        var gradient = [Double](repeating: 0, count: network.parameters.count)
        var start = 0
        repeat {
            let end = Swift.min(start + ws.capacity, total)
            ws.load(examples, range: start..<end)
            _ = network.forwardBackward(ws, wantLoss: false)
            each(ws)
            let weight = total > 0 ? Double(end - start) / Double(total) : 1
            for k in 0..<gradient.count { gradient[k] += Double(ws.gradient[k]) * weight }
            start = end
        } while start < total
        return gradient
    }

    /// Mean and (population) standard deviation of finite values, in two passes.
    static func meanAndStd<C: Collection>(_ values: C) -> (Double, Double) where C.Element == Double {
        var n = 0, sum = 0.0
        for v in values where v.isFinite { sum += v; n += 1 }
        guard n > 0 else { return (0, 0) }
        let mean = sum / Double(n)
        var squares = 0.0
        for v in values where v.isFinite { squares += (v - mean) * (v - mean) }
        return (mean, (squares / Double(n)).squareRoot())
    }

    /// `sums` with dJ/da of hidden layer index `k` over the chunk in `ws` added: what the
    /// backward pass left in the layer's g (a network with parts), else (W(l+1))^T delta(l+1).
    static func addActivationGradient(_ network: Network<Float>, _ ws: Workspace<Float>, layer k: Int,
                                      _ sums: (Double, Double, Int)) -> (Double, Double, Int) {
        var (sum, squares, count) = sums
        let s = network.shapes[k], above = network.shapes[k + 1]
        let ld = ws.ld, m = ws.m
        if ws.hasParts {
            let g = ws.parts[k].g
            for i in 0..<s.units { for c in 0..<m { let v = Double(g[i * ld + c]); sum += v; squares += v * v } }
        } else {
            let delta = ws.delta[k + 1]
            network.parameters.withUnsafeBufferPointer { p in
                let W = p.baseAddress! + above.weightOffset
                var column = [Double](repeating: 0, count: s.units)
                for c in 0..<m {
                    for j in 0..<s.units { column[j] = 0 }
                    for r in 0..<above.rows {
                        let d = Double(delta[r * ld + c])
                        guard d != 0 else { continue }
                        let row = W + r * above.inputs
                        for j in 0..<s.units { column[j] += Double(row[j]) * d }
                    }
                    for v in column { sum += v; squares += v * v }
                }
            }
        }
        count += s.units * m
        return (sum, squares, count)
    }

    /// ||W|| of layer `s`'s part of `gradient`.
    static func weightNorm(_ gradient: [Double], _ s: LayerShape) -> Double {
        var squares = 0.0
        for k in s.weightOffset..<s.biasOffset { squares += gradient[k] * gradient[k] }
        return squares.squareRoot()
    }
}

extension OptimizerState {
    /// ||Delta W(l)|| of the update just applied, per layer (weights only), computed from the
    /// optimizer's state and the gradient of that step. Exact for SGD, momentum and Adam.
    public func updateNorms(shapes: [LayerShape], gradient: UnsafePointer<S>, learningRate: Double) -> [Double] {
        shapes.map { s in
            var sum = 0.0
            for k in s.weightOffset..<s.biasOffset {
                let delta = lastUpdate(at: k, gradient: Double(gradient[k]), learningRate: learningRate)
                sum += delta * delta
            }
            return sum.squareRoot()
        }
    }
}
