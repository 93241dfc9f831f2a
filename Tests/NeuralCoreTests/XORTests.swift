import NeuralCore
import Testing

@Suite struct XORTests {
    /// The 2-2-1 logistic network of the lecture learns XOR from a fixed seed.
    @Test func twoHiddenUnitsLearnXOR() {
        let arch = architecture(2, [2], .logistic)
        let net = trained(arch, on: xorExamples(), seed: 2, epochs: 3000, settings: TrainingSettings(learningRate: 1, batchSize: 4))
        let evaluation = net.evaluate(xorExamples())
        #expect(evaluation.accuracy == 1, "2-2-1 should get 4/4, got \(evaluation)")
        #expect(evaluation.meanLoss < 0.05)
    }

    /// One logistic neuron draws one line: at most 3 of the 4 XOR points, whatever the seed.
    @Test func aSingleNeuronCannotLearnXOR() {
        let arch = architecture(2, [], .logistic)
        for seed in UInt64(0)..<40 {
            let net = trained(arch, on: xorExamples(), seed: seed, epochs: 1500,
                              settings: TrainingSettings(learningRate: 1, batchSize: 4), weightInit: .uniform(range: 3))
            let accuracy = net.evaluate(xorExamples()).accuracy!
            #expect(accuracy <= 0.75, "seed \(seed): a single neuron classified \(accuracy * 4)/4 XOR points")
        }
    }

    /// The perceptron rule converges on AND (linearly separable) and never on XOR.
    @Test func perceptronRuleConvergesOnANDButNotXOR() {
        let arch = Architecture(inputs: 2, hidden: [], outputs: 1, output: .step)
        for seed in UInt64(0)..<10 {
            let and = try! Trainer(network: try! Network(architecture: arch, weightInit: .uniform(range: 1), seed: seed),
                              train: andExamples(), settings: TrainingSettings(learningRate: 0.1, batchSize: 4), seed: seed)
            var converged = false
            for _ in 0..<200 {
                and.runEpoch()
                if and.lastEpochMistakes == 0 { converged = true; break }
            }
            #expect(converged, "seed \(seed): the perceptron rule should converge on AND")
            #expect(and.network.evaluate(andExamples()).accuracy == 1)

            let xor = try! Trainer(network: try! Network(architecture: arch, weightInit: .uniform(range: 1), seed: seed),
                              train: xorExamples(), settings: TrainingSettings(learningRate: 0.1, batchSize: 4), seed: seed)
            for _ in 0..<500 {
                xor.runEpoch()
                #expect(xor.lastEpochMistakes! > 0, "seed \(seed): the perceptron rule cannot converge on XOR")
            }
            #expect(xor.network.evaluate(xorExamples()).accuracy! <= 0.75)
        }
    }

    /// A logistic neuron thresholded at 0.5 decides like a perceptron with the same weights.
    @Test func logisticNeuronDecidesLikePerceptron() {
        var rng = SeededGenerator(seed: 11)
        let w = (0..<3).map { _ in rng.normal() }
        let logistic = try! Network<Double>(architecture: Architecture(inputs: 2, hidden: [], outputs: 1, output: .logistic), parameters: w)
        let perceptron = try! Network<Double>(architecture: Architecture(inputs: 2, hidden: [], outputs: 1, output: .step), parameters: w)
        let x = (0..<400).map { _ in rng.uniform(-3, 3) }
        let examples = try! Examples<Double>(inputWidth: 2, x: x, targets: .classes([Int32](repeating: 0, count: 200), classCount: 2))
        let a = try! Workspace<Double>(architecture: logistic.architecture, capacity: 200)
        let b = try! Workspace<Double>(architecture: perceptron.architecture, capacity: 200)
        a.load(examples, range: 0..<200)
        b.load(examples, range: 0..<200)
        logistic.forward(a)
        perceptron.forward(b)
        for c in 0..<200 {
            #expect(a.predictedClass(c) == b.predictedClass(c))
            #expect((a.output(c)[0] > 0.5) == (b.output(c)[0] == 1))
        }
    }
}
