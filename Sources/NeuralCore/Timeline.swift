#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A trainer's complete state (`Trainer.saveState`): what the next steps depend on.
public struct TrainerState: Sendable {
    let network: Network<Float>
    let settings: TrainingSettings
    let optimizerState: OptimizerState<Float>
    let order: [Int]
    let rng: SeededGenerator
    let shuffles: Int
    let position: Int
    /// Completed epochs.
    public let epoch: Int
    /// Steps taken.
    public let stepCount: Int
    let perceptronMistakes: Int
    let lastEpochMistakes: Int?
    /// Entries of the trainer's settings log when the state was saved.
    let logCount: Int
    /// Mean loss of the last minibatch before the state.
    let lastBatchLoss: Double

    /// Bytes this state holds besides its weights: the optimizer's moments and the order.
    var extraBytes: Int { optimizerState.momentCount * MemoryLayout<Float>.stride + order.count * MemoryLayout<Int>.stride + 128 }
}

/// The state of a run at the end of an epoch, kept for scrubbing back through training: the
/// weights, and the metrics and probes the screens show. Small to copy: the values live in one
/// shared, immutable box.
public struct Checkpoint: Sendable {
    /// Completed epochs.
    public let epoch: Int
    /// Steps taken.
    public let step: Int
    private let values: Values

    private final class Values: Sendable {
        let network: Network<Float>
        let metrics: Metrics
        let probes: [LayerProbe]
        let lastBatchLoss: Double
        let settings: TrainingSettings
        init(network: Network<Float>, metrics: Metrics, probes: [LayerProbe], lastBatchLoss: Double, settings: TrainingSettings) {
            self.network = network
            self.metrics = metrics
            self.probes = probes
            self.lastBatchLoss = lastBatchLoss
            self.settings = settings
        }
    }

    init(epoch: Int, step: Int, network: Network<Float>, metrics: Metrics, probes: [LayerProbe], lastBatchLoss: Double,
         settings: TrainingSettings) {
        self.epoch = epoch
        self.step = step
        values = Values(network: network, metrics: metrics, probes: probes, lastBatchLoss: lastBatchLoss, settings: settings)
    }

    /// The weights.
    public var network: Network<Float> { values.network }
    /// Loss and accuracy at this point.
    public var metrics: Metrics { values.metrics }
    /// The probes of the hidden layers at this point.
    public var probes: [LayerProbe] { values.probes }
    /// Mean loss of the last minibatch before this point.
    public var lastBatchLoss: Double { values.lastBatchLoss }
    /// The settings in force.
    public var settings: TrainingSettings { values.settings }

    /// Bytes of the weights, probes and metrics of a checkpoint of `architecture`.
    static func baseBytes(_ architecture: Architecture) -> Int {
        let units = architecture.hidden.reduce(0) { $0 + $1.units }
        return architecture.parameterCount * MemoryLayout<Float>.stride + units + 400 * Swift.max(1, architecture.hidden.count) + 256
    }
}

/// The checkpoints of one run: one at the end of every epoch while there is room (then at most
/// one every `fullSpacing` steps), thinned so that they stay dense at the start and sparser
/// later (spaced evenly in log(1 + step)). The first and the latest are never thinned. Their memory stays within a budget: `capacity`
/// checkpoints with weights, of which `resumeCapacity` also keep the trainer's whole state
/// (resuming from another replays from the last one before it that does).
public struct Timeline: Sendable {
    /// The default budget (the lab's help states it).
    public static let defaultBudget = 64 << 20
    /// Most checkpoints kept, however small the network.
    public static let maxCapacity = 500
    /// Once the timeline is full, the steps at least between two checkpoints taken at the end
    /// of an epoch (an epoch of the 4-point XOR table is one step: a checkpoint for each would
    /// cost a third of its speed, for checkpoints that the thinning drops at once).
    public static let fullSpacing = 32
    /// The memory budget in bytes.
    public let budget: Int
    /// Most checkpoints kept.
    public let capacity: Int
    /// Most checkpoints that keep the trainer's whole state.
    public let resumeCapacity: Int
    /// The checkpoints, oldest first.
    public private(set) var checkpoints: [Checkpoint] = []
    /// Resuming is possible from this step on (the points were edited at it: the states saved
    /// before were saved on other examples).
    public private(set) var resumableFrom = 0
    /// log(1 + step) of each checkpoint (the thinning compares them).
    private var logs: [Double] = []
    /// The trainer's state at each checkpoint, where kept.
    private var states: [StateBox?] = []
    private let baseBytes: Int

    private final class StateBox: Sendable {
        let state: TrainerState
        init(_ state: TrainerState) { self.state = state }
    }

    /// An empty timeline for `architecture`, a trainer state of `stateBytes` besides the
    /// weights, within `budget` bytes.
    public init(architecture: Architecture, stateBytes: Int, budget: Int = Timeline.defaultBudget) {
        self.budget = budget
        let base = Checkpoint.baseBytes(architecture)
        baseBytes = base
        if (base + stateBytes) * Self.maxCapacity <= budget {
            capacity = Self.maxCapacity
            resumeCapacity = Self.maxCapacity
        } else {
            // Weights for most of the budget, the rest for whole states (at least the first and latest).
            capacity = Swift.max(2, Swift.min(Self.maxCapacity, budget / 8 * 7 / base))
            resumeCapacity = Swift.max(2, Swift.min(capacity, (budget - capacity * base) / Swift.max(1, stateBytes)))
        }
        checkpoints.reserveCapacity(capacity + 1)
        logs.reserveCapacity(capacity + 1)
        states.reserveCapacity(capacity + 1)
    }

    /// Bytes the checkpoints hold now.
    public var bytes: Int {
        checkpoints.count * baseBytes + states.reduce(0) { $0 + ($1?.state.extraBytes ?? 0) }
    }

    /// Checkpoints that keep a whole trainer state.
    public private(set) var resumableCount = 0

    /// True if checkpoint `i` keeps the trainer's whole state.
    public func keepsState(_ i: Int) -> Bool { states[i] != nil }

    /// True if a checkpoint at the end of an epoch at `step` should be taken: always while
    /// there is room, then when `fullSpacing` steps have passed since the latest.
    func wants(step: Int) -> Bool {
        guard checkpoints.count >= capacity, let last = checkpoints.last else { return true }
        return step - last.step >= Self.fullSpacing
    }

    /// Adds `checkpoint` with the trainer's `state` (a later step than the latest; the same
    /// step replaces the latest) and thins the older ones when over capacity.
    mutating func append(_ checkpoint: Checkpoint, state: TrainerState) {
        if let last = checkpoints.last, last.step >= checkpoint.step { removeEntry(checkpoints.count - 1) }
        checkpoints.append(checkpoint)
        logs.append(logStep(checkpoint.step))
        states.append(StateBox(state))
        resumableCount += 1
        if checkpoints.count > capacity, let i = thinningIndex() { removeEntry(i) }
        if resumableCount > resumeCapacity, let i = stateThinningIndex() {
            states[i] = nil
            resumableCount -= 1
        }
    }

    private mutating func removeEntry(_ i: Int) {
        if states[i] != nil { resumableCount -= 1 }
        checkpoints.remove(at: i)
        logs.remove(at: i)
        states.remove(at: i)
    }

    /// The interior entry whose removal leaves the most even spacing in log(1 + step): the one
    /// whose neighbours are closest (ties: the older). Never the first or the last; nil with
    /// fewer than 3. (Every epoch of a 4-point data set is a step: this scan is kept tight.)
    private func thinningIndex() -> Int? {
        logs.withUnsafeBufferPointer { l in
            guard l.count >= 3 else { return nil }
            var best = 1
            var bestGap = l[2] - l[0]
            for i in 2..<l.count - 1 where l[i + 1] - l[i - 1] < bestGap {
                bestGap = l[i + 1] - l[i - 1]
                best = i
            }
            return best
        }
    }

    /// The same among the entries that keep a whole state.
    private func stateThinningIndex() -> Int? {
        var best: Int?
        var bestGap = Double.infinity
        var before = -1, here = -1
        for i in states.indices where states[i] != nil {
            if before >= 0, logs[i] - logs[before] < bestGap {
                bestGap = logs[i] - logs[before]
                best = here
            }
            before = here
            here = i
        }
        return best
    }

    /// Drops the checkpoints after `step`.
    mutating func truncate(after step: Int) {
        while let last = checkpoints.last, last.step > step { removeEntry(checkpoints.count - 1) }
    }

    /// The points changed at `step`: no state saved before it can be resumed on the new ones.
    mutating func examplesChanged(at step: Int) {
        resumableFrom = step
        for i in checkpoints.indices where checkpoints[i].step < step && states[i] != nil {
            states[i] = nil
            resumableCount -= 1
        }
    }

    /// The trainer's whole state at the last checkpoint at or before `step` that keeps one.
    func resumeState(atOrBefore step: Int) -> TrainerState? {
        checkpoints.indices.last { checkpoints[$0].step <= step && states[$0] != nil }.flatMap { states[$0]?.state }
    }
}

extension [Checkpoint] {
    /// The index of the last checkpoint at or before `step` (the first if none is; nil when
    /// there are none): the one a timeline shows for that step.
    public func index(atOrBefore step: Int) -> Int? {
        isEmpty ? nil : lastIndex { $0.step <= step } ?? 0
    }
}

/// log(1 + step): the thinning spaces checkpoints evenly on it.
private func logStep(_ step: Int) -> Double { log(1 + Double(step)) }
