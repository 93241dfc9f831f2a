/// Every buffer a forward and backward pass over up to `capacity` examples needs, allocated
/// once. The passes then allocate nothing.
///
/// Shapes (the lecture's names, m columns padded to `ld`):
///   input       A(1) = X          s_1 x ld
///   z[k]        z(k+2)            rows_k x ld   (rows_k = s_{k+2}, times pieces for maxout)
///   a[k]        a(k+2)            s_{k+2} x ld
///   delta[k]    delta(k+2)        rows_k x ld
///   winners[k]  maxout's winning piece per unit and example (maxout layers only)
///   target      Y                 outputs x ld
///   gradient    grad W(l), grad b(l) in the parameter arena's layout
public final class Workspace<S: NNScalar>: @unchecked Sendable {
    /// The geometry this workspace was made for.
    public let shapes: [LayerShape]
    /// The most examples one pass can take.
    public let capacity: Int
    /// Row stride of every batch matrix (capacity rounded up to 16).
    public let ld: Int
    /// Examples in the current batch.
    public internal(set) var m: Int = 0 {
        didSet {
            if m != oldValue {
                var mask = Vec<S>(repeating: 1)
                for lane in (m &- (roundUpToVector(m) &- vecWidth))..<vecWidth { mask[lane] = 0 }
                tailMask = mask
                inverseM = 1 / S(Swift.max(m, 1))
            }
        }
    }

    /// 1 for the lanes of the last 16-column chunk that hold examples, 0 for padding.
    private(set) var tailMask = Vec<S>(repeating: 1)
    /// 1/m, the scale of every batch gradient.
    private(set) var inverseM: S = 1

    let storage: UnsafeMutablePointer<S>
    let storageCount: Int
    let input: UnsafeMutablePointer<S>
    let z: PointerTable<UnsafeMutablePointer<S>>
    let a: PointerTable<UnsafeMutablePointer<S>>
    let delta: PointerTable<UnsafeMutablePointer<S>>
    let winners: PointerTable<UnsafeMutablePointer<S>?>
    let target: UnsafeMutablePointer<S>
    let scratch: UnsafeMutablePointer<S>
    /// A(l)^T for the weight gradient of wide layers: ld x (widest input, rounded up to 16).
    let transposed: UnsafeMutablePointer<S>
    let lossPerExample: UnsafeMutablePointer<S>
    /// The class label of each example in the batch (classification only).
    let labels: UnsafeMutablePointer<Int32>
    /// grad W(l) and grad b(l) after `backward`, laid out like `Network.parameters`.
    public let gradient: UnsafeMutablePointer<S>
    /// Number of entries of `gradient`.
    public let parameterCount: Int
    /// True when a one-vector batch trains on the tiny path (`fitsTinyPath`, computed once).
    let isTiny: Bool
    /// True when some layer has a norm, a skip or dropout: the passes take the general path.
    let hasParts: Bool
    /// The buffers of the layers' norms, dropout and skips (`hasParts` only).
    let parts: PointerTable<PartBuffers<S>>

    /// Training mode: batch norm uses the minibatch's statistics (and the trainer folds them
    /// into the running ones) and dropout is on when the mode has a seed. Evaluation mode
    /// (the default: maps, metrics, probes, traces) uses the running statistics and no dropout.
    public var mode = PassMode.evaluation
    /// The step whose masks are drawn: mask(layer, unit, column) is a hash of the seed, the
    /// step and the position, so a run resumed at a step draws the same masks, bit for bit.
    public var dropoutStep: UInt64 = 0

    /// Whether hidden layers store z (probes and traces read it). A training workspace turns
    /// it off: f' comes from a for every activation but abs and softplus, which keep z.
    public var storesPreActivations = true
    /// A single logistic output's decision: class 1 when z > this (the logit of the decision
    /// threshold: 0 for a = 0.5, equal misclassification costs).
    public var decisionLogit: S = 0
    /// A second core for the large products, or nil to compute on one.
    private var helper: HelperThread? {
        didSet { unmanagedHelper = helper.map { Unmanaged.passUnretained($0) } }
    }
    /// The helper, for the passes (the workspace keeps it alive).
    private(set) var unmanagedHelper: Unmanaged<HelperThread>?

    /// Cores the passes compute on: 1, or 2 (a helper thread takes half of every large
    /// product). Networks whose products are all too small to split keep one core.
    public var threads: Int {
        get { helper == nil ? 1 : 2 }
        set {
            let largest = shapes.map { $0.rows * $0.inputs * ld }.max() ?? 0
            if newValue > 1 && helper == nil && largest >= 1_000_000 { helper = HelperThread() }
            if newValue <= 1 { helper = nil }
        }
    }

    /// Most examples one workspace takes (a CSV's limit; more is evaluated in chunks).
    public static var maxCapacity: Int { CSVTable.maxRows }

    /// A workspace for `architecture` and batches of up to `capacity` examples; throws unless
    /// the architecture is valid and capacity is 1 to `maxCapacity`.
    public convenience init(architecture: Architecture, capacity: Int) throws {
        try architecture.validate()
        guard (1...Self.maxCapacity).contains(capacity) else {
            throw NNLabError("a workspace holds 1 to \(Self.maxCapacity) examples, asked for \(capacity)")
        }
        self.init(unchecked: architecture, capacity: capacity)
    }

    /// A workspace whose size the core has checked.
    init(unchecked architecture: Architecture, capacity: Int) {
        require(capacity > 0)
        let shapes = architecture.shapes
        self.shapes = shapes
        self.capacity = capacity
        let ld = roundUpToVector(capacity)
        self.ld = ld
        self.parameterCount = architecture.parameterCount
        self.hasParts = !architecture.isPlain
        self.isTiny = !hasParts && shapes.allSatisfy { $0.rows <= vecWidth && $0.inputs <= vecWidth && $0.pieces == 1 && $0.function != .output(.softmax) }
        self.parts = PointerTable(hasParts ? shapes.map { PartBuffers(shape: $0, ld: ld) } : [])
        let maxWidth = max(architecture.inputs, shapes.map { max($0.rows, $0.inputs) }.max() ?? 1)
        let widestInput = roundUpToVector(shapes.map(\.inputs).max() ?? 1)
        let count = Self.storageCount(architecture, ld: ld)
        storageCount = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: 0, count: count)
        var next = storage
        func take(_ n: Int) -> UnsafeMutablePointer<S> {
            defer { next += n }
            return next
        }
        input = take(architecture.inputs * ld)
        var z: [UnsafeMutablePointer<S>] = [], a: [UnsafeMutablePointer<S>] = [], d: [UnsafeMutablePointer<S>] = []
        var w: [UnsafeMutablePointer<S>?] = []
        for s in shapes {
            z.append(take(s.rows * ld))
            a.append(take(s.units * ld))
            d.append(take(s.rows * ld))
            if s.pieces > 1 {
                let p = UnsafeMutablePointer<S>.allocate(capacity: s.units * ld)
                p.initialize(repeating: 0, count: s.units * ld)
                w.append(p)
            } else {
                w.append(nil)
            }
        }
        self.z = PointerTable(z)
        self.a = PointerTable(a)
        self.delta = PointerTable(d)
        self.winners = PointerTable(w)
        target = take(architecture.outputs * ld)
        scratch = take(maxWidth * ld)
        transposed = take(ld * widestInput)
        lossPerExample = take(ld)
        gradient = take(architecture.parameterCount)
        labels = .allocate(capacity: ld)
        labels.initialize(repeating: 0, count: ld)
    }

    /// Values in the one allocation of a workspace for `architecture` with row stride `ld`.
    static func storageCount(_ architecture: Architecture, ld: Int) -> Int {
        let shapes = architecture.shapes
        let maxWidth = max(architecture.inputs, shapes.map { max($0.rows, $0.inputs) }.max() ?? 1)
        var count = architecture.inputs * ld            // input
        for s in shapes { count += (2 * s.rows + s.units) * ld }  // z, delta, a
        count += architecture.outputs * ld              // target
        count += maxWidth * ld                          // scratch
        count += ld * roundUpToVector(shapes.map(\.inputs).max() ?? 1)  // transposed
        count += ld                                     // loss per example
        count += architecture.parameterCount            // gradient
        return count
    }

    /// Examples per chunk for evaluating, probing and sampling `architecture` in about `bytes`
    /// of buffers: 256 to 4096 (a multiple of 16). Small networks take big chunks (fewer
    /// passes); a 2-256-256-2 network takes 256, 2 MB instead of 34 MB at 4096.
    public static func chunk(for architecture: Architecture, bytes: Int = 2 << 20) -> Int {
        let perColumn = Swift.max(1, Self.bytes(architecture: architecture, capacity: 16) / 16)
        return Swift.min(4096, Swift.max(256, bytes / perColumn)) / 16 * 16
    }

    /// The bytes a workspace for `architecture` and `capacity` examples allocates.
    public static func bytes(architecture: Architecture, capacity: Int) -> Int {
        let ld = roundUpToVector(capacity)
        let winners = architecture.shapes.filter { $0.pieces > 1 }.reduce(0) { $0 + $1.units * ld }
        let parts = architecture.isPlain ? 0 : architecture.shapes.reduce(0) { $0 + PartBuffers<S>.count(shape: $1, ld: ld) }
        return (storageCount(architecture, ld: ld) + winners + parts) * MemoryLayout<S>.stride + ld * MemoryLayout<Int32>.stride
    }

    deinit {
        storage.deinitialize(count: storageCount)
        storage.deallocate()
        for k in 0..<shapes.count { winners[k]?.deallocate() }
        for k in 0..<parts.count { parts[k].deallocate() }
        parts.deallocate()
        labels.deallocate()
        z.deallocate(); a.deallocate(); delta.deallocate(); winners.deallocate()
    }

    /// Columns the kernels compute: m rounded up to the vector width.
    var n: Int { roundUpToVector(m) }


    // MARK: Loading a batch

    /// Copies the examples `order[start..<start+count]` into the batch (inputs transposed to
    /// one row per feature, targets encoded for the output layer). Allocates nothing.
    public func load(_ examples: Examples<S>, order: UnsafeBufferPointer<Int>, start: Int, count: Int) {
        require(count > 0 && count <= capacity && start + count <= order.count && examples.inputWidth == shapes[0].inputs,
                "a batch that does not fit the workspace")
        m = count
        let d = examples.inputWidth
        examples.x.withUnsafeBufferPointer { x in
            for c in 0..<count {
                let row = order[start &+ c] &* d
                for j in 0..<d { input[j &* ld &+ c] = x[row &+ j] }
            }
        }
        encodeTargets(examples) { order[start &+ $0] }
        clearPadding()
    }

    /// Copies the examples `range` (in their stored order) into the batch.
    public func load(_ examples: Examples<S>, range: Range<Int>) {
        require(!range.isEmpty && range.count <= capacity && range.upperBound <= examples.count && examples.inputWidth == shapes[0].inputs,
                "a batch that does not fit the workspace")
        m = range.count
        let d = examples.inputWidth
        let first = range.lowerBound
        examples.x.withUnsafeBufferPointer { x in
            for c in 0..<m {
                let row = (first &+ c) &* d
                for j in 0..<d { input[j &* ld &+ c] = x[row &+ j] }
            }
        }
        encodeTargets(examples) { first &+ $0 }
        clearPadding()
    }

    /// Sets the batch to `count` examples whose inputs `fill` writes: it receives the input
    /// matrix (one row per input, `ld` apart) and the count. Targets are left as they are.
    public func loadInputs(count: Int, _ fill: (UnsafeMutablePointer<S>, _ ld: Int) -> Void) {
        require(count > 0 && count <= capacity)
        m = count
        fill(input, ld)
        clearPadding()
    }

    /// Loads one example given by its input values and target (for traces and probes).
    public func loadSingle(input values: [S], label: Int32? = nil, target: [S]? = nil) {
        require(values.count == shapes[0].inputs && (target?.count ?? shapes.last!.units) == shapes.last!.units
                && (label.map { $0 >= 0 && Int($0) < Swift.max(2, shapes.last!.units) } ?? true), "an example that does not fit the workspace")
        m = 1
        for (j, v) in values.enumerated() { input[j &* ld] = v }
        let outputs = shapes.last!.units
        for k in 0..<outputs { self.target[k &* ld] = 0 }
        if let label {
            labels[0] = label
            if outputs == 1 { self.target[0] = S(label) } else { self.target[Int(label) &* ld] = 1 }
        } else if let target {
            for k in 0..<outputs { self.target[k &* ld] = target[k] }
        }
        clearPadding()
    }

    @inline(__always)
    private func encodeTargets(_ examples: Examples<S>, index: (Int) -> Int) {
        let outputs = shapes.last!.units
        switch examples.targets {
        case .classes(let classes, _):
            classes.withUnsafeBufferPointer { y in
                if outputs == 1 {
                    for c in 0..<m {
                        let label = y[index(c)]
                        labels[c] = label
                        target[c] = S(label)
                    }
                } else {
                    for k in 0..<outputs {
                        let row = target + (k &* ld)
                        for c in 0..<m { row[c] = 0 }
                    }
                    for c in 0..<m {
                        let label = y[index(c)]
                        labels[c] = label
                        target[Int(label) &* ld &+ c] = 1
                    }
                }
            }
        case .values(let values, let width):
            values.withUnsafeBufferPointer { v in
                for c in 0..<m {
                    let row = index(c) &* width
                    for k in 0..<width { target[k &* ld &+ c] = v[row &+ k] }
                }
            }
        }
    }

    /// Zeroes the padding columns m..<n of the inputs and targets.
    private func clearPadding() {
        let n = self.n
        guard n > m else { return }
        for j in 0..<shapes[0].inputs {
            for c in m..<n { input[j &* ld &+ c] = 0 }
        }
        for k in 0..<shapes.last!.units {
            for c in m..<n { target[k &* ld &+ c] = 0 }
        }
    }

    // MARK: Reading results (traces, probes, tests)

    /// Column `c` of the input A(1).
    public func inputColumn(_ c: Int) -> [S] {
        (0..<shapes[0].inputs).map { input[$0 &* ld &+ c] }
    }

    /// Column `c` of z for layer index `k` (the lecture's z(k+2)).
    public func zColumn(layer k: Int, _ c: Int) -> [S] {
        (0..<shapes[k].rows).map { z[k][$0 &* ld &+ c] }
    }

    /// Column `c` of a for layer index `k` (the lecture's a(k+2)).
    public func aColumn(layer k: Int, _ c: Int) -> [S] {
        (0..<shapes[k].units).map { a[k][$0 &* ld &+ c] }
    }

    /// Column `c` of delta for layer index `k` (the lecture's delta(k+2)).
    public func deltaColumn(layer k: Int, _ c: Int) -> [S] {
        (0..<shapes[k].rows).map { delta[k][$0 &* ld &+ c] }
    }

    /// Maxout's winning piece of each unit in column `c` (layer index `k`), or nil.
    public func winnerColumn(layer k: Int, _ c: Int) -> [Int]? {
        guard let w = winners[k] else { return nil }
        return (0..<shapes[k].units).map { Int(w[$0 &* ld &+ c]) }
    }

    /// Row `i` of a for layer index `k`, over the m examples of the batch.
    public func aRow(layer k: Int, unit i: Int) -> UnsafeBufferPointer<S> {
        UnsafeBufferPointer(start: a[k] + i &* ld, count: m)
    }

    /// Row `i` of the activation's own output f(z), or f(zhat) with a norm, for layer index `k`:
    /// a(k+2) before dropout and the skip sum are applied (a itself for a plain layer).
    public func activationRow(layer k: Int, unit i: Int) -> UnsafeBufferPointer<S> {
        let h = hasParts ? (parts[k].h ?? a[k]) : a[k]
        return UnsafeBufferPointer(start: h + i &* ld, count: m)
    }

    /// Row `r` of the activation's input for layer index `k`: zhat with a norm, else z.
    public func preActivationRow(layer k: Int, row r: Int) -> UnsafeBufferPointer<S> {
        let input = hasParts ? (parts[k].zhat ?? z[k]) : z[k]
        return UnsafeBufferPointer(start: input + r &* ld, count: m)
    }

    /// Row `r` of z for layer index `k`, over the m examples of the batch.
    public func zRow(layer k: Int, row r: Int) -> UnsafeBufferPointer<S> {
        UnsafeBufferPointer(start: z[k] + r &* ld, count: m)
    }

    /// The per-example losses of the batch after `computeLoss`.
    public var losses: UnsafeBufferPointer<S> { UnsafeBufferPointer(start: lossPerExample, count: m) }

    /// The gradient as an array, in the parameter arena's layout.
    public var gradientArray: [S] { Array(UnsafeBufferPointer(start: gradient, count: parameterCount)) }

    /// The class the network predicts for column `c` (nil for regression).
    public func predictedClass(_ c: Int) -> Int? {
        let last = shapes.count - 1
        guard case .output(let output) = shapes[last].function, output.isClassifier else { return nil }
        let units = shapes[last].units
        let z = self.z[last]
        if units == 1 {
            return output == .step ? (z[c] >= 0 ? 1 : 0) : (z[c] > decisionLogit ? 1 : 0)
        }
        var best = 0
        for k in 1..<units where z[k &* ld &+ c] > z[best &* ld &+ c] { best = k }
        return best
    }

    /// The label of column `c` of the loaded batch.
    public func label(_ c: Int) -> Int { Int(labels[c]) }

    /// Number of columns of the batch whose predicted class equals the label.
    public func correctCount() -> Int {
        var correct = 0
        for c in 0..<m where predictedClass(c) == Int(labels[c]) { correct += 1 }
        return correct
    }

    /// The output a(n_l) for column `c`.
    public func output(_ c: Int) -> [S] { aColumn(layer: shapes.count - 1, c) }
}

/// Which statistics and masks a pass uses.
public struct PassMode: Sendable, Hashable {
    /// True: batch norm normalises by the batch's statistics and dropout may be on.
    public var training: Bool
    /// Dropout's seed in training, or nil for no dropout.
    public var dropoutSeed: UInt64?

    /// Evaluation: running statistics, no dropout (maps, metrics, traces).
    public static let evaluation = PassMode(training: false, dropoutSeed: nil)
    /// Training: the batch's statistics; dropout only if a seed is given.
    public static func training(dropoutSeed: UInt64? = nil) -> PassMode { PassMode(training: true, dropoutSeed: dropoutSeed) }

    /// `train` or `eval`.
    public var name: String { training ? "train" : "eval" }
    /// True when the pass applies dropout's masks.
    var dropsOut: Bool { training && dropoutSeed != nil }
}

/// One layer's buffers for its norm, dropout and skip, in a network that has any (each
/// `units x ld` unless said; nil where the layer has no use for it).
struct PartBuffers<S: NNScalar> {
    /// g = dJ/da(l+1), what arrives at the layer's output from above and from skips.
    let g: UnsafeMutablePointer<S>
    /// h = f(zhat), kept when dropout or a skip changes a afterwards.
    let h: UnsafeMutablePointer<S>?
    /// zhat = gamma n + beta, the activation's input, with a norm.
    let zhat: UnsafeMutablePointer<S>?
    /// n = (z - mu) / sqrt(var + eps), with a norm.
    let normalized: UnsafeMutablePointer<S>?
    /// mu and 1/sqrt(var + eps): per unit (batch norm) or per column (layer norm); then the
    /// batch's biased variance per unit (batch norm, for the running statistics).
    let mean: UnsafeMutablePointer<S>?, rstd: UnsafeMutablePointer<S>?, variance: UnsafeMutablePointer<S>?
    /// Dropout's mask m / p (0 or 1/p), with dropout.
    let mask: UnsafeMutablePointer<S>?

    init(shape s: LayerShape, ld: Int) {
        let sizes = Self.sizes(shape: s, ld: ld)
        func make(_ n: Int?) -> UnsafeMutablePointer<S>? {
            guard let n else { return nil }
            let p = UnsafeMutablePointer<S>.allocate(capacity: Swift.max(n, 1))
            p.initialize(repeating: 0, count: Swift.max(n, 1))
            return p
        }
        g = make(sizes.g)!
        h = make(sizes.h)
        zhat = make(sizes.zhat)
        normalized = make(sizes.normalized)
        mean = make(sizes.statistics)
        rstd = make(sizes.statistics)
        variance = make(sizes.variance)
        mask = make(sizes.mask)
    }

    /// The length of each buffer a layer needs (nil: none).
    private static func sizes(shape s: LayerShape, ld: Int) -> (g: Int, h: Int?, zhat: Int?, normalized: Int?, statistics: Int?, variance: Int?, mask: Int?) {
        let plane = s.units * ld
        let norm: Int? = s.norm == nil ? nil : plane
        return (plane, s.skip > 0 || s.keep < 1 ? plane : nil, norm, norm,
                s.norm == nil ? nil : (s.norm == .layer ? ld : s.units), s.norm == .batch ? s.units : nil, s.keep < 1 ? plane : nil)
    }

    /// Values `init(shape:ld:)` allocates.
    static func count(shape s: LayerShape, ld: Int) -> Int {
        let z = sizes(shape: s, ld: ld)
        return [z.g, z.h, z.zhat, z.normalized, z.statistics, z.statistics, z.variance, z.mask].reduce(0) { $0 + Swift.max($1 ?? 0, $1 == nil ? 0 : 1) }
    }

    func deallocate() {
        for p in [g, h, zhat, normalized, mean, rstd, variance, mask] { p?.deallocate() }
    }
}

/// A fixed table of values in raw memory: reading an entry retains nothing (an array stored in
/// a class costs a retain and release per read in the hot loop).
struct PointerTable<T> {
    private let base: UnsafeMutablePointer<T>
    let count: Int

    init(_ values: [T]) {
        count = values.count
        base = .allocate(capacity: Swift.max(1, values.count))
        base.initialize(from: values, count: values.count)
    }

    @inline(__always) subscript(i: Int) -> T { base[i] }

    func deallocate() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
