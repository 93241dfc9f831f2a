import Formatting
/// Where a session's data comes from.
public enum DataSource: Hashable, Sendable {
    /// A generated toy data set.
    case generated(DatasetSpec)
    /// A user's CSV file (x1,x2,label or x,y).
    case file(String)
}

/// Everything that defines a training run: data, features, network and settings.
public struct SessionConfiguration: Hashable, Sendable {
    /// The data.
    public var data: DataSource
    /// Share of the points used for training (0.1...0.9); the rest is the test set.
    public var trainRatio: Double
    /// Input features (for 2-D data).
    public var features: FeatureSet
    /// Hidden layers (empty: a single layer of output neurons).
    public var hidden: [HiddenLayer]
    /// The output activation; nil picks logistic for 2 classes, softmax for more, identity for
    /// regression.
    public var output: OutputActivation?
    /// The loss; nil picks the output's natural loss.
    public var loss: Loss?
    /// Weight initialisation; nil picks He for the ReLU family, Glorot otherwise.
    public var weightInit: WeightInit?
    /// Every bias starts at this value (the lecture suggests 0.1 for ReLU).
    public var biasInit: Double
    /// Learning rate, batch size, regularisation, optimizer.
    public var settings: TrainingSettings
    /// Seed of the weights, the split and the shuffles.
    public var seed: UInt64
    /// Hand-set parameters in the model file's order (W(1) row by row, b(1), W(2), ...); nil
    /// draws the weights from the seed.
    public var initialWeights: [Double]?
    /// The decision threshold of a single logistic output: class 1 when a > threshold (0.5:
    /// equal misclassification costs, the perceptron's decision). Training does not see it.
    public var threshold = 0.5
    /// The share of all points held out as a validation set (0: none): taken from the points
    /// that are not for training, so the training share stays; early stopping is chosen on
    /// it, and the test set measures the result.
    public var validationRatio = 0.0

    /// A configuration; unspecified parts take the defaults described on each property.
    public init(data: DataSource, trainRatio: Double = 0.5, features: FeatureSet = .plain, hidden: [HiddenLayer],
                output: OutputActivation? = nil, loss: Loss? = nil, weightInit: WeightInit? = nil, biasInit: Double = 0,
                settings: TrainingSettings = TrainingSettings(), seed: UInt64 = 1) {
        self.data = data
        self.trainRatio = trainRatio
        self.features = features
        self.hidden = hidden
        self.output = output
        self.loss = loss
        self.weightInit = weightInit
        self.biasInit = biasInit
        self.settings = settings
        self.seed = seed
    }

    /// The same run with another seed: the weights, the split, the shuffles and a generated
    /// data set's points all come from `seed`.
    public mutating func reseed(_ seed: UInt64) {
        self.seed = seed
        if case .generated(var spec) = data {
            spec.seed = seed
            data = .generated(spec)
        }
    }

    /// Loads or generates the data set.
    public func loadDataset() throws -> Dataset {
        switch data {
        case .generated(let spec):
            try spec.validate()
            return Dataset.generate(spec)
        case .file(let path):
            return try Dataset.load(csv: path)
        }
    }

    /// The architecture for `dataset`.
    public func architecture(for dataset: Dataset) -> Architecture {
        let outputs: Int
        let chosen: OutputActivation
        switch dataset.targets {
        case .values(_, let width):
            outputs = width
            chosen = output ?? .identity
        case .classes(_, let k):
            chosen = output ?? (k > 2 ? .softmax : .logistic)
            outputs = (chosen == .softmax || k > 2) ? k : 1
        }
        return Architecture(inputs: features.inputCount(dimension: dataset.dimension), hidden: hidden,
                            outputs: outputs, output: chosen, loss: loss)
    }

    /// Throws a message naming the first setting out of range.
    public func validate() throws {
        guard (0.1...0.9).contains(trainRatio) else {
            throw NNLabError("the training share must be between 10% and 90%, found \(NumberFormat.short(trainRatio * 100))%")
        }
        guard validationRatio >= 0, validationRatio <= 0.5, trainRatio + validationRatio <= 0.9 else {
            throw NNLabError("the validation share must be 0 to 50%, leaving at least 10% for testing, found \(NumberFormat.short(validationRatio * 100))%")
        }
        guard settings.learningRate.isFinite, settings.learningRate > 0 else {
            throw NNLabError("the learning rate must be greater than 0, found \(NumberFormat.short(settings.learningRate))")
        }
        guard settings.batchSize >= 1 else { throw NNLabError("the batch size must be at least 1, found \(settings.batchSize)") }
        guard settings.l1 >= 0, settings.l1.isFinite, settings.l2 >= 0, settings.l2.isFinite else {
            throw NNLabError("regularisation strengths must be 0 or more")
        }
        guard biasInit.isFinite, Swift.abs(biasInit) <= 100 else {
            throw NNLabError("the initial bias must be between -100 and 100, found \(NumberFormat.short(biasInit))")
        }
    }
}

/// Loss and accuracy on the training and test sets at one moment.
public struct Metrics: Sendable, Equatable {
    /// Completed epochs.
    public var epoch: Int
    /// Steps taken.
    public var step: Int
    /// On the training set.
    public var train: Evaluation
    /// On the test set (nil when there is none).
    public var test: Evaluation?
    /// On the validation set (nil when there is none).
    public var validation: Evaluation? = nil
    /// The training objective: mean training loss plus the regularisation terms.
    public var objective: Double
}

/// One training run: the data split, features, network, trainer, history and probes. The
/// lab, `nnlab train`, the lessons and the tests all train through this type.
public final class TrainingSession: @unchecked Sendable {
    /// The run's definition.
    public let configuration: SessionConfiguration
    /// All the points.
    public private(set) var dataset: Dataset
    /// Indices of the training points in `dataset`.
    public private(set) var trainIndices: [Int]
    /// Indices of the test points in `dataset`.
    public private(set) var testIndices: [Int]
    /// Indices of the validation points (taken from the non-training points; empty without
    /// a validation share).
    public private(set) var validationIndices: [Int] = []
    /// The validation examples.
    public private(set) var validation: Examples<Float>
    /// The training examples (features computed).
    public private(set) var train: Examples<Float>
    /// The test examples.
    public private(set) var test: Examples<Float>
    /// The network's shape.
    public let architecture: Architecture
    /// The training loop.
    public let trainer: Trainer
    /// The weights before the first step (for "reset").
    public let initialNetwork: Network<Float>
    /// Metrics at the end of every epoch (and at epoch 0).
    public private(set) var history: [Metrics] = []
    /// Probes at the end of every epoch (and at epoch 0).
    public private(set) var probeHistory: [[LayerProbe]] = []
    /// Why training stopped by itself ("loss became NaN at epoch 12: ..."), or nil.
    public private(set) var divergence: String?
    /// The checkpoints for scrubbing back (nil until `keepCheckpoints` turns them on: the lab
    /// keeps them, the headless commands do not pay for them).
    public private(set) var timeline: Timeline?
    /// The last resume from a checkpoint: the epoch resumed at and the epochs dropped.
    public private(set) var rewind: Rewind?

    /// Where training last resumed from an earlier checkpoint, and how much later history went.
    public struct Rewind: Sendable, Equatable {
        /// The epoch training went back to.
        public var epoch: Int
        /// The step it went back to.
        public var step: Int
        /// Epochs of later history dropped.
        public var droppedEpochs: Int
    }

    private var prober: Prober
    private var lastGood: Network<Float>
    /// The minibatch losses of recent steps (every step of the first 64, then every 16th),
    /// in a ring allocated once: after a divergence the chart shows the climb within the
    /// epoch that diverged, which the per-epoch history does not have.
    private var recentSteps = [Int](repeating: -1, count: 48)
    private var recentLosses = [Double](repeating: .nan, count: 48)
    private var recentNext = 0

    /// The finite minibatch losses recorded after the last complete epoch, as (fractional
    /// epoch, loss), oldest first: the climb to a divergence.
    public var climb: [(epoch: Double, loss: Double)] {
        let perEpoch = Double(Swift.max(1, trainer.stepsPerEpoch))
        let since = trainer.stepCount - trainer.stepsIntoEpoch
        return zip(recentSteps, recentLosses).filter { $0.0 > since && $0.0 <= trainer.stepCount && $0.1.isFinite }.sorted { $0.0 < $1.0 }
            .map { (Double(trainer.epoch) + Double($0.0 - since) / perEpoch, $0.1) }
    }

    /// ||grad W(l)|| of every layer (W(1) first) on the examples the probes use: what the lab's
    /// layer panel shows, so a lesson's claim and the lab measure the same thing.
    public func gradientNorms() -> [Double] { prober.gradientNorms(network) }

    /// A session for `configuration`; continues from `model` if given (its architecture must
    /// fit the data and features). Throws a message on bad settings or data.
    public init(_ configuration: SessionConfiguration, model: Network<Float>? = nil, dataset preloaded: Dataset? = nil,
                split: (train: [Int], test: [Int])? = nil) throws {
        try configuration.validate()
        let dataset = try preloaded ?? configuration.loadDataset()
        var architecture = configuration.architecture(for: dataset)
        if let model {
            let m = model.architecture
            guard m.inputs == architecture.inputs else {
                throw NNLabError("the model has \(m.inputs) inputs but the features give \(architecture.inputs) (\(configuration.features))")
            }
            architecture = m
        }
        self.configuration = configuration
        self.dataset = dataset
        self.architecture = architecture
        (trainIndices, testIndices) = split ?? dataset.split(trainRatio: configuration.trainRatio, seed: configuration.seed)
        guard !trainIndices.isEmpty, (trainIndices + testIndices).allSatisfy({ (0..<dataset.count).contains($0) }) else {
            throw NNLabError("the training set is empty")
        }
        (validationIndices, testIndices) = Self.holdOut(testIndices, train: trainIndices, ratio: configuration.validationRatio, of: dataset.count)
        train = dataset.examples(trainIndices, features: configuration.features)
        test = dataset.examples(testIndices, features: configuration.features)
        validation = dataset.examples(validationIndices, features: configuration.features)
        // Data against network first: "regression needs an identity output" says more than
        // the architecture's own complaint would.
        if let problem = train.incompatibility(with: architecture) { throw NNLabError(problem) }
        try architecture.validate()
        let bytes = Self.estimatedBytes(architecture, train: train.count, test: test.count, batch: configuration.settings.batchSize)
        guard bytes <= Limits.maxTrainingBytes else {
            throw NNLabError("this run would need about \(FileIO.describeBytes(bytes)) of memory (\(architecture.parameterCount) parameters, "
                             + "batches of \(Swift.min(configuration.settings.batchSize, train.count)) examples); the limit is "
                             + "\(FileIO.describeBytes(Limits.maxTrainingBytes)): use a smaller batch, fewer points or fewer units")
        }
        let network: Network<Float>
        if let model {
            network = model
        } else if let weights = configuration.initialWeights {
            guard weights.count == architecture.parameterCount else {
                throw NNLabError("the hand-set weights are \(weights.count) numbers, but the network \(architecture) has \(architecture.parameterCount) parameters")
            }
            network = try Network<Float>(architecture: architecture, parameters: weights.map { Float($0) })
        } else {
            network = try Network<Float>(architecture: architecture, weightInit: configuration.weightInit,
                                         biasInit: configuration.biasInit, seed: configuration.seed)
        }
        initialNetwork = network
        lastGood = network
        trainer = try Trainer(network: network, train: train, settings: configuration.settings, seed: configuration.seed)
        prober = Prober(architecture: architecture, train: train)
        recordEpoch()
        checkStart()
    }

    /// The network being trained.
    public var network: Network<Float> { trainer.network }

    /// About how many bytes a session allocates: the training batch's buffers, the evaluation
    /// and probe buffers, the examples, and the copies of the weights and the optimizer's
    /// state. Computed from the shapes before anything is allocated.
    public static func estimatedBytes(_ architecture: Architecture, train: Int, test: Int, batch: Int) -> Int {
        let float = MemoryLayout<Float>.stride
        var bytes = Workspace<Float>.bytes(architecture: architecture, capacity: Swift.max(1, Swift.min(batch, train)))
        let chunk = Workspace<Float>.chunk(for: architecture)
        bytes += 2 * Workspace<Float>.bytes(architecture: architecture, capacity: Swift.max(1, Swift.min(Swift.max(train, test), chunk)))
        bytes += (train + test) * (architecture.inputs + architecture.outputs) * float
        // The weights (initial, last finite, training, published), the optimizer's two moments.
        bytes += 6 * architecture.parameterCount * float
        return bytes
    }

    /// True once training has diverged (further steps are refused).
    public var hasDiverged: Bool { divergence != nil }

    /// The latest metrics (end of the last epoch; epoch 0 before training). Never empty: the
    /// history keeps its first entry even when that is not finite.
    public var metrics: Metrics { history[history.count - 1] }

    /// One step; at the end of an epoch also evaluates, records history and checks for
    /// divergence. Returns false if training has diverged.
    @discardableResult
    public func step() -> Bool {
        guard divergence == nil else { return false }
        let epochBefore = trainer.epoch
        trainer.step()
        let n = trainer.stepCount
        if n < 64 || n & 15 == 0 {
            recentSteps[recentNext] = n
            recentLosses[recentNext] = trainer.lastBatchLoss
            recentNext = (recentNext + 1) % recentSteps.count
        }
        // A NaN or infinite gradient reaches the weights in the same step: stop at once, so
        // nothing downstream ever sees a non-finite weight.
        if let tensor = trainer.network.nonFiniteTensor() {
            diverge("\(tensor) became NaN or infinite")
            return false
        }
        if trainer.epoch != epochBefore { finishEpoch() }
        return divergence == nil
    }

    /// Checks the last minibatch's loss now (between epoch ends, which always check); a
    /// screen calls this before drawing. Returns false if training has diverged.
    @discardableResult
    public func checkDivergence() -> Bool {
        guard divergence == nil else { return false }
        let loss = trainer.lastBatchLoss
        if trainer.stepCount > 0 && !loss.isFinite {
            diverge(loss.isNaN ? "loss became NaN" : "loss became infinite")
        }
        return divergence == nil
    }

    /// Steps to the end of the current epoch. Returns false if training diverged.
    @discardableResult
    public func runEpoch() -> Bool {
        runEpoch(tick: nil) != .diverged
    }

    /// How `runEpoch(tick:)` ended.
    public enum EpochEnd: Sendable {
        /// The epoch is complete.
        case finished
        /// Training diverged (see `divergence`).
        case diverged
        /// `tick` asked to stop before the end of the epoch.
        case stopped
    }

    /// Steps to the end of the current epoch, calling `tick` every 256 steps (for progress
    /// lines and Ctrl-C in epochs that take long); stops early when `tick` returns false.
    public func runEpoch(tick: (() -> Bool)?) -> EpochEnd {
        let target = trainer.epoch + 1
        var steps = 0
        while trainer.epoch < target {
            if !step() { return .diverged }
            steps &+= 1
            if steps & 255 == 0, let tick, !tick() { return .stopped }
        }
        return .finished
    }

    /// The validation points: the first `ratio` of all `count` points from the non-training
    /// ones (which the split has shuffled), the rest stay for testing. None when the truth
    /// table trains and tests on the same points or when `ratio` is 0.
    static func holdOut(_ rest: [Int], train: [Int], ratio: Double, of count: Int) -> (validation: [Int], test: [Int]) {
        guard ratio > 0, rest != train, rest.count >= 2 else { return ([], rest) }
        let k = Swift.min(rest.count - 1, Swift.max(1, Int((Double(count) * ratio).rounded())))
        return (Array(rest.prefix(k)), Array(rest.dropFirst(k)))
    }

    /// Trains on other points from the next step (the lab's data editing): the weights, the
    /// optimizer, the epoch count and the history stay; the latest metrics are measured again
    /// on the new points. Throws (and changes nothing) unless there is a training point and the
    /// points fit the network.
    public func replaceData(_ newDataset: Dataset, train newTrain: [Int], test newTest: [Int]) throws {
        guard !newTrain.isEmpty else { throw NNLabError("the training set would be empty") }
        guard newDataset.dimension == dataset.dimension, (newTrain + newTest).allSatisfy({ (0..<newDataset.count).contains($0) }) else {
            throw NNLabError("the new points do not fit this data set")
        }
        let trainExamples: Examples<Float> = newDataset.examples(newTrain, features: configuration.features)
        if let problem = trainExamples.incompatibility(with: architecture) { throw NNLabError(problem) }
        try trainer.replaceExamples(trainExamples)
        dataset = newDataset
        trainIndices = newTrain
        (validationIndices, testIndices) = Self.holdOut(newTest, train: newTrain, ratio: configuration.validationRatio, of: newDataset.count)
        train = trainExamples
        test = newDataset.examples(testIndices, features: configuration.features)
        validation = newDataset.examples(validationIndices, features: configuration.features)
        prober = Prober(architecture: architecture, train: train)
        history[history.count - 1] = evaluate()
        probeHistory[probeHistory.count - 1] = probes()
        timeline?.examplesChanged(at: trainer.stepCount)
        recordCheckpoint()
    }

    /// Evaluates on the training and test sets now.
    public func evaluate() -> Metrics {
        let net = trainer.network
        let t = configuration.threshold
        let trainEval = net.evaluate(train, workspace: evaluationWorkspace, threshold: t)
        let testEval = test.count > 0 && testIndices != trainIndices ? net.evaluate(test, workspace: evaluationWorkspace, threshold: t) : nil
        let validationEval = validation.count > 0 ? net.evaluate(validation, workspace: evaluationWorkspace, threshold: t) : nil
        let penalty = net.regularizationPenalty(l1: trainer.settings.l1, l2: trainer.settings.l2)
        return Metrics(epoch: trainer.epoch, step: trainer.stepCount, train: trainEval, test: testEval,
                       validation: validationEval, objective: trainEval.meanLoss + penalty)
    }

    /// The probes of the current network.
    public func probes() -> [LayerProbe] {
        prober.probe(trainer.network, updateNorms: trainer.lastUpdateNorms())
    }

    /// Evaluation goes in chunks of about 2 MB of buffers (a wide network's buffers for 4096
    /// examples would take 34 MB).
    private lazy var evaluationWorkspace = Workspace<Float>(unchecked: architecture,
                                                            capacity: Swift.min(Swift.max(train.count, test.count, 1), Workspace<Float>.chunk(for: architecture)))

    private func finishEpoch() {
        guard checkDivergence() else { return }
        recordEpoch()
        let first = history[0].train.meanLoss
        let now = metrics.train.meanLoss
        let test = metrics.test?.meanLoss ?? 0
        if !now.isFinite {
            diverge(now.isNaN ? "the training loss became NaN" : "the training loss became infinite")
        } else if !test.isFinite {
            diverge(test.isNaN ? "the test loss became NaN" : "the test loss became infinite")
        } else if now > 1e4 * Swift.max(first, 1e-2) {
            diverge("the loss exploded from \(NumberFormat.loss(first)) to \(NumberFormat.loss(now))")
        } else {
            lastGood = trainer.network
            if timeline?.wants(step: trainer.stepCount) == true { recordCheckpoint() }
        }
    }

    // MARK: Checkpoints

    /// Keeps checkpoints from now on, within `budget` bytes, starting with one of the state now.
    public func keepCheckpoints(budget: Int = Timeline.defaultBudget) {
        let state = trainer.saveState()
        timeline = Timeline(architecture: architecture, stateBytes: state.extraBytes, budget: budget)
        recordCheckpoint(state)
    }

    /// Adds a checkpoint of the state now (the latest metrics and probes) to the timeline.
    private func recordCheckpoint(_ saved: TrainerState? = nil) {
        guard timeline != nil else { return }
        let state = saved ?? trainer.saveState()
        // The saved weights are a copy: the last good weights can share it, and the training
        // arena stays the only reference to its own (the next step copies nothing).
        lastGood = state.network
        timeline!.append(Checkpoint(epoch: trainer.epoch, step: trainer.stepCount, network: state.network, metrics: metrics,
                                    probes: probeHistory.last ?? [], lastBatchLoss: trainer.lastBatchLoss, settings: trainer.settings),
                         state: state)
    }

    /// Goes back to step `step` (a checkpoint's, or on the compare screen another network's):
    /// the trainer's state is restored from the last checkpoint at or before it that keeps one,
    /// and the steps between are taken again with the settings changes made then, so training
    /// continues exactly as it did from there. The history and checkpoints after it are
    /// dropped. Throws if the points were edited after that step or there is no timeline.
    public func resume(atStep step: Int) throws {
        guard let timeline else { throw NNLabError("this run keeps no checkpoints") }
        guard step >= timeline.resumableFrom else {
            throw NNLabError("the points were edited after that checkpoint: resume from one after the edit")
        }
        guard step <= trainer.stepCount, let saved = timeline.resumeState(atOrBefore: step) else {
            throw NNLabError("there is no checkpoint at or before step \(step)")
        }
        // The losses recorded after that step belong to the history dropped.
        for i in recentSteps.indices where recentSteps[i] > step {
            recentSteps[i] = -1
            recentLosses[i] = .nan
        }
        let epochBefore = trainer.epoch
        let changes = Array(trainer.settingsLog[Swift.min(saved.logCount, trainer.settingsLog.count)...].prefix { $0.step < step })
        trainer.restore(saved)
        trainer.replay(to: step, changes: changes)
        let kept = history.prefix { $0.step <= step }.count
        history.removeSubrange(Swift.max(1, kept)...)
        probeHistory.removeSubrange(Swift.max(1, kept)...)
        // A long run's history is thinned: it ends at the checkpoint gone back to all the same.
        if history[history.count - 1].step != step, let exact = timeline.checkpoints.last(where: { $0.step == step }) {
            history.append(exact.metrics)
            probeHistory.append(exact.probes)
        }
        self.timeline!.truncate(after: step)
        divergence = nil
        lastGood = trainer.network
        recordCheckpoint()
        rewind = Rewind(epoch: trainer.epoch, step: step, droppedEpochs: epochBefore - trainer.epoch)
    }

    /// Refuses to start from a network whose outputs are not finite numbers before any step
    /// (initial weights or inputs too large for float32): nothing could be learned.
    private func checkStart() {
        let m = history[0]
        let losses = [m.train.meanLoss, m.test?.meanLoss ?? 0]
        guard losses.contains(where: { !$0.isFinite }) || !trainer.network.isFinite else { return }
        let scheme = configuration.weightInit ?? .default(for: architecture)
        divergence = "the loss is not a finite number before training (epoch 0): the targets, the inputs or the initial "
            + "weights (\(scheme)) are too large for float32"
        if case .uniform = scheme { divergence! += "; try glorot" } else if case .normal = scheme { divergence! += "; try glorot" }
    }

    private func recordEpoch() {
        history.append(evaluate())
        probeHistory.append(probes())
        // Long runs keep at most 4000 epochs of history: the older half is thinned.
        if history.count > 4000 {
            history = Self.thinned(history)
            probeHistory = Self.thinned(probeHistory)
        }
    }

    /// Every other entry of the older half, all of the newer half (the first entry stays).
    static func thinned<T>(_ items: [T]) -> [T] {
        let half = items.count / 2
        return stride(from: 0, to: half, by: 2).map { items[$0] } + items[half...]
    }

    private func diverge(_ what: String) {
        let eta = trainer.settings.learningRate
        // Steps and complete epochs, as the header counts them.
        let steps = trainer.stepsIntoEpoch
        let into = steps > 0 ? " (epoch \(trainer.epoch) + \(steps) step\(steps == 1 ? "" : "s"))" : " (epoch \(trainer.epoch))"
        divergence = "\(what) at step \(trainer.stepCount)\(into): the learning rate \(NumberFormat.short(eta)) is too high; try \(NumberFormat.short(eta / 10)) or lower"
        // Show the last weights that were still finite, not NaN.
        trainer.replaceNetwork(lastGood)
        // Drop a non-finite last epoch, but never the first entry: `metrics` reads the last.
        if history.count > 1, !Self.isFinite(history[history.count - 1]) { history.removeLast(); probeHistory.removeLast() }
    }

    private static func isFinite(_ m: Metrics) -> Bool {
        m.train.meanLoss.isFinite && (m.test?.meanLoss.isFinite ?? true)
    }
}
