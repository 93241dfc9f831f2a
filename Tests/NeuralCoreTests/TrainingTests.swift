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
