import NeuralCore
import Testing

/// The four XOR points (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0.
func xorExamples() -> Examples<Float> {
    try! Examples(inputWidth: 2, x: [0, 0, 0, 1, 1, 0, 1, 1], targets: .classes([0, 1, 1, 0], classCount: 2))
}

/// The AND truth table.
func andExamples() -> Examples<Float> {
    try! Examples(inputWidth: 2, x: [0, 0, 0, 1, 1, 0, 1, 1], targets: .classes([0, 0, 0, 1], classCount: 2))
}

/// A network of the given hidden widths, all with activation `f`.
func architecture(_ inputs: Int, _ hidden: [Int], _ f: Activation, outputs: Int = 1,
                  output: OutputActivation = .logistic, loss: Loss? = nil) -> Architecture {
    Architecture(inputs: inputs, hidden: hidden.map { HiddenLayer(units: $0, activation: f) },
                 outputs: outputs, output: output, loss: loss)
}

/// Trains with the shared trainer for `epochs` epochs.
func trained(_ arch: Architecture, on examples: Examples<Float>, seed: UInt64, epochs: Int,
             settings: TrainingSettings, weightInit: WeightInit? = nil, biasInit: Double = 0) -> Network<Float> {
    let net = try! Network<Float>(architecture: arch, weightInit: weightInit, biasInit: biasInit, seed: seed)
    let trainer = try! Trainer(network: net, train: examples, settings: settings, seed: seed)
    for _ in 0..<epochs { trainer.runEpoch() }
    return trainer.network
}

/// |a - b| <= tolerance * max(1, |b|).
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    abs(a - b) <= tolerance * max(1, abs(b))
}
