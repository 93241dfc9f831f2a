import NeuralCore
import Testing

@Suite struct ArchitectureTests {
    @Test func lectureParameterCount() {
        let arch = Architecture(inputs: 10, hidden: [HiddenLayer(units: 10, activation: .logistic), HiddenLayer(units: 5, activation: .logistic)],
                                outputs: 1, output: .logistic)
        #expect(arch.parameterCount == 171)
        #expect(arch.shapes.map(\.parameterCount) == [110, 55, 6])
        #expect(arch.description == "10 → 10 logistic → 5 logistic → 1 logistic (171 parameters)")
    }

    @Test func descriptions() {
        #expect(architecture(2, [8, 8], .tanh).description == "2 → 8 tanh → 8 tanh → 1 logistic (105 parameters)")
        #expect(architecture(2, [], .tanh).description(arrow: "->") == "2 -> 1 logistic (3 parameters)")
        #expect(architecture(2, [4], .maxout(pieces: 3)).description == "2 → 4 maxout(3) → 1 logistic (41 parameters)")
        #expect(architecture(2, [4], .leakyReLU(slope: 0.01), outputs: 3, output: .softmax).description
                == "2 → 4 leaky_relu(0.01) → 3 softmax (27 parameters)")
    }

    @Test func invalidArchitecturesAreRejected() {
        func message(_ a: Architecture) -> String? {
            do { try a.validate(); return nil } catch { return (error as? NNLabError)?.message }
        }
        #expect(message(architecture(0, [2], .relu)) == "inputs must be between 1 and 4096, found 0")
        #expect(message(architecture(2, [0], .relu)) == "hidden layer 1 must have between 1 and 4096 units, found 0")
        #expect(message(architecture(2, [2], .relu, outputs: 1, output: .softmax)) == "softmax needs at least 2 output units (one per class), found 1")
        #expect(message(architecture(2, [2], .relu, outputs: 1, output: .identity, loss: .crossEntropy))
                == "cross_entropy needs a logistic or softmax output; use squared_error with identity")
        #expect(message(architecture(2, [2], .maxout(pieces: 1))) == "maxout in hidden layer 1 needs between 2 and 16 pieces, found 1")
        #expect(message(architecture(2, [4096, 4096, 4096], .relu)) == "the network has 33579009 parameters; the limit is 20000000")
        #expect(message(architecture(2, [2], .relu)) == nil)
    }

    @Test func sameSeedGivesSameWeightsBitForBit() {
        let arch = architecture(2, [8, 8], .relu)
        let a = try! Network<Float>(architecture: arch, seed: 42)
        var b = try! Network<Float>(architecture: arch, seed: 7)
        #expect(a.parameters != b.parameters)
        b.reinitialize(seed: 42)
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        let he = try! Network<Float>(architecture: arch, weightInit: .he(), biasInit: 0.1, seed: 1)
        #expect(he.b(1).allSatisfy { $0 == 0.1 })
    }

    /// The generator's output is fixed forever: lessons and golden files depend on it.
    /// Expected values from an independent Python xoshiro256** with SplitMix64 seeding.
    @Test func generatorIsStableAcrossMachines() {
        var rng = SeededGenerator(seed: 1)
        #expect([rng.next(), rng.next(), rng.next()] == [0xB3F2_AF6D_0FC7_10C5, 0x853B_5596_4736_4CEA, 0x92F8_9756_082A_4514])
        var u = SeededGenerator(seed: 1)
        let values = (0..<10_000).map { _ in u.unit() }
        #expect(values.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = values.reduce(0, +) / 10_000
        #expect(abs(mean - 0.5) < 0.01)
        var n = SeededGenerator(seed: 2)
        let normals = (0..<20_000).map { _ in n.normal() }
        let m = normals.reduce(0, +) / 20_000
        let variance = normals.map { ($0 - m) * ($0 - m) }.reduce(0, +) / 20_000
        #expect(abs(m) < 0.03 && abs(variance - 1) < 0.03)
    }

    @Test func initialisationScales() {
        let arch = Architecture(inputs: 256, hidden: [HiddenLayer(units: 256, activation: .relu)], outputs: 2, output: .softmax)
        let he = try! Network<Double>(architecture: arch, weightInit: .he(), seed: 3).W(1).values
        let std = (he.map { $0 * $0 }.reduce(0, +) / Double(he.count)).squareRoot()
        #expect(abs(std - (2.0 / 256).squareRoot()) < 0.003)
        let glorot = try! Network<Double>(architecture: arch, weightInit: .glorot(), seed: 3).W(1).values
        let limit = (6.0 / 512).squareRoot()
        #expect(glorot.allSatisfy { abs($0) <= limit } && glorot.contains { abs($0) > 0.9 * limit })
    }

    /// A gain multiplies the scheme's weights (2 exactly: a power of two changes no rounding);
    /// 5/3 is read as a fraction and shown as 1.667; bad gains are refused with the accepted forms.
    @Test func initialGain() throws {
        let arch = Architecture(inputs: 3, hidden: [HiddenLayer(units: 5, activation: .tanh), HiddenLayer(units: 4, activation: .tanh)], outputs: 1, output: .logistic)
        for (plain, scaled) in [(WeightInit.glorot(), WeightInit.glorot(gain: 2)), (.he(), .he(gain: 2))] {
            let a = try Network<Double>(architecture: arch, weightInit: plain, seed: 9)
            let b = try Network<Double>(architecture: arch, weightInit: scaled, seed: 9)
            for l in 1...3 { #expect(b.W(l).values == a.W(l).values.map { 2 * $0 }) }
        }
        let tanh = try WeightInit(spec: "glorot:5/3")
        #expect(tanh == .glorot(gain: 5.0 / 3) && tanh.description == "glorot:1.667" && tanh.scheme == "glorot")
        #expect(try WeightInit(spec: "he:1.5") == .he(gain: 1.5) && (try WeightInit(spec: "he")).description == "he")
        #expect(try WeightInit(spec: "GLOROT:1") == .glorot())
        for bad in ["glorot:0", "he:-1", "he:abc", "glorot:101", "glorot:1/0", "he:2/3/4", "glorot:nan"] {
            #expect(throws: NNLabError.self, "\(bad)") { try WeightInit(spec: bad) }
        }
        #expect(WeightInit.gain("5/3") == 5.0 / 3 && WeightInit.gain(" 2 ") == 2 && WeightInit.gain("inf") == nil)
    }
}

/// The core runs unchecked (-Ounchecked): its public entry points check the shapes they are
/// given and throw, so no caller can make it read or write out of bounds.
@Suite struct EntryPointTests {
    static let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 3, activation: .tanh)], outputs: 1, output: .logistic)

    @Test func outOfRangeShapesThrow() throws {
        #expect(throws: NNLabError("2 -> 3 tanh -> 1 logistic (13 parameters) needs 13 parameters, found 12")) {
            try Network<Float>(architecture: Self.arch, parameters: [Float](repeating: 0, count: 12))
        }
        #expect(throws: NNLabError.self) {
            try Network<Float>(architecture: Architecture(inputs: 0, hidden: [], outputs: 1, output: .logistic), parameters: [0])
        }
        #expect(throws: NNLabError("5 input values do not make rows of 2")) {
            try Examples<Float>(inputWidth: 2, x: [1, 2, 3, 4, 5], targets: .classes([0, 1], classCount: 2))
        }
        #expect(throws: NNLabError("2 examples but 3 labels")) {
            try Examples<Float>(inputWidth: 2, x: [1, 2, 3, 4], targets: .classes([0, 1, 1], classCount: 2))
        }
        #expect(throws: NNLabError("labels must be between 0 and 1")) {
            try Examples<Float>(inputWidth: 2, x: [1, 2, 3, 4], targets: .classes([0, 7], classCount: 2))
        }
        #expect(throws: NNLabError("2 examples but 3 target values (width 1)")) {
            try Examples<Float>(inputWidth: 2, x: [1, 2, 3, 4], targets: .values([0, 1, 2], width: 1))
        }
        #expect(throws: NNLabError("a workspace holds 1 to 1000000 examples, asked for 0")) {
            try Workspace<Float>(architecture: Self.arch, capacity: 0)
        }
        var net = try Network<Float>(architecture: Self.arch, seed: 1)
        #expect(throws: NNLabError("W(3) does not exist: the network has W(1) to W(2)")) { try net.setLayer(3, W: [], b: []) }
        #expect(throws: NNLabError("W(1) has 6 entries and b(1) 3, found 5 and 3")) { try net.setLayer(1, W: [1, 2, 3, 4, 5], b: [0, 0, 0]) }
        #expect(throws: NNLabError("the network takes 2 inputs, found 3")) { try net.trace(input: [1, 2, 3], label: 0) }
        #expect(throws: NNLabError("the label must be between 0 and 1, found 5")) { try net.trace(input: [1, 2], label: 5) }
        let wide = try Examples<Float>(inputWidth: 3, x: [1, 2, 3], targets: .classes([1], classCount: 2))
        #expect(throws: NNLabError("the network has 2 inputs but the data has 3 input columns")) {
            try Trainer(network: net, train: wide, settings: TrainingSettings(), seed: 1)
        }
    }
}
