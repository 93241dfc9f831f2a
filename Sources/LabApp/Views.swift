import LabRendering
import NeuralCore

/// Builds widgets from training state: the only place where NeuralCore values become the
/// plain numbers the widgets take.
public enum Views {
    /// The points of `dataset` for a map (or, for 1-D data, (x, y) pairs): training points, then test points.
    public static func mapPoints(_ dataset: Dataset, train: [Int], test: [Int]) -> [MapPoint] {
        let isTest = Set(test).subtracting(train)
        if dataset.dimension == 1 {
            // A 1-D function: the points are (x, f(x)), for the curve plot and the step-through.
            return (train + test.filter { isTest.contains($0) }).map { i in
                MapPoint(x: dataset.points[i], y: dataset.value(i), label: -1, value: dataset.value(i), isTest: isTest.contains(i))
            }
        }
        guard dataset.dimension == 2 else { return [] }
        var points: [MapPoint] = []
        points.reserveCapacity(dataset.count)
        for i in train + test.filter({ isTest.contains($0) }) {
            let label = dataset.classCount == nil ? -1 : dataset.label(i)
            points.append(MapPoint(x: dataset.points[2 * i], y: dataset.points[2 * i + 1], label: label,
                                   value: dataset.value(i), isTest: isTest.contains(i)))
        }
        return points
    }

    /// The decision map of `network` over `dataset`'s plane, sampled for `area`.
    public static func decisionMap(_ network: Network<Float>, dataset: Dataset, points: [MapPoint],
                                   sampler: GridSampler, area: Rect, theme: Theme) -> DecisionMap {
        let (columns, rows) = DecisionMap.gridSize(for: area, theme: theme)
        sampler.sample(network, columns: columns, rows: rows, x: dataset.domain.x, y: dataset.domain.y)
        let kind: DecisionMap.Kind
        if let k = dataset.classCount {
            kind = .classes(network.architecture.output == .softmax ? network.architecture.outputs : Swift.max(k, 2))
        } else {
            kind = .regression(valueRange(dataset))
        }
        var map = DecisionMap(kind: kind, values: sampler.values, columns: columns, rows: rows,
                              x: dataset.domain.x, y: dataset.domain.y)
        map.points = points
        return map
    }

    /// The curve plot of a 1-D regression: target f, the network's F, the data, and with
    /// `units` each hidden unit's contribution.
    public static func curvePlot(_ network: Network<Float>, dataset: Dataset, kind: DatasetKind?, train: [Int],
                                 sampler: GridSampler, width: Int, units: Bool) -> CurvePlot {
        let x = dataset.domain.x
        let samples = Swift.max(2, width * 2)
        sampler.sample(network, columns: samples, rows: 1, x: x, y: 0...1)
        // The sampler evaluates at cell centres; shift the curve to the plot's end points.
        var curves: [CurvePlot.Curve] = []
        if let kind, kind.isOneDimensional {
            let f = (0..<samples).map { Dataset.function(kind, x.lowerBound + (x.upperBound - x.lowerBound) * (Double($0) + 0.5) / Double(samples)) }
            curves.append(CurvePlot.Curve(values: f, label: "target f(x)", series: 1))
        }
        if units, let parts = GridSampler.contributions(network, x: x, points: samples) {
            for (i, part) in parts.units.prefix(6).enumerated() {
                curves.append(CurvePlot.Curve(values: part, label: i == 0 ? "alpha_i sigma(w_i x + b_i)" : "", series: 2 + i % 2))
            }
        }
        curves.append(CurvePlot.Curve(values: sampler.values.map(Double.init), label: "network F(x)", series: 0))
        var plot = CurvePlot(x: x, y: dataset.domain.y, curves: curves)
        plot.points = train.map { (dataset.points[$0], dataset.value($0)) }
        return plot
    }

    /// The symmetric range of a regression data set's targets.
    static func valueRange(_ dataset: Dataset) -> ClosedRange<Double> {
        guard case .values(let v, _) = dataset.targets, let m = v.map({ Swift.abs($0) }).max(), m > 0 else { return -1...1 }
        return -m...m
    }
}

extension Views {
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
        case .curve: state.showContributions && canShowContributions ? "f, F and each unit's contribution" : "f and F"
        }
    }
}

extension Views {
    /// Each layer's W(l) for the network diagram (maxout: the first piece of each unit).
    static func diagramWeights<S: NNScalar>(_ network: Network<S>) -> [[Double]] {
        network.shapes.map { s in
            let w = network.W(s.l)
            // Row i * pieces is unit i's first piece (maxout); one row per unit otherwise.
            return (0..<s.units).flatMap { i in w.row(i * s.pieces).map { Double($0) } }
        }
    }
}
