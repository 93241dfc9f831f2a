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
