import Foundation
import LabRendering
import NeuralCore

/// Builds widgets from training state: the only place where NeuralCore values become the
/// plain numbers the widgets take.
public enum Views {
    /// The points of `dataset` for a map (or, for 1-D data, (x, y) pairs): training points, then test points.
    public static func mapPoints(_ dataset: Dataset, train: [Int], test: [Int]) -> [MapPoint] {
        // A test point that is also a training point (the truth table's) is a training point.
        // (A flag per point, not a set: the data editor calls this on every key, with up to
        // 100,000 points.)
        var isTest = [Bool](repeating: false, count: dataset.count)
        for i in test { isTest[i] = true }
        for i in train { isTest[i] = false }
        let order = train + test.filter { isTest[$0] }
        if dataset.dimension == 1 {
            // A 1-D function: the points are (x, f(x)), for the curve plot and the step-through.
            return order.map { i in
                MapPoint(x: dataset.points[i], y: dataset.value(i), label: -1, value: dataset.value(i), isTest: isTest[i])
            }
        }
        // The plane, or for 3 or more inputs the points seen along x3, x4, ... onto x1 by x2.
        let d = dataset.dimension
        let classes = dataset.classCount != nil
        var points: [MapPoint] = []
        points.reserveCapacity(order.count)
        for i in order {
            points.append(MapPoint(x: dataset.points[d * i], y: dataset.points[d * i + 1], label: classes ? dataset.label(i) : -1,
                                   value: dataset.value(i), isTest: isTest[i], index: i))
        }
        return points
    }

    /// The decision map of `network` over `dataset`'s plane, sampled for `area`.
    public static func decisionMap(_ network: Network<Float>, dataset: Dataset, points: [MapPoint],
                                   sampler: GridSampler, area: Rect, theme: Theme, threshold: Double = 0.5) -> DecisionMap {
        let (columns, rows) = DecisionMap.gridSize(for: area, theme: theme)
        let sample = sampler.sample(network, columns: columns, rows: rows, x: dataset.domain.x, y: dataset.domain.y)
        let kind: DecisionMap.Kind
        if let k = dataset.classCount {
            kind = .classes(network.architecture.output == .softmax ? network.architecture.outputs : Swift.max(k, 2))
        } else {
            kind = .regression(valueRange(dataset))
        }
        var map = DecisionMap(kind: kind, values: sample.values, columns: columns, rows: rows,
                              x: dataset.domain.x, y: dataset.domain.y)
        map.points = points
        map.threshold = threshold
        return map
    }

    /// The curve plot of a 1-D regression: target f, the network's F, the data, and with
    /// `units` each hidden unit's contribution.
    public static func curvePlot(_ network: Network<Float>, dataset: Dataset, kind: DatasetKind?, train: [Int],
                                 sampler: GridSampler, width: Int, units: Bool) -> CurvePlot {
        let x = dataset.domain.x
        let samples = Swift.max(2, width * 2)
        let sample = sampler.sample(network, columns: samples, rows: 1, x: x, y: 0...1)
        // The sampler evaluates at cell centres; shift the curve to the plot's end points.
        var curves: [CurvePlot.Curve] = []
        if let kind, kind.isOneDimensional {
            let f = (0..<samples).map { Dataset.function(kind, x.lowerBound + (x.upperBound - x.lowerBound) * (Double($0) + 0.5) / Double(samples)) }
            curves.append(CurvePlot.Curve(values: f, label: "target f(x)", series: 1))
        }
        if units, let parts = GridSampler.contributions(network, x: x, points: samples) {
            for (i, part) in parts.units.prefix(6).enumerated() {
                curves.append(CurvePlot.Curve(values: part, label: "alpha_i a(2)_i", series: 2 + i % 2))
            }
        }
        curves.append(CurvePlot.Curve(values: sample.values.map(Double.init), label: "network F(x)", series: 0))
        var plot = CurvePlot(x: x, y: dataset.domain.y, curves: curves)
        plot.points = train.map { (dataset.points[$0], dataset.value($0)) }
        return plot
    }

    /// Most points the output-against-target plots draw (the first ones).
    static let fitPoints = 2000

    /// A regression's outputs against its targets: per output (at most `maxPlots`), its title
    /// ("F2 against y2") and a plot of the points at (y_j, F_j(x)) with the line F = y; and the
    /// largest |F_j(x) - y_j| over the points and outputs. Nil for classes.
    public static func fitPlots(_ network: Network<Float>, dataset: Dataset, points: [MapPoint], features: FeatureSet,
                                maxPlots: Int = 4) -> (plots: [(label: String, plot: CurvePlot)], maxError: Double)? {
        guard dataset.classCount == nil, network.architecture.output == .identity else { return nil }
        let shown = Array(points.prefix(fitPoints)).filter { $0.index >= 0 && $0.index < dataset.count }
        let k = Swift.min(network.architecture.outputs, dataset.outputWidth)
        guard !shown.isEmpty, k > 0, let ws = try? Workspace<Float>(architecture: network.architecture, capacity: shown.count) else { return nil }
        let inputs = shown.map { dataset.input(of: $0, features: features) }
        guard inputs[0].count == network.architecture.inputs else { return nil }
        ws.loadInputs(count: inputs.count) { p, ld in
            for (c, input) in inputs.enumerated() { for (r, v) in input.enumerated() { p[r &* ld &+ c] = Float(v) } }
        }
        network.forward(ws)
        let last = network.shapes.count - 1
        var plots: [(label: String, plot: CurvePlot)] = []
        var worst = 0.0
        for j in 0..<k {
            let row = ws.aRow(layer: last, unit: j)
            var pairs: [(x: Double, y: Double)] = []
            pairs.reserveCapacity(shown.count)
            for (c, p) in shown.enumerated() {
                let target = dataset.values(p.index)[dataset.values(p.index).startIndex + j], out = Double(row[c])
                pairs.append((target, out))
                if out.isFinite { worst = Swift.max(worst, Swift.abs(out - target)) } else { worst = .infinity }
            }
            guard j < maxPlots else { continue }
            // One range for both axes, the targets' and the outputs' (within 3 spans of the
            // targets), so F = y is the diagonal and a point far off it is drawn, not clipped.
            let targets = pairs.map(\.x)
            var lo = targets.min()!, hi = targets.max()!
            if hi - lo < 1e-9 { lo -= 1; hi += 1 }
            let span = hi - lo
            for p in pairs where p.y.isFinite {
                lo = Swift.min(lo, Swift.max(p.y, lo - 3 * span))
                hi = Swift.max(hi, Swift.min(p.y, hi + 3 * span))
            }
            let pad = (hi - lo) * 0.05
            let range = (lo - pad)...(hi + pad)
            let samples = 64
            let line = (0..<samples).map { range.lowerBound + (range.upperBound - range.lowerBound) * (Double($0) + 0.5) / Double(samples) }
            var plot = CurvePlot(x: range, y: range, curves: [CurvePlot.Curve(values: line, label: "F = y", series: 1)])
            plot.points = pairs
            plots.append((k == 1 ? "F against y" : "F\(j + 1) against y\(j + 1)", plot))
        }
        return (plots, worst)
    }

    /// The symmetric range of a regression data set's targets.
    static func valueRange(_ dataset: Dataset) -> ClosedRange<Double> {
        guard case .values(let v, _) = dataset.targets, let m = v.map({ Swift.abs($0) }).max(), m > 0 else { return -1...1 }
        return -m...m
    }
}

extension Views {
    /// The training loss per epoch, and after a divergence the minibatch losses of the epoch
    /// that diverged, so the chart shows the climb.
    static func trainingLoss(_ s: TrainingSnapshot, label: String) -> LineChart.Series {
        LineChart.Series(label: label, values: s.history.map(\.train.meanLoss) + s.climb.map(\.loss),
                         x: s.history.map { Double($0.epoch) } + s.climb.map(\.epoch))
    }

    /// True when the curve view can show each hidden unit's contribution (1-D data through
    /// one hidden layer).
    static func canShowContributions(_ architecture: Architecture, dataset: Dataset) -> Bool {
        architecture.hidden.count == 1 && dataset.dimension == 1
    }

    /// The main panel's name, for notices and its title.
    static func mainViewName(_ state: LabState, canShowContributions: Bool) -> String {
        switch state.main {
        case .map: "decision map"
        case .units: "each hidden unit"
        case .hidden: "the hidden space (i: next pair of units)"
        case .fit: "each output against its target"
        case .layers: "every layer: activations, gradients, update ratios"
        case .curve: showsContributions(state, canShowContributions: canShowContributions) ? "f, F and each unit's contribution" : "f and F"
        }
    }

    /// True when the curve view draws each hidden unit's contribution.
    static func showsContributions(_ state: LabState, canShowContributions: Bool) -> Bool {
        state.showContributions && canShowContributions
    }
}

extension Views {
    /// Epochs of history a sparkline can show (wider than any panel).
    static let sparklineEpochs = 256

    /// Layer `layer`'s probe among one epoch's: at its position (the hidden layers in order,
    /// a(2) first), else found by its index.
    static func probe(_ epoch: [LayerProbe], layer: Int) -> LayerProbe? {
        let k = layer - 2
        if epoch.indices.contains(k), epoch[k].layer == layer { return epoch[k] }
        return epoch.first { $0.layer == layer }
    }

    /// The layers view's rows: each hidden layer's probes with the history of its update ratio.
    static func layerRows(_ s: TrainingSnapshot) -> [LayerTable.Row] {
        layerRows(probes: s.probes, history: s.probeHistory, architecture: s.network.architecture)
    }

    /// The rows from the latest probes and their history (oldest first).
    public static func layerRows(probes: [LayerProbe], history: [[LayerProbe]], architecture arch: Architecture) -> [LayerTable.Row] {
        probes.map { p in
            let index = p.layer - 2
            let parts = arch.hidden.indices.contains(index) ? arch.hidden[index].partsLabel : ""
            let share: (name: String, value: Double)? = p.deadUnits.map { ("dead", Double($0) / Double(Swift.max(1, p.units))) }
                ?? p.saturation.map { ("sat", $0) }
            // The sparkline shows at most a panel's width of epochs: the last 256 are read, not
            // every one of a long run's (this runs every frame).
            let history = history.suffix(Self.sparklineEpochs).compactMap { Self.probe($0, layer: p.layer)?.updateRatio }
            return LayerTable.Row(label: "a(\(p.layer)) \(p.activation.label)\(parts)", histogram: p.histogram.counts, mean: p.mean, std: p.std,
                                  share: share, gradientStd: p.gradientStd, gradData: p.gradDataRatio,
                                  updateLog: history.map { $0 > 0 ? Foundation.log10($0) : -6 })
        }
    }

    /// Each layer's W(l) for the network diagram (maxout: the first piece of each unit).
    static func diagramWeights<S: NNScalar>(_ network: Network<S>) -> [[Double]] {
        network.shapes.map { s in
            let w = network.W(s.l)
            // Row i * pieces is unit i's first piece (maxout); one row per unit otherwise.
            return (0..<s.units).flatMap { i in w.row(i * s.pieces).map { Double($0) } }
        }
    }
}

extension Views {
    /// Most points the hidden-space view maps (the first ones beyond are left out).
    static let hiddenSpacePoints = 2000

    /// The hidden-space view of hidden layer `layer` (0 = the first, the lecture's a(2)) on its
    /// units `units.0` and `units.1` (a 1-unit layer: a strip, the class up): the data points at
    /// their activations, the plane's grid lines mapped through the layer, and the output's
    /// decision line when the next layer is a single output. Nil without such a layer.
    public static func hiddenSpace(_ network: Network<Float>, dataset: Dataset, points: [MapPoint], features: FeatureSet,
                                   layer: Int, units: (Int, Int)) -> HiddenSpacePlot? {
        let arch = network.architecture
        guard layer >= 0, layer < arch.hidden.count else { return nil }
        let count = network.shapes[layer].units
        let i = ((units.0 % count) + count) % count
        let j = count > 1 ? ((units.1 % count) + count) % count : nil
        // The inputs: the points, then the grid lines of the plane.
        let shown = Array(points.prefix(hiddenSpacePoints))
        var inputs = shown.map { dataset.input(of: $0, features: features) }
        let d = dataset.domain
        var lineLengths: [Int] = []
        if dataset.dimension == 2 {
            let samples = 48
            for k in 0...8 {
                let v = Double(k) / 8
                let x1 = d.x.lowerBound + v * (d.x.upperBound - d.x.lowerBound), x2 = d.y.lowerBound + v * (d.y.upperBound - d.y.lowerBound)
                inputs += (0..<samples).map { s in features.input(x1, d.y.lowerBound + Double(s) / Double(samples - 1) * (d.y.upperBound - d.y.lowerBound), dimension: 2) }
                inputs += (0..<samples).map { s in features.input(d.x.lowerBound + Double(s) / Double(samples - 1) * (d.x.upperBound - d.x.lowerBound), x2, dimension: 2) }
                lineLengths += [samples, samples]
            }
        }
        guard !inputs.isEmpty, let ws = try? Workspace<Float>(architecture: arch, capacity: inputs.count) else { return nil }
        ws.loadInputs(count: inputs.count) { p, ld in
            for (c, input) in inputs.enumerated() { for (r, v) in input.enumerated() { p[r &* ld &+ c] = Float(v) } }
        }
        network.forward(ws)
        let a = Array(ws.aRow(layer: layer, unit: i)).map(Double.init)
        let b = j.map { Array(ws.aRow(layer: layer, unit: $0)).map(Double.init) }
        // A 1-unit layer: the class (or target) up, so the classes stay apart.
        func up(_ c: Int) -> Double {
            if let b { return b[c] }
            guard c < shown.count else { return 0.5 }
            return dataset.classCount == nil ? shown[c].value : Double(shown[c].label)
        }
        let mapped = shown.indices.map { HiddenSpacePlot.Point(x: a[$0], y: up($0), label: Swift.max(0, shown[$0].label), isTest: shown[$0].isTest) }
        var lines: [[(x: Double, y: Double)]] = []
        var start = shown.count
        if b != nil {
            for n in lineLengths {
                lines.append((start..<start + n).map { (a[$0], b![$0]) })
                start += n
            }
        }
        // The units' ranges: the activation's own, else what was observed.
        func range(_ v: [Double]) -> ClosedRange<Double> {
            switch arch.hidden[layer].activation {
            case .logistic: return -0.05...1.05
            case .tanh: return -1.05...1.05
            default:
                let finite = v.filter(\.isFinite)
                let lo = finite.min() ?? 0, hi = finite.max() ?? 1
                let pad = Swift.max((hi - lo) * 0.05, 1e-3)
                return (lo - pad)...(hi + pad)
            }
        }
        let xRange = range(a)
        let yRange: ClosedRange<Double>
        if let b { yRange = range(b) } else {
            let ups = shown.indices.map(up)
            yRange = ((ups.min() ?? 0) - 0.5)...((ups.max() ?? 1) + 0.5)
        }
        var boundary: (w1: Double, w2: Double, b: Double)?
        if let j, count == 2, layer == arch.hidden.count - 1, arch.outputs == 1, network.shapes[layer + 1].pieces == 1 {
            let w = network.W(layer + 2), bias = network.b(layer + 2)
            // The output decides at z = 0 (a = 0.5 for logistic, the step's threshold).
            boundary = (Double(w[0, i]), Double(w[0, j]), Double(bias[0]))
        }
        let name = { (u: Int) in "a(\(layer + 2))_\(u + 1)" }
        return HiddenSpacePlot(x: xRange, y: yRange, points: mapped, lines: lines, boundary: boundary,
                               xName: name(i), yName: j.map(name) ?? (dataset.classCount == nil ? "target" : "class"))
    }
}

extension Dataset {
    /// The network's input for a map point: its features in the plane, x alone on a line, and
    /// every coordinate of its data point for 3 or more inputs (the map shows only x1, x2).
    func input(of p: MapPoint, features: FeatureSet) -> [Double] {
        if dimension >= 3, p.index >= 0, p.index < count { return input(p.index, features: features) }
        return features.input(p.x, p.y, dimension: dimension)
    }

    /// A regression map point's targets, one per output (its value repeated for a data set of
    /// fewer outputs than the network).
    func targets(of p: MapPoint, outputs: Int) -> [Double] {
        if outputWidth == outputs, p.index >= 0, p.index < count { return Array(values(p.index)) }
        return [Double](repeating: p.value, count: outputs)
    }
}
