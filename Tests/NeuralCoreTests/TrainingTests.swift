import NeuralCore
import Testing

@Suite struct TrainingTests {
    static let examples: Examples<Float> = {
        var rng = SeededGenerator(seed: 9)
        var x: [Float] = [], y: [Int32] = []
        for _ in 0..<64 {
            let a = rng.uniform(-1, 1), b = rng.uniform(-1, 1)
            x += [Float(a), Float(b)]
            y.append(a + 0.5 * b > 0.1 ? 1 : 0)
        }
        return try! Examples(inputWidth: 2, x: x, targets: .classes(y, classCount: 2))
    }()

    @Test(arguments: ["sgd", "momentum", "adam"])
    func everyOptimizerLowersTheLoss(_ name: String) {
        let arch = architecture(2, [8], .tanh)
        let net = try! Network<Float>(architecture: arch, seed: 1)
        let before = net.evaluate(Self.examples).meanLoss
        let trainer = try! Trainer(network: net, train: Self.examples,
                              settings: TrainingSettings(learningRate: name == "adam" ? 0.02 : 0.1, batchSize: 16, optimizer: try! Optimizer(spec: name)), seed: 1)
        for _ in 0..<100 { trainer.runEpoch() }
        let after = trainer.network.evaluate(Self.examples).meanLoss
        #expect(after < 0.6 * before, "\(name): \(before) -> \(after)")
    }

    /// Changing the learning rate or the regularisation keeps the weights.
    @Test func changingSettingsKeepsWeights() {
        let trainer = try! Trainer(network: try! Network(architecture: architecture(2, [4], .relu), seed: 3), train: Self.examples,
                              settings: TrainingSettings(learningRate: 0.1, batchSize: 8, optimizer: .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)), seed: 3)
        trainer.runEpoch()
        let weights = trainer.network.parameters
        trainer.settings.learningRate = 0.01
        trainer.settings.l2 = 0.001
        trainer.settings.l1 = 0.001
        #expect(trainer.network.parameters == weights)
        trainer.step()
        #expect(trainer.network.parameters != weights)
        #expect(trainer.stepCount == 9)
    }

    /// The same seed gives the same training run, bit for bit.
    @Test func trainingIsReproducible() {
        func run() -> [UInt32] {
            trained(architecture(2, [6, 6], .tanh), on: Self.examples, seed: 5, epochs: 20,
                    settings: TrainingSettings(learningRate: 0.05, batchSize: 10)).parameters.map(\.bitPattern)
        }
        #expect(run() == run())
    }

    /// L2 shrinks weights: with a large lambda the weight norm is smaller.
    @Test func l2ShrinksWeights() {
        func norm(_ l2: Double) -> Double {
            let net = trained(architecture(2, [8], .tanh), on: Self.examples, seed: 4, epochs: 60,
                              settings: TrainingSettings(learningRate: 0.1, batchSize: 16, l2: l2))
            return net.regularizationPenalty(l1: 0, l2: 2)
        }
        #expect(norm(0.05) < 0.5 * norm(0))
    }
}

/// The lecture's small networks train on faster paths (the whole batch in one vector: the
/// tiny path's loops, and for 2-H-1 networks registers only). They must compute exactly what
/// the general path computes: the same gradient, bit for bit.
@Suite struct FastPathTests {
    static let cases: [(String, Architecture)] = [
        ("2-2-1 logistic, squared error", Architecture(inputs: 2, hidden: [HiddenLayer(units: 2, activation: .logistic)], outputs: 1, output: .logistic, loss: .squaredError)),
        ("2-3-1 tanh, cross-entropy", Architecture(inputs: 2, hidden: [HiddenLayer(units: 3, activation: .tanh)], outputs: 1, output: .logistic)),
        ("2-4-1 relu, identity", Architecture(inputs: 2, hidden: [HiddenLayer(units: 4, activation: .relu)], outputs: 1, output: .identity)),
        ("2-8-8-1 tanh", Architecture(inputs: 2, hidden: [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)], outputs: 1, output: .logistic)),
        ("3-5-2 softplus, two logistic outputs", Architecture(inputs: 3, hidden: [HiddenLayer(units: 5, activation: .softplus)], outputs: 2, output: .logistic)),
        ("1-6-1 abs, identity", Architecture(inputs: 1, hidden: [HiddenLayer(units: 6, activation: .abs)], outputs: 1, output: .identity)),
        ("2-1 perceptron-free single neuron", Architecture(inputs: 2, hidden: [], outputs: 1, output: .logistic)),
    ]

    @Test(arguments: cases.indices, [4, 10, 16])
    func fastPathsComputeTheGeneralPathsGradient(_ index: Int, _ m: Int) throws {
        try Self.compare(Float.self, index, m)
        try Self.compare(Double.self, index, m)  // the tiny path's lane sums have a Float-only shuffle
    }

    static func compare<S: NNScalar>(_: S.Type, _ index: Int, _ m: Int) throws {
        let (name, arch) = Self.cases[index]
        let net = try Network<S>(architecture: arch, seed: 7)
        var rng = SeededGenerator(seed: UInt64(index * 100 + m))
        let x = (0..<m * arch.inputs).map { _ in S(rng.uniform(-2, 2)) }
        let targets: Examples<S>.Targets = arch.output == .identity
            ? .values((0..<m * arch.outputs).map { _ in S(rng.uniform(-1, 1)) }, width: arch.outputs)
            : .classes((0..<m).map { Int32($0 % Swift.max(2, arch.outputs == 1 ? 2 : arch.outputs)) }, classCount: Swift.max(2, arch.outputs))
        let examples = try Examples<S>(inputWidth: arch.inputs, x: x, targets: targets)
        let general = try Workspace<S>(architecture: arch, capacity: m)
        general.load(examples, range: 0..<m)
        _ = net.forwardBackward(general, l2: 0.01, wantLoss: false)
        let fast = try Workspace<S>(architecture: arch, capacity: m)
        fast.storesPreActivations = false
        fast.load(examples, range: 0..<m)
        var copy = net
        var sgd = OptimizerState<S>(optimizer: .sgd, parameterCount: net.parameters.count)
        _ = copy.trainStep(fast, optimizer: &sgd, learningRate: 0.1, l1: 0, l2: 0.01, wantLoss: false)
        let count = net.parameters.count
        #expect(Array(UnsafeBufferPointer(start: fast.gradient, count: count)) == Array(UnsafeBufferPointer(start: general.gradient, count: count)),
                "\(name), m = \(m), \(S.precisionName)")
        // The output the loss reads is the same too.
        let last = net.shapes.count - 1
        #expect(Array(fast.aRow(layer: last, unit: 0)) == Array(general.aRow(layer: last, unit: 0)), "\(name), m = \(m), \(S.precisionName)")
    }
}
