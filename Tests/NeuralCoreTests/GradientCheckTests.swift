import NeuralCore
import Testing

/// Backpropagation against finite differences (double precision) for every activation and
/// every output/loss pair, on random networks of 0-3 hidden layers.
@Suite struct GradientCheckTests {
    struct OutputCase: CustomStringConvertible, Sendable {
        let output: OutputActivation
        let loss: Loss
        let outputs: Int
        var description: String { "\(output.rawValue)+\(loss.rawValue)x\(outputs)" }
    }

    static let outputs: [OutputCase] = [
        OutputCase(output: .identity, loss: .squaredError, outputs: 2),
        OutputCase(output: .logistic, loss: .squaredError, outputs: 1),
        OutputCase(output: .logistic, loss: .crossEntropy, outputs: 1),
        OutputCase(output: .logistic, loss: .crossEntropy, outputs: 3),
        OutputCase(output: .softmax, loss: .crossEntropy, outputs: 3),
    ]

    static let activations: [Activation] = [
        .logistic, .tanh, .relu, .leakyReLU(slope: 0.1), .abs, .softplus, .linear, .step,
        .maxout(pieces: 2), .maxout(pieces: 3),
    ]

    /// A random network and data set whose pre-activations all stay at least 0.02 away from
    /// every kink (so the derivative exists where it is checked).
    static func randomCase(_ f: Activation, _ o: OutputCase, depth: Int, seed: UInt64) -> (Network<Double>, Examples<Double>) {
        var attempt: UInt64 = 0
        while true {
            var rng = SeededGenerator(seed: seed &* 1000 &+ attempt)
            attempt += 1
            let widths = (0..<depth).map { _ in 1 + rng.index(below: 4) }
            let arch = Architecture(inputs: 2, hidden: widths.map { HiddenLayer(units: $0, activation: f) },
                                    outputs: o.outputs, output: o.output, loss: o.loss)
            let parameters = (0..<arch.parameterCount).map { _ in rng.normal() * 0.9 }
            let net = try! Network<Double>(architecture: arch, parameters: parameters)
            let m = 5
            let x = (0..<(2 * m)).map { _ in rng.uniform(-1.5, 1.5) }
            let targets: Examples<Double>.Targets = o.output == .identity
                ? .values((0..<(m * o.outputs)).map { _ in rng.uniform(-1, 1) }, width: o.outputs)
                : .classes((0..<m).map { _ in Int32(rng.index(below: max(2, o.outputs))) }, classCount: max(2, o.outputs))
            let examples = try! Examples<Double>(inputWidth: 2, x: x, targets: targets)
            if f.hasKink && depth > 0 && !awayFromKinks(net, examples) { continue }
            return (net, examples)
        }
    }

    static func awayFromKinks(_ net: Network<Double>, _ examples: Examples<Double>) -> Bool {
        let ws = try! Workspace<Double>(architecture: net.architecture, capacity: examples.count)
        ws.load(examples, range: 0..<examples.count)
        net.forward(ws)
        for s in net.shapes where s.activation != nil {
            for c in 0..<examples.count {
                let z = ws.zColumn(layer: s.index, c)
                if s.pieces > 1 {
                    for i in 0..<s.units {
                        let pieces = z[i * s.pieces..<(i + 1) * s.pieces].sorted()
                        if pieces[pieces.count - 1] - pieces[pieces.count - 2] < 0.02 { return false }
                    }
                } else if z.contains(where: { abs($0) < 0.02 }) {
                    return false
                }
            }
        }
        return true
    }

    @Test(arguments: activations, outputs)
    func backpropagationMatchesFiniteDifferences(_ f: Activation, _ o: OutputCase) {
        for depth in 0...3 {
            if depth == 0 && f != .logistic { continue }  // no hidden layer: the activation is unused
            let (net, examples) = Self.randomCase(f, o, depth: depth, seed: UInt64(depth + 1))
            let check = GradientCheck(network: net, examples: examples, l2: depth == 2 ? 0.05 : 0)
            #expect(check.maxRelativeError <= 1e-6, "\(f.label) \(o) depth \(depth): \(check.tensors.map { "\($0.name) \($0.maxRelativeError)" })")
            #expect(check.tensors.allSatisfy { $0.entriesAtKinks == 0 }, "\(f.label) \(o) depth \(depth): probes crossed a kink")
            #expect(check.tensors.count == 2 * (depth + 1))
        }
    }

    @Test func l1GradientIsChecked() {
        let (net, examples) = Self.randomCase(.tanh, Self.outputs[2], depth: 2, seed: 9)
        let check = GradientCheck(network: net, examples: examples, l1: 0.03, l2: 0.01)
        #expect(check.maxRelativeError <= 1e-6)
    }

    /// A deliberately wrong gradient is caught: the check can fail.
    @Test func aWrongGradientIsDetected() {
        let (net, examples) = Self.randomCase(.tanh, Self.outputs[2], depth: 1, seed: 4)
        let check = GradientCheck(network: net, examples: examples)
        // Compare the backprop gradient with numeric estimates of a perturbed network.
        var other = net
        other.parameters[0] += 0.5
        let wrong = GradientCheck(network: other, examples: examples)
        let mismatch = zip(check.tensors[0].backprop, wrong.tensors[0].numeric).map { abs($0 - $1) }.max()!
        #expect(check.passed)
        #expect(mismatch > 1e-4)
    }
}

/// A large network's check probes a sample: evenly spaced entries and the largest gradient,
/// each the same number the full check computes; the others are NaN and left out of the errors.
@Suite struct SampledGradientCheckTests {
    @Test func aSampleProbesTheSameNumbersAsTheFullCheck() throws {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 12, activation: .tanh), HiddenLayer(units: 9, activation: .tanh)],
                                outputs: 3, output: .softmax, loss: .crossEntropy)
        let net = try Network<Double>(architecture: arch, seed: 4)
        let examples = try Examples<Double>(inputWidth: 2, x: [0.3, -0.7], targets: .classes([2], classCount: 3))
        let full = GradientCheck(network: net, examples: examples)
        let sampled = GradientCheck(network: net, examples: examples, entriesPerTensor: 5)
        #expect(full.tensors.allSatisfy { $0.isComplete })
        for (f, s) in zip(full.tensors, sampled.tensors) {
            let count = f.backprop.count
            #expect(s.backprop == f.backprop)
            if count <= 5 {
                #expect(s.isComplete && s.numeric == f.numeric)
                continue
            }
            #expect(!s.isComplete && s.checked.count <= 5 && s.checked.count >= 4, "\(s.name) \(s.checked.description)")
            let largest = (0..<count).max { abs(f.backprop[$0]) < abs(f.backprop[$1]) }!
            #expect(s.checked.contains(largest) && s.checked.contains(0))
            for e in 0..<count {
                if s.checked.contains(e) { #expect(s.numeric[e] == f.numeric[e]) } else { #expect(s.numeric[e].isNaN) }
            }
            #expect(s.maxRelativeError <= f.maxRelativeError && s.maxRelativeError < 1e-6)
        }
        #expect(sampled.isFinite && sampled.passed)
    }

    /// The step-through's trace keeps its check within `Trace.checkBudget`: a small network is
    /// checked whole, a 2-256-256-2 one on a sample of every tensor.
    @Test func theTraceSamplesOnlyLargeNetworks() throws {
        let small = try Network<Float>(architecture: Architecture(inputs: 2, hidden: [HiddenLayer(units: 2, activation: .logistic)], outputs: 1, output: .logistic), seed: 1)
        #expect(try small.trace(input: [1, 0], label: 1).entries.compactMap { $0.check }.allSatisfy { $0.isComplete })
        let big = try Network<Float>(architecture: Architecture(inputs: 2, hidden: [HiddenLayer(units: 256, activation: .relu), HiddenLayer(units: 256, activation: .relu)],
                                                               outputs: 2, output: .softmax, loss: .crossEntropy), seed: 1)
        let checks = try big.trace(input: [1, 2], label: 1).entries.compactMap { $0.check }
        #expect(checks.count == 6)
        #expect(checks.contains { !$0.isComplete } && checks.allSatisfy { $0.checked.count <= 30 })
        #expect(checks.allSatisfy { $0.maxRelativeError < 1e-6 })
    }
}
