import NeuralCore
import Testing

@Suite struct ProbeTests {
    static let examples: Examples<Float> = {
        var rng = SeededGenerator(seed: 3)
        let x = (0..<200).map { _ in Float(rng.uniform(-2, 2)) }
        return try! Examples(inputWidth: 2, x: x, targets: .classes((0..<100).map { Int32($0 % 2) }, classCount: 2))
    }()

    /// A ReLU unit with bias -100 never fires: it is reported dead; its neighbours are not.
    @Test func unitWithHugeNegativeBiasIsDead() {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 3, activation: .relu)], outputs: 1, output: .logistic)
        var net = try! Network<Float>(architecture: arch, seed: 1)
        try! net.setLayer(1, W: [1, 0, 0, 1, 1, 1], b: [0.5, -100, 0.5])
        let probe = Prober(architecture: arch, train: Self.examples).probe(net)[0]
        #expect(probe.deadUnits == 1)
        #expect(probe.dead == [false, true, false])
        #expect(probe.histogram.zeros >= 100)
        #expect(probe.saturation == nil)
    }

    /// A logistic layer with huge weights sits on its flat tails: saturated.
    @Test func logisticLayerWithHugeWeightsIsSaturated() {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 4, activation: .logistic)], outputs: 1, output: .logistic)
        var net = try! Network<Float>(architecture: arch, seed: 1)
        try! net.setLayer(1, W: [50, 50, -60, 40, 80, -70, 45, 55], b: [0, 0, 0, 0])
        let big = Prober(architecture: arch, train: Self.examples).probe(net)[0]
        #expect(big.saturation! > 0.9)
        try! net.setLayer(1, W: [0.1, 0.1, -0.1, 0.1, 0.1, -0.1, 0.1, 0.1], b: [0, 0, 0, 0])
        let small = Prober(architecture: arch, train: Self.examples).probe(net)[0]
        #expect(small.saturation! == 0)
    }

    @Test(arguments: [Activation.tanh, .relu, .maxout(pieces: 2), .softplus])
    func histogramCountsAddUpToUnitsTimesExamples(_ f: Activation) {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 5, activation: f), HiddenLayer(units: 3, activation: f)],
                                outputs: 1, output: .logistic)
        let probes = Prober(architecture: arch, train: Self.examples, bins: 13).probe(try! Network(architecture: arch, seed: 2))
        #expect(probes.map { $0.histogram.total } == [5 * 100, 3 * 100])
        #expect(probes.allSatisfy { $0.histogram.counts.count == 13 })
        #expect(probes.map(\.layer) == [2, 3])
    }

    @Test func histogramMarksNonFiniteValues() {
        let h = Histogram([0, 0.5, 1, .nan, .infinity] as [Double], bins: 2, range: 0...1)
        #expect(h.counts == [1, 2] && h.nonFinite == 2 && h.zeros == 1 && h.total == 5)
    }

    /// The update ratio is exact: for SGD it is eta ||grad|| / ||W||.
    @Test func updateRatioMatchesSGD() throws {
        let s = try TrainingSession(SessionConfiguration(data: .generated(DatasetSpec(kind: .gauss)),
                                                         hidden: [HiddenLayer(units: 4, activation: .tanh)],
                                                         settings: TrainingSettings(learningRate: 0.1, batchSize: 500)))
        let before = s.network
        s.step()
        let after = s.network
        let probe = s.probes()[0]
        var dw = 0.0, w = 0.0
        for k in after.shapes[0].weightOffset..<after.shapes[0].biasOffset {
            dw += Double(after.parameters[k] - before.parameters[k]) * Double(after.parameters[k] - before.parameters[k])
            w += Double(after.parameters[k]) * Double(after.parameters[k])
        }
        #expect(abs(probe.updateRatio! - (dw / w).squareRoot()) < 1e-5 * probe.updateRatio!)
    }

    @Test func decisionGridMatchesTheNetwork() {
        let arch = Architecture(inputs: 3, hidden: [HiddenLayer(units: 4, activation: .tanh)], outputs: 1, output: .logistic)
        let net = try! Network<Float>(architecture: arch, seed: 5)
        let features = FeatureSet([.x1, .x2, .r])
        let sampler = GridSampler(architecture: arch, features: features, chunk: 7)
        let sample = sampler.sample(net, columns: 5, rows: 3, x: -2...2, y: -1...1, withUnits: true)
        #expect(sample.values.count == 15 && sample.unitValues[0].count == 4)
        // Cell (column 1, row 2) has its centre at x = -2 + 1.5 * 0.8, y = 1 - 2.5 * (2/3).
        let x = -2 + 1.5 * 0.8, y = 1 - 2.5 * (2.0 / 3)
        let d = Dataset(name: "p", dimension: 2, points: [x, y], targets: .classes([0], classCount: 2), domain: (-2...2, -1...1))
        let expected = try! net.converted(to: Double.self).trace(input: d.examples([0], features: features, as: Double.self).x, label: 0)
        #expect(abs(Double(sample.values[2 * 5 + 1]) - expected.entries[4].value.values[0]) < 1e-6)
    }
}

/// NaN, the infinities and 1e308 never become an index: they are counted apart or clamped.
@Suite struct NonFiniteProbeTests {
    @Test func histogramsCountNonFiniteValuesApart() {
        let h = Histogram([Double.nan, .infinity, -.infinity, 1e308, -1e308, 0, 1], bins: 10)
        #expect(h.nonFinite == 3 && h.total == 7 && h.counts.reduce(0, +) == 4)
        // Equal huge values (lo + 1 == lo in double precision) still get a range.
        let same = Histogram([Float](repeating: 3e38, count: 5), bins: 4)
        #expect(same.counts.reduce(0, +) == 5 && same.upper > same.lower)
        let fixed = Histogram([1e308, -1e308, .nan], bins: 3, range: 0...1)
        #expect(fixed.counts == [1, 0, 1] && fixed.nonFinite == 1)
    }

    /// Weights near the float32 limit: activations overflow to infinity and NaN; the probes
    /// still describe the layer (the lab draws them as markers).
    @Test(arguments: [Activation.relu, .tanh, .logistic, .softplus, .maxout(pieces: 2)])
    func probesOfAnOverflowingNetwork(_ f: Activation) {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 3, activation: f), HiddenLayer(units: 2, activation: f)],
                                outputs: 1, output: .logistic)
        var net = try! Network<Float>(architecture: arch, seed: 1)
        net.parameters = net.parameters.enumerated().map { $0.offset % 2 == 0 ? 3e38 : -3e38 }
        let probes = Prober(architecture: arch, train: ProbeTests.examples).probe(net, updateNorms: [Double.nan, .infinity, 1e308])
        #expect(probes.count == 2)
        #expect(probes.allSatisfy { $0.histogram.total == $0.units * 100 })
        #expect(net.nonFiniteTensor() == nil, "3e38 is finite")
    }
}
