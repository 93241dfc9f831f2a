/// One sample of a network over a grid.
public struct GridSample: Sendable {
    /// Grid columns and rows.
    public let columns: Int
    public let rows: Int
    /// `rows x columns x channels`, row 0 at the top (largest x2).
    public let values: [Float]
    /// Per hidden layer, per unit: that unit's a over the grid (`rows x columns`), if asked for.
    public let unitValues: [[[Float]]]
}

/// The network's output sampled over a grid of the input plane (or along the x axis for 1-D
/// data), for the decision map, the neuron thumbnails and the curve plot.
public final class GridSampler: @unchecked Sendable {
    /// The architecture sampled.
    public let architecture: Architecture
    /// How grid points become inputs.
    public let features: FeatureSet
    /// 2 for the plane, 1 for a 1-D function (the input is then x alone), 3 or more for a
    /// slice through x1 and x2 with the other inputs held at `slice`.
    public let dimension: Int
    /// The values of x3, x4, ... on the plane sampled (3 or more dimensions).
    public let slice: [Double]
    /// Scratch for the forward passes, chunk by chunk; no result is kept in it.
    private let workspace: Workspace<Float>

    /// Values per cell: 1 (logistic probability of class 1, or the regression output) or K.
    public var channels: Int { architecture.output == .softmax ? architecture.outputs : 1 }

    /// A sampler for networks of `architecture` fed with `features` of `dimension`-D points.
    public init(architecture: Architecture, features: FeatureSet, dimension: Int = 2, slice: [Double] = [], chunk: Int? = nil) {
        require(dimension < 3 || slice.count == dimension - 2, "a slice holds every input beyond x1 and x2")
        self.architecture = architecture
        self.features = features
        self.dimension = dimension
        self.slice = slice
        self.workspace = Workspace(unchecked: architecture, capacity: chunk ?? Swift.min(2048, Workspace<Float>.chunk(for: architecture)))
    }

    /// `network` at the centres of a `columns x rows` grid over `x` by `y`; with `withUnits`,
    /// also every hidden unit's activation. The result is a value of its own: what one caller
    /// sampled never changes with another's call (only the workspace is reused).
    public func sample(_ network: Network<Float>, columns: Int, rows: Int,
                       x: ClosedRange<Double>, y: ClosedRange<Double>, withUnits: Bool = false) -> GridSample {
        require(network.architecture == architecture)
        let cells = Swift.max(0, columns * rows)
        let k = channels
        var values = [Float](repeating: 0, count: cells * k)
        let hidden = network.shapes.dropLast()
        var unitValues: [[[Float]]] = withUnits ? hidden.map { [[Float]](repeating: [Float](repeating: 0, count: cells), count: $0.units) } : []
        guard cells > 0 else { return GridSample(columns: columns, rows: rows, values: values, unitValues: unitValues) }
        let ws = workspace
        let dx = (x.upperBound - x.lowerBound) / Double(columns)
        let dy = (y.upperBound - y.lowerBound) / Double(rows)
        var start = 0
        while start < cells {
            let count = Swift.min(ws.capacity, cells - start)
            ws.loadInputs(count: count) { input, ld in
                for c in 0..<count {
                    let cell = start + c
                    let px = x.lowerBound + (Double(cell % columns) + 0.5) * dx
                    let py = y.upperBound - (Double(cell / columns) + 0.5) * dy
                    if dimension == 1 {
                        input[c] = Float(px)
                    } else if dimension == 2 {
                        features.write(px, py, to: input + c, stride: ld)
                    } else {
                        input[c] = Float(px)
                        input[c + ld] = Float(py)
                        for (j, v) in slice.enumerated() { input[c + (j + 2) * ld] = Float(v) }
                    }
                }
            }
            network.forward(ws)
            let last = network.shapes.count - 1
            values.withUnsafeMutableBufferPointer { out in
                for ch in 0..<k {
                    let row = ws.aRow(layer: last, unit: ch)
                    for c in 0..<count { out[(start + c) * k + ch] = row[c] }
                }
            }
            if withUnits {
                for s in hidden {
                    for i in 0..<s.units {
                        let row = ws.aRow(layer: s.index, unit: i)
                        unitValues[s.index][i].withUnsafeMutableBufferPointer { out in
                            for c in 0..<count { out[start + c] = row[c] }
                        }
                    }
                }
            }
            start += count
        }
        return GridSample(columns: columns, rows: rows, values: values, unitValues: unitValues)
    }

    /// For a 1-D network with one hidden layer: each hidden unit's contribution
    /// alpha_i a_i(x) = W(2)_{1i} f(w_i x + b_i) at `points` x values evenly spaced over
    /// `x` (universal approximation: F(x) is their sum plus b(2)). Call after `sample`.
    public static func contributions(_ network: Network<Float>, x: ClosedRange<Double>, points: Int) -> (F: [Double], units: [[Double]])? {
        guard network.architecture.inputs == 1, network.architecture.hidden.count == 1,
              network.architecture.outputs == 1, network.shapes[0].pieces == 1 else { return nil }
        let units = network.shapes[0].units
        let f = network.shapes[0].activation!
        let w = network.W(1).values, b = network.b(1)
        let alpha = network.W(2).values, bias = Double(network.b(2)[0])
        var F = [Double](repeating: bias, count: points)
        var parts = [[Double]](repeating: [Double](repeating: 0, count: points), count: units)
        for p in 0..<points {
            let xv = x.lowerBound + (x.upperBound - x.lowerBound) * Double(p) / Double(Swift.max(points - 1, 1))
            for i in 0..<units {
                let v = Double(alpha[i]) * f.f(Double(w[i]) * xv + Double(b[i]))
                parts[i][p] = v
                F[p] += v
            }
        }
        if network.architecture.output == .logistic { F = F.map { Activation.logistic.f($0) } }
        return (F, parts)
    }
}
