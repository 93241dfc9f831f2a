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

    /// Bytes this state holds besides its weights: the optimizer's moments and the order.
    var extraBytes: Int { optimizerState.momentCount * MemoryLayout<Float>.stride + order.count * MemoryLayout<Int>.stride + 128 }
}

/// The state of a run at the end of an epoch, kept for scrubbing back through training: the
/// weights, the metrics and probes the screens show, and (for some) the trainer's whole state,
/// from which training can resume.
public struct Checkpoint: Sendable {
    /// Completed epochs.
    public let epoch: Int
    /// Steps taken.
    public let step: Int
    /// The weights.
    public let network: Network<Float>
    /// Loss and accuracy at this point.
    public let metrics: Metrics
    /// The probes of the hidden layers at this point.
    public let probes: [LayerProbe]
    /// Mean loss of the last minibatch before this point.
    public let lastBatchLoss: Double
    /// The settings in force.
    public let settings: TrainingSettings
    /// The trainer's state, for resuming (nil once thinned away: resuming then replays from an
    /// earlier checkpoint that has one).
    public internal(set) var resume: TrainerState?

    /// Bytes of the weights, probes and metrics.
    var baseBytes: Int { Self.baseBytes(network.architecture) }

    static func baseBytes(_ architecture: Architecture) -> Int {
        let units = architecture.hidden.reduce(0) { $0 + $1.units }
        return architecture.parameterCount * MemoryLayout<Float>.stride + units + 400 * Swift.max(1, architecture.hidden.count) + 256
    }
}

/// The checkpoints of one run: one at the end of every epoch while there is room, then thinned
/// so that they stay dense at the start and sparser later (spaced evenly in log(step)). The
/// first and the latest are never thinned. Their memory stays within a budget: `capacity`
/// checkpoints with weights, of which `resumeCapacity` also keep the trainer's whole state.
public struct Timeline: Sendable {
    /// The default budget (the lab's help states it).
    public static let defaultBudget = 64 << 20
    /// Most checkpoints kept, however small the network.
    public static let maxCapacity = 500
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

    /// An empty timeline for `architecture`, a trainer state of `stateBytes` besides the
    /// weights, within `budget` bytes.
    public init(architecture: Architecture, stateBytes: Int, budget: Int = Timeline.defaultBudget) {
        self.budget = budget
        let base = Checkpoint.baseBytes(architecture)
        if (base + stateBytes) * Self.maxCapacity <= budget {
            capacity = Self.maxCapacity
            resumeCapacity = Self.maxCapacity
        } else {
            // Weights for most of the budget, the rest for full states (at least the first and latest).
            capacity = Swift.max(2, Swift.min(Self.maxCapacity, budget / 8 * 7 / base))
            resumeCapacity = Swift.max(2, Swift.min(capacity, (budget - capacity * base) / Swift.max(1, stateBytes)))
        }
    }

    /// Bytes the checkpoints hold now.
    public var bytes: Int {
        checkpoints.reduce(0) { $0 + $1.baseBytes + ($1.resume?.extraBytes ?? 0) }
    }

    /// Checkpoints that keep a whole trainer state.
    public var resumableCount: Int { checkpoints.reduce(0) { $0 + ($1.resume == nil ? 0 : 1) } }

    /// Adds `checkpoint` (a later step than the latest; the same step replaces the latest) and
    /// thins the older ones when over capacity.
    mutating func append(_ checkpoint: Checkpoint) {
        if let last = checkpoints.last, last.step >= checkpoint.step { checkpoints.removeLast() }
        checkpoints.append(checkpoint)
        if checkpoints.count > capacity, let i = Self.thinningIndex(checkpoints.map(\.step)) { checkpoints.remove(at: i) }
        let resumable = checkpoints.indices.filter { checkpoints[$0].resume != nil }
        if resumable.count > resumeCapacity, let j = Self.thinningIndex(resumable.map { checkpoints[$0].step }) {
            checkpoints[resumable[j]].resume = nil
        }
    }

    /// The interior entry whose removal leaves the most even spacing in log(1 + step): the one
    /// whose neighbours are closest; nil with fewer than 3 entries. Never the first or the last.
    static func thinningIndex(_ steps: [Int]) -> Int? {
        guard steps.count >= 3 else { return nil }
        var best = 1
        var bestGap = Double.infinity
        var before = log1p(Double(steps[0]))
        var here = log1p(Double(steps[1]))
        for i in 1..<steps.count - 1 {
            let after = log1p(Double(steps[i + 1]))
            // Ties go to the older entry: the oldest are thinned first.
            if after - before < bestGap {
                bestGap = after - before
                best = i
            }
            before = here
            here = after
        }
        return best
    }

    /// Drops the checkpoints after `step`.
    mutating func truncate(after step: Int) {
        while let last = checkpoints.last, last.step > step { checkpoints.removeLast() }
    }

    /// The points changed at `step`: no state saved before it can be resumed on the new ones.
    mutating func examplesChanged(at step: Int) {
        resumableFrom = step
        for i in checkpoints.indices where checkpoints[i].step < step { checkpoints[i].resume = nil }
    }

    /// The last checkpoint at or before `step` that keeps a whole trainer state.
    func resumePoint(atOrBefore step: Int) -> Checkpoint? {
        checkpoints.last { $0.step <= step && $0.resume != nil }
    }

    /// The index of the last checkpoint at or before `step` (0 if none).
    public func index(atOrBefore step: Int) -> Int {
        checkpoints.lastIndex { $0.step <= step } ?? 0
    }
}
