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
        case .values:
            outputs = 1
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
            throw NNLabError("the training share must be between 10% and 90%, found \(formatShort(trainRatio * 100))%")
        }
        guard settings.learningRate.isFinite, settings.learningRate > 0 else {
            throw NNLabError("the learning rate must be greater than 0, found \(formatShort(settings.learningRate))")
        }
        guard settings.batchSize >= 1 else { throw NNLabError("the batch size must be at least 1, found \(settings.batchSize)") }
        guard settings.l1 >= 0, settings.l1.isFinite, settings.l2 >= 0, settings.l2.isFinite else {
            throw NNLabError("regularisation strengths must be 0 or more")
        }
        guard biasInit.isFinite, Swift.abs(biasInit) <= 100 else {
            throw NNLabError("the initial bias must be between -100 and 100, found \(formatShort(biasInit))")
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
    /// The training objective: mean training loss plus the regularisation terms.
    public var objective: Double
}

/// One training run: the data split, features, network, trainer, history and probes. The
/// lab, `nnlab train`, the lessons and the tests all train through this type.
public final class TrainingSession: @unchecked Sendable {
    /// The run's definition.
    public let configuration: SessionConfiguration
    /// All the points.
    public let dataset: Dataset
    /// Indices of the training points in `dataset`.
    public let trainIndices: [Int]
    /// Indices of the test points in `dataset`.
    public let testIndices: [Int]
    /// The training examples (features computed).
    public let train: Examples<Float>
    /// The test examples.
    public let test: Examples<Float>
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

    private let prober: Prober
    private var lastGood: Network<Float>

    /// A session for `configuration`; continues from `model` if given (its architecture must
    /// fit the data and features). Throws a message on bad settings or data.
    public init(_ configuration: SessionConfiguration, model: Network<Float>? = nil, dataset preloaded: Dataset? = nil) throws {
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
        (trainIndices, testIndices) = dataset.split(trainRatio: configuration.trainRatio, seed: configuration.seed)
        train = dataset.examples(trainIndices, features: configuration.features)
        test = dataset.examples(testIndices, features: configuration.features)
        // Data against network first: "regression needs an identity output" says more than
        // the architecture's own complaint would.
        if let problem = train.incompatibility(with: architecture) { throw NNLabError(problem) }
        try architecture.validate()
        let network = model ?? Network<Float>(architecture: architecture, weightInit: configuration.weightInit,
                                              biasInit: configuration.biasInit, seed: configuration.seed)
        initialNetwork = network
        lastGood = network
        trainer = Trainer(network: network, train: train, settings: configuration.settings, seed: configuration.seed)
        prober = Prober(architecture: architecture, train: train)
        recordEpoch()
    }

    /// The network being trained.
    public var network: Network<Float> { trainer.network }

    /// True once training has diverged (further steps are refused).
    public var hasDiverged: Bool { divergence != nil }

    /// The latest metrics (end of the last epoch).
    public var metrics: Metrics { history.last! }

    /// One step; at the end of an epoch also evaluates, records history and checks for
    /// divergence. Returns false if training has diverged.
    @discardableResult
    public func step() -> Bool {
        guard divergence == nil else { return false }
        let epochBefore = trainer.epoch
        trainer.step()
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
        let target = trainer.epoch + 1
        while trainer.epoch < target {
            if !step() { return false }
        }
        return true
    }

    /// Evaluates on the training and test sets now.
    public func evaluate() -> Metrics {
        let net = trainer.network
        let trainEval = net.evaluate(train, workspace: evaluationWorkspace)
        let testEval = test.count > 0 && testIndices != trainIndices ? net.evaluate(test, workspace: evaluationWorkspace) : nil
        let penalty = net.regularizationPenalty(l1: trainer.settings.l1, l2: trainer.settings.l2)
        return Metrics(epoch: trainer.epoch, step: trainer.stepCount, train: trainEval, test: testEval,
                       objective: trainEval.meanLoss + penalty)
    }

    /// The probes of the current network.
    public func probes() -> [LayerProbe] {
        prober.probe(trainer.network, updateNorms: trainer.lastUpdateNorms())
    }

    private lazy var evaluationWorkspace = Workspace<Float>(architecture: architecture, capacity: Swift.min(Swift.max(train.count, test.count, 1), 4096))

    private func finishEpoch() {
        guard checkDivergence() else { return }
        recordEpoch()
        let m = history.last!
        let first = history.first!.train.meanLoss
        let now = m.train.meanLoss
        if !now.isFinite || !trainer.network.isFinite {
            diverge(now.isNaN ? "loss became NaN" : "loss became infinite")
        } else if now > 1e4 * Swift.max(first, 1e-2) {
            diverge("loss exploded from \(formatLoss(first)) to \(formatLoss(now))")
        } else {
            lastGood = trainer.network
        }
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
        divergence = "\(what) at epoch \(trainer.epoch + (trainer.position > 0 ? 1 : 0)): the learning rate \(formatShort(eta)) is too high; try \(formatShort(eta / 10)) or lower"
        // Show the last weights that were still finite, not NaN.
        trainer.replaceNetwork(lastGood)
        if !history.isEmpty, !history.last!.train.meanLoss.isFinite { history.removeLast(); probeHistory.removeLast() }
    }
}

/// A loss for messages: 0.693, 2.3e+08.
public func formatLoss(_ x: Double) -> String {
    guard x.isFinite else { return x.isNaN ? "NaN" : "infinity" }
    if x != 0 && (Swift.abs(x) >= 1e5 || Swift.abs(x) < 1e-3) {
        var e = 0
        var m = Swift.abs(x)
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        var mantissa = (m * 10).rounded() / 10
        if mantissa >= 10 { mantissa /= 10; e += 1 }
        return (x < 0 ? "-" : "") + "\(mantissa)e\(e >= 0 ? "+" : "-")\(e.magnitude < 10 ? "0" : "")\(e.magnitude)"
    }
    let scaled = (x * 10000).rounded() / 10000
    return "\(scaled)"
}
