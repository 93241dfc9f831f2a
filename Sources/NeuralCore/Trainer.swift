/// Training settings that may change between steps without touching the weights.
public struct TrainingSettings: Sendable, Hashable {
    /// eta.
    public var learningRate: Double
    /// Examples per minibatch (the whole training set if larger).
    public var batchSize: Int
    /// L1 strength on weights.
    public var l1: Double
    /// L2 strength lambda on weights.
    public var l2: Double
    /// The update rule.
    public var optimizer: Optimizer
    /// Shuffle the training set at the start of every epoch (from the seed); off = file order.
    public var shuffle: Bool

    /// Settings with TensorFlow Playground's defaults unless given.
    public init(learningRate: Double = 0.03, batchSize: Int = 10, l1: Double = 0, l2: Double = 0,
                optimizer: Optimizer = .sgd, shuffle: Bool = true) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.l1 = l1
        self.l2 = l2
        self.optimizer = optimizer
        self.shuffle = shuffle
    }
}

/// The training loop every part of NNLab uses: the lab, `nnlab train`, the lessons, the
/// benchmarks and the tests. Epochs of seeded-shuffled minibatches in float32; a step is one
/// forward, backward and update, and allocates nothing.
///
/// Networks with a step output are trained by the perceptron rule, one example at a time.
public final class Trainer: @unchecked Sendable {
    /// The network being trained.
    public private(set) var network: Network<Float>
    /// The training examples.
    public private(set) var train: Examples<Float>
    /// The settings; learning rate and regularisation apply from the next step. A new
    /// optimizer starts with fresh momentum; the weights stay.
    public var settings: TrainingSettings {
        didSet {
            if settings.optimizer != oldValue.optimizer {
                optimizerState = OptimizerState(optimizer: settings.optimizer, parameterCount: network.parameters.count)
            }
            if settings.batchSize != oldValue.batchSize {
                batchSize = Swift.min(Swift.max(settings.batchSize, 1), exampleCount)
                resizeWorkspace()
            }
            if settings != oldValue && !restoring { settingsLog.append((stepCount, settings)) }
        }
    }
    /// Every change of the settings and the step count it was made at (a replay from a saved
    /// state makes the same changes at the same steps).
    public private(set) var settingsLog: [(step: Int, settings: TrainingSettings)] = []
    /// Set while `restore` puts the saved settings back (not a change to log).
    private var restoring = false
    /// Completed epochs.
    public private(set) var epoch = 0
    /// Steps (updates) taken.
    public private(set) var stepCount = 0
    /// Position in the current epoch's order.
    public private(set) var position = 0
    /// Mean loss of the last minibatch (before its update), NaN before the first step.
    /// Computed when asked, from the forward values the step left in the workspace (they do
    /// not depend on the update), so steps nobody looks at do not pay for it.
    public var lastBatchLoss: Double {
        if let cached = cachedBatchLoss { return cached }
        guard stepCount > 0, workspace.m > 0 else { return .nan }
        let loss = network.computeLoss(workspace) / Double(workspace.m)
        cachedBatchLoss = loss
        return loss
    }
    private var cachedBatchLoss: Double?
    /// Cores the kernels may use (1 or 2).
    public var threads = 1 {
        didSet { workspace.threads = threads }
    }
    /// Mistakes in the current perceptron epoch so far.
    public private(set) var perceptronMistakes = 0
    /// Mistakes in the last complete perceptron epoch (0 means converged).
    public private(set) var lastEpochMistakes: Int?

    private var order: [Int]
    private var rng: SeededGenerator
    /// The seed of dropout's masks (each step's masks are a function of it and the step).
    private let dropoutSeed: UInt64
    /// Which batch the workspace holds: its start, size, and how many shuffles ago.
    private struct BatchKey: Equatable {
        let start: Int, count: Int, shuffles: Int
    }
    private var loadedBatch: BatchKey?
    private var shuffles = 0
    private var optimizerState: OptimizerState<Float>
    /// The buffers of one minibatch.
    public private(set) var workspace: Workspace<Float>

    /// A trainer for `network` on `train`; the shuffles come from `seed`. Throws unless there
    /// are examples and they fit the network.
    public init(network: Network<Float>, train: Examples<Float>, settings: TrainingSettings, seed: UInt64) throws {
        guard train.count > 0 else { throw NNLabError("there are no training examples") }
        if let problem = train.incompatibility(with: network.architecture) { throw NNLabError(problem) }
        self.network = network
        self.train = train
        self.settings = settings
        self.exampleCount = train.count
        self.batchSize = Swift.min(Swift.max(settings.batchSize, 1), train.count)
        self.usesPerceptronRule = network.architecture.usesPerceptronRule
        self.order = Array(0..<train.count)
        self.rng = SeededGenerator(seed: seed, stream: "shuffle")
        self.optimizerState = OptimizerState(optimizer: settings.optimizer, parameterCount: network.parameters.count)
        self.workspace = Workspace(unchecked: network.architecture, capacity: Swift.min(Swift.max(settings.batchSize, 1), train.count))
        var dropoutGenerator = SeededGenerator(seed: seed, stream: "dropout")
        self.dropoutSeed = dropoutGenerator.next()
        workspace.storesPreActivations = false
        workspace.mode = .training(dropoutSeed: dropoutSeed)
        startEpoch()
    }

    /// Examples in a full minibatch (the batch size, at most the whole training set).
    public private(set) var batchSize: Int
    /// Training examples (stored: the step must not divide to count them).
    private var exampleCount: Int
    /// True for networks trained by the perceptron rule.
    private let usesPerceptronRule: Bool

    /// Steps in one epoch.
    public var stepsPerEpoch: Int { (exampleCount + batchSize - 1) / batchSize }
    /// Steps taken in the current epoch (its examples so far over the minibatch size).
    public var stepsIntoEpoch: Int { (position + batchSize - 1) / Swift.max(1, batchSize) }

    /// One minibatch: forward, backward, update.
    public func step() {
        let m = Swift.min(batchSize, exampleCount &- position)
        if usesPerceptronRule {
            let slice = Array(order[position..<position + m])
            let evaluation = network.evaluate(train.subset(slice))
            perceptronMistakes += network.perceptronEpoch(train, order: slice, learningRate: settings.learningRate)
            cachedBatchLoss = evaluation.meanLoss
        } else {
            // The same examples in the same order as last time (file order, whole set as one
            // batch) are already in the workspace.
            let key = BatchKey(start: position, count: m, shuffles: shuffles)
            // The trainer holds the workspace strongly; borrowing it through an unmanaged
            // reference saves a retain and release per step (5% of a tiny network's step).
            Unmanaged.passUnretained(workspace)._withUnsafeGuaranteedRef { ws in
                if key != loadedBatch {
                    order.withUnsafeBufferPointer { ws.load(train, order: $0, start: position, count: m) }
                    loadedBatch = key
                }
                if ws.hasParts { ws.dropoutStep = UInt64(stepCount) }
                _ = network.trainStep(ws, optimizer: &optimizerState, learningRate: settings.learningRate,
                                      l1: Float(settings.l1), l2: Float(settings.l2), wantLoss: false)
            }
            cachedBatchLoss = nil
        }
        stepCount &+= 1
        position &+= m
        if position >= exampleCount {
            epoch += 1
            if usesPerceptronRule {
                lastEpochMistakes = perceptronMistakes
            }
            startEpoch()
        }
    }

    /// Takes `steps` steps.
    public func run(steps: Int) {
        for _ in 0..<steps { step() }
    }

    /// Steps until the current epoch is complete.
    public func runEpoch() {
        let target = epoch + 1
        while epoch < target { step() }
    }

    /// ||Delta W(l)|| per layer of the last update (nil before the first step and for the
    /// perceptron rule). Valid until the next step.
    public func lastUpdateNorms() -> [Double]? {
        guard stepCount > 0, !usesPerceptronRule, optimizerState.steps > 0 else { return nil }
        return optimizerState.updateNorms(shapes: network.shapes, gradient: workspace.gradient, learningRate: settings.learningRate)
    }

    /// Trains on `newTrain` from the next step (a student added or removed points): the weights,
    /// the optimizer's state, the settings and the epoch count stay; a new pass over the new
    /// examples begins. Throws unless there are examples that fit the network.
    public func replaceExamples(_ newTrain: Examples<Float>) throws {
        guard newTrain.count > 0 else { throw NNLabError("there are no training examples") }
        if let problem = newTrain.incompatibility(with: network.architecture) { throw NNLabError(problem) }
        train = newTrain
        exampleCount = newTrain.count
        batchSize = Swift.min(Swift.max(settings.batchSize, 1), exampleCount)
        order = Array(0..<exampleCount)
        resizeWorkspace()
        startEpoch()
    }

    /// Replaces the weights (same architecture), keeping the settings and the position.
    public func replaceNetwork(_ newNetwork: Network<Float>) {
        require(newNetwork.architecture == network.architecture)
        network = newNetwork
        optimizerState = OptimizerState(optimizer: settings.optimizer, parameterCount: network.parameters.count)
    }

    /// Everything the next steps depend on, copied: the weights, the optimizer's moments, the
    /// epoch's order and the shuffle generator, the counters and the settings. `restore`
    /// brings a trainer back to it and the steps that follow are the same, bit for bit.
    public func saveState() -> TrainerState {
        TrainerState(network: network.copied(), settings: settings, optimizerState: optimizerState.copied(),
                     order: order.withUnsafeBufferPointer { Array($0) }, rng: rng, shuffles: shuffles, position: position,
                     epoch: epoch, stepCount: stepCount, perceptronMistakes: perceptronMistakes,
                     lastEpochMistakes: lastEpochMistakes, logCount: settingsLog.count, lastBatchLoss: lastBatchLoss)
    }

    /// Brings the trainer back to `state` (saved from this trainer on the same examples) and
    /// forgets the settings changes made after it.
    public func restore(_ state: TrainerState) {
        require(state.order.count == exampleCount && state.network.architecture == network.architecture,
                "a trainer state saved on other examples or another network")
        restoring = true
        settings = state.settings
        restoring = false
        network = state.network.copied()
        optimizerState = state.optimizerState.copied()
        order = state.order.withUnsafeBufferPointer { Array($0) }
        rng = state.rng
        shuffles = state.shuffles
        position = state.position
        epoch = state.epoch
        stepCount = state.stepCount
        perceptronMistakes = state.perceptronMistakes
        lastEpochMistakes = state.lastEpochMistakes
        batchSize = Swift.min(Swift.max(settings.batchSize, 1), exampleCount)
        resizeWorkspace()
        // The new workspace holds no batch: the loss of the last one is the saved one.
        cachedBatchLoss = state.lastBatchLoss
        settingsLog.removeSubrange(Swift.min(state.logCount, settingsLog.count)...)
    }

    /// From a state just restored, steps on to step `target`, making the settings changes the
    /// original run made (those logged after the state was saved) at the same steps. The
    /// changes made at `target` itself are later history and are dropped.
    public func replay(to target: Int, changes: [(step: Int, settings: TrainingSettings)]) {
        var next = 0
        while stepCount < target {
            while next < changes.count, changes[next].step <= stepCount {
                settings = changes[next].settings
                next += 1
            }
            step()
        }
    }

    private func startEpoch() {
        position = 0
        perceptronMistakes = 0
        if settings.shuffle {
            rng.shuffle(&order)
            shuffles += 1
        }
    }

    private func resizeWorkspace() {
        workspace = Workspace(unchecked: network.architecture, capacity: batchSize)
        workspace.storesPreActivations = false
        workspace.mode = .training(dropoutSeed: dropoutSeed)
        workspace.threads = threads
        loadedBatch = nil
    }
}
