/// A row-major matrix of values, for display, traces and model files (not the hot path).
public struct Matrix<S: NNScalar>: Hashable, Sendable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let cols: Int
    /// rows x cols values, row by row.
    public var values: [S]

    /// A matrix from its row-major values.
    public init(rows: Int, cols: Int, values: [S]) {
        require(values.count == rows * cols)
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// The entry in row `i`, column `j` (0-based).
    public subscript(i: Int, j: Int) -> S { values[i * cols + j] }

    /// Row `i`.
    public func row(_ i: Int) -> ArraySlice<S> { values[i * cols..<(i + 1) * cols] }
}

/// A feed-forward network: its architecture and every W(l), b(l) in one contiguous arena.
///
/// Layer k of the arena (0-based) holds the lecture's W(k+1) (`s_{k+2} x s_{k+1}`, row i =
/// unit i) followed by b(k+1). Copies are cheap until mutated (the arena is an array).
public struct Network<S: NNScalar>: Sendable {
    /// The network's shape.
    public let architecture: Architecture
    /// Geometry of each layer in `parameters`.
    public let shapes: [LayerShape]
    /// Every weight and bias, layer by layer: W(1), b(1), W(2), b(2), ... (gamma(l), beta(l)
    /// after b(l) for a layer with a norm).
    public var parameters: [S]
    /// Batch norm's running mean and variance (not trained by gradients; evaluation uses
    /// them): per batch-norm layer, its units' means then their variances. Empty without one.
    public var statistics: [S]

    /// A network with the given parameters; throws unless the architecture is valid and
    /// there are exactly `architecture.parameterCount` of them.
    public init(architecture: Architecture, parameters: [S]) throws {
        try architecture.validate()
        guard parameters.count == architecture.parameterCount else {
            throw NNLabError("\(architecture.description(arrow: "->")) needs \(architecture.parameterCount) parameters, found \(parameters.count)")
        }
        self.init(unchecked: architecture, parameters: parameters)
    }

    /// A network whose parameters are known to fit (a copy in another precision, a model
    /// file's reader after its own checks).
    init(unchecked architecture: Architecture, parameters: [S], statistics: [S]? = nil) {
        require(parameters.count == architecture.parameterCount, "parameter count mismatch")
        self.architecture = architecture
        self.shapes = architecture.shapes
        self.parameters = parameters
        self.statistics = statistics ?? Self.initialStatistics(architecture.shapes)
        require(self.statistics.count == architecture.statisticsCount, "statistics count mismatch")
    }

    /// Running means 0 and variances 1, as PyTorch's `BatchNorm1d` starts.
    static func initialStatistics(_ shapes: [LayerShape]) -> [S] {
        var values = [S]()
        for s in shapes where s.norm == .batch {
            values.append(contentsOf: repeatElement(0, count: s.units))
            values.append(contentsOf: repeatElement(1, count: s.units))
        }
        return values
    }

    /// A freshly initialised network: weights drawn from `seed` layer by layer (W row by row),
    /// biases set to `biasInit`. The same seed gives the same weights, bit for bit.
    /// Throws unless the architecture is valid.
    public init(architecture: Architecture, weightInit: WeightInit? = nil, biasInit: Double = 0, seed: UInt64) throws {
        try architecture.validate()
        self.architecture = architecture
        self.shapes = architecture.shapes
        self.parameters = []
        self.statistics = Self.initialStatistics(architecture.shapes)
        reinitialize(weightInit: weightInit, biasInit: biasInit, seed: seed)
    }

    /// Draws new weights from `seed` (see `init(architecture:weightInit:biasInit:seed:)`).
    public mutating func reinitialize(weightInit: WeightInit? = nil, biasInit: Double = 0, seed: UInt64) {
        let scheme = weightInit ?? .default(for: architecture)
        var rng = SeededGenerator(seed: seed, stream: "weights")
        var values = [S]()
        values.reserveCapacity(architecture.parameterCount)
        for shape in shapes {
            for _ in 0..<shape.weightCount {
                values.append(S(scheme.draw(fanIn: shape.inputs, fanOut: shape.units, &rng)))
            }
            values.append(contentsOf: repeatElement(S(biasInit), count: shape.rows))
            if shape.norm != nil {
                values.append(contentsOf: repeatElement(1, count: shape.units))  // gamma
                values.append(contentsOf: repeatElement(0, count: shape.units))  // beta
            }
        }
        parameters = values
        statistics = Self.initialStatistics(shapes)
    }

    /// Number of weight layers.
    public var layerCount: Int { shapes.count }

    /// W(l) for the lecture's l (1-based): `s_{l+1} x s_l` (k rows per unit for maxout).
    public func W(_ l: Int) -> Matrix<S> {
        let s = shapes[l - 1]
        return Matrix(rows: s.rows, cols: s.inputs, values: Array(parameters[s.weightOffset..<s.biasOffset]))
    }

    /// b(l) for the lecture's l (1-based).
    public func b(_ l: Int) -> [S] {
        let s = shapes[l - 1]
        return Array(parameters[s.biasOffset..<s.biasOffset + s.rows])
    }

    /// gamma(l) of a layer with a norm (nil otherwise).
    public func gamma(_ l: Int) -> [S]? {
        let s = shapes[l - 1]
        return s.norm == nil ? nil : Array(parameters[s.gammaOffset..<s.gammaOffset + s.units])
    }

    /// beta(l) of a layer with a norm (nil otherwise).
    public func beta(_ l: Int) -> [S]? {
        let s = shapes[l - 1]
        return s.norm == nil ? nil : Array(parameters[s.betaOffset..<s.betaOffset + s.units])
    }

    /// Batch norm's running mean and variance of layer l (nil unless it has batch norm).
    public func runningStatistics(_ l: Int) -> (mean: [S], variance: [S])? {
        let s = shapes[l - 1]
        guard s.norm == .batch else { return nil }
        let o = s.statisticsOffset
        return (Array(statistics[o..<o + s.units]), Array(statistics[o + s.units..<o + 2 * s.units]))
    }

    /// Replaces W(l) and b(l); throws unless l names a layer and the shapes match.
    public mutating func setLayer(_ l: Int, W: [S], b: [S]) throws {
        guard (1...shapes.count).contains(l) else { throw NNLabError("W(\(l)) does not exist: the network has W(1) to W(\(shapes.count))") }
        let s = shapes[l - 1]
        guard W.count == s.weightCount && b.count == s.rows else {
            throw NNLabError("W(\(l)) has \(s.weightCount) entries and b(\(l)) \(s.rows), found \(W.count) and \(b.count)")
        }
        parameters.replaceSubrange(s.weightOffset..<s.biasOffset, with: W)
        parameters.replaceSubrange(s.biasOffset..<s.biasOffset + s.rows, with: b)
    }

    /// The same network in another precision.
    public func converted<T: NNScalar>(to _: T.Type = T.self) -> Network<T> {
        Network<T>(unchecked: architecture, parameters: parameters.map { T($0) }, statistics: statistics.map { T($0) })
    }

    /// True when every parameter is finite.
    public var isFinite: Bool {
        parameters.withUnsafeBufferPointer { allFinite($0.baseAddress!, $0.count) }
            && (statistics.isEmpty || statistics.withUnsafeBufferPointer { allFinite($0.baseAddress!, $0.count) })
    }

    /// The first tensor with a NaN or infinite entry ("W(2)", "b(1)"), or nil if there is none.
    public func nonFiniteTensor() -> String? {
        guard !isFinite else { return nil }
        return parameters.withUnsafeBufferPointer { p in
            for s in shapes {
                if !allFinite(p.baseAddress! + s.weightOffset, s.weightCount) { return "W(\(s.l))" }
                if !allFinite(p.baseAddress! + s.biasOffset, s.rows) { return "b(\(s.l))" }
                if s.norm != nil, !allFinite(p.baseAddress! + s.gammaOffset, s.units) { return "gamma(\(s.l))" }
                if s.norm != nil, !allFinite(p.baseAddress! + s.betaOffset, s.units) { return "beta(\(s.l))" }
            }
            return statistics.allSatisfy(\.isFinite) ? nil : "the running statistics"
        }
    }

    /// (lambda/2) sum ||W(l)||^2 + lambda1 sum |W(l)| over weights (biases are not regularised).
    public func regularizationPenalty(l1: Double, l2: Double) -> Double {
        guard l1 != 0 || l2 != 0 else { return 0 }
        var squares = 0.0, absolutes = 0.0
        for s in shapes {
            for w in parameters[s.weightOffset..<s.biasOffset] {
                let x = Double(w)
                squares += x * x
                absolutes += Swift.abs(x)
            }
        }
        return 0.5 * l2 * squares + l1 * absolutes
    }
}

/// True when the `count` values at `p` are all finite: x * 0 is 0 for every finite x and NaN
/// for NaN and the infinities, so one vector pass decides (a few nanoseconds for a lesson's
/// network, checked after every step of a session).
@inline(__always)
func allFinite<S: NNScalar>(_ p: UnsafePointer<S>, _ count: Int) -> Bool {
    var acc = Vec<S>()
    var i = 0
    while i &+ vecWidth <= count {
        acc = acc.madd(load(p + i), 0)
        i &+= vecWidth
    }
    var tail: S = 0
    while i < count { tail += p[i] * 0; i &+= 1 }
    return horizontalSum(acc) + tail == 0
}

extension Network {
    /// A copy with its own parameter arena (a plain copy shares it until one is changed).
    public func copied() -> Network {
        Network(unchecked: architecture, parameters: parameters.withUnsafeBufferPointer { Array($0) },
                statistics: statistics.withUnsafeBufferPointer { Array($0) })
    }
}
