import NeuralCore
import Testing

@Suite struct ActivationTests {
    static let activations: [Activation] = [.logistic, .tanh, .relu, .leakyReLU(slope: 0.01), .leakyReLU(slope: 0.2), .abs, .softplus, .linear, .step]
    static let points: [Double] = [-50, -8, -3.2, -1, -0.7, -0.3, -1e-3, 0.004, 0.2, 0.5, 0.9, 1.7, 4, 9, 60]

    @Test(arguments: activations)
    func derivativeMatchesFiniteDifferences(_ f: Activation) {
        for z in Self.points where abs(z) > 1e-2 || !f.hasKink {
            let h = 1e-6
            let numeric = (f.f(z + h) - f.f(z - h)) / (2 * h)
            let analytic: Double = f.fPrime(z)
            #expect(abs(numeric - analytic) <= 1e-7 * max(1, abs(analytic)), "\(f.name) f'(\(z)): \(analytic) vs \(numeric)")
        }
    }

    @Test func lectureValues() {
        #expect(Activation.logistic.f(0.0) == 0.5)
        #expect(Activation.logistic.fPrime(0.0) == 0.25)
        #expect(Activation.relu.f(-2.0) == 0 && Activation.relu.f(3.0) == 3)
        #expect(Activation.relu.fPrime(-2.0) == 0 && Activation.relu.fPrime(3.0) == 1)
        #expect(Activation.leakyReLU(slope: 0.01).f(-2.0) == -0.02)
        #expect(Activation.abs.f(-2.0) == 2 && Activation.abs.fPrime(-2.0) == -1)
        #expect(Activation.step.f(0.0) == 1 && Activation.step.f(-1e-9) == 0)
        #expect(close(Activation.softplus.f(0.0), 0.6931471805599453))
        #expect(close(Activation.softplus.fPrime(2.0), Activation.logistic.f(2.0)))
        #expect(Activation.softplus.f(1000.0) == 1000)
        #expect(Activation.softplus.f(-1000.0) == 0)
        #expect(Activation.logistic.f(-1000.0) == 0 && Activation.logistic.f(1000.0) == 1)
    }

    /// One parser for every front end: the label and the spec read back; aliases, case and
    /// parameters as documented; the same messages for the CLI, lessons and model files.
    @Test func specsRoundTrip() throws {
        for f in Activation.all {
            #expect(try Activation(spec: f.name).name == f.name)
        }
        #expect(try Activation(spec: "leaky_relu:0.2") == .leakyReLU(slope: 0.2))
        #expect(try Activation(spec: "MAXOUT:3") == .maxout(pieces: 3))
        #expect(try Activation(spec: "Sigmoid") == .logistic)
        #expect(throws: NNLabError(#""rellu" is not one of "logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "step", "maxout"; did you mean "relu"?"#)) {
            try Activation(spec: "rellu")
        }
        #expect(throws: NNLabError(#""identity" is an output activation; a hidden layer takes one of "logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "step", "maxout""#)) {
            try Activation(spec: "identity")
        }
        #expect(throws: NNLabError("maxout's pieces must be a whole number from 2 to 16, found \"40\"")) { try Activation(spec: "maxout:40") }
        #expect(throws: NNLabError(#""tanh" is a hidden activation; the output layer takes one of "identity", "logistic", "softmax", "step""#)) {
            try OutputActivation(spec: "tanh")
        }
        #expect(try Loss(spec: "MSE") == .squaredError && Optimizer(spec: "momentum:0.8") == .momentum(mu: 0.8))
        #expect(try WeightInit(spec: "uniform:8") == .uniform(range: 8) && DatasetKind(spec: "Circles") == .circles)
        #expect(throws: NNLabError("expected glorot, he, glorot:G or he:G (a gain G such as 5/3, greater than 0, at most 100), uniform:R or normal:STD (R and STD greater than 0, at most 1000), found \"uniform:0\"")) {
            try WeightInit(spec: "uniform:0")
        }
        #expect(closestMatch("rellu", among: Activation.names) == "relu")
        #expect(closestMatch("tahn", among: Activation.names) == "tanh")
        #expect(closestMatch("xyzzy", among: Activation.names) == nil)
    }

    /// The float32 kernels (vector exp, tanh) agree with the double-precision formulas.
    @Test(arguments: activations)
    func vectorKernelsAgreeWithScalarFormulas(_ f: Activation) {
        let arch = Architecture(inputs: 1, hidden: [HiddenLayer(units: 1, activation: f)], outputs: 1, output: .identity)
        var z: [Float] = []
        var x = -20.0
        while x <= 20 { z.append(Float(x)); x += 0.0137 }
        // One hidden unit with weight 1 and bias 0: a(2) = f(x).
        let net = try! Network<Float>(architecture: arch, parameters: [1, 0, 1, 0])
        let examples = try! Examples<Float>(inputWidth: 1, x: z, targets: .values([Float](repeating: 0, count: z.count), width: 1))
        let ws = try! Workspace<Float>(architecture: arch, capacity: z.count)
        ws.load(examples, range: 0..<z.count)
        net.forward(ws)
        let a = ws.aRow(layer: 0, unit: 0)
        for (i, zi) in z.enumerated() {
            let expected = f.f(Double(zi))
            #expect(abs(Double(a[i]) - expected) <= 4e-7 * max(1, abs(expected)), "\(f.name)(\(zi)) = \(a[i]), expected \(expected)")
        }
    }
}
