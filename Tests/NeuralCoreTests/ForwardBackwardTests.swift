import NeuralCore
import Testing

@Suite struct ForwardBackwardTests {
    /// W(1) = [[1, -1], [0.5, 2]], b(1) = [0, -1], W(2) = [[1, -2]], b(2) = [0.5], x = (1, 2),
    /// y = 1, logistic everywhere, cross-entropy. Expected values computed by hand (Python's
    /// math module, not NNLab).
    static let network = try! Network<Double>(
        architecture: architecture(2, [2], .logistic),
        parameters: [1, -1, 0.5, 2, 0, -1, 1, -2, 0.5])

    @Test func forwardValuesOf221Network() {
        let ws = try! Workspace<Double>(architecture: Self.network.architecture, capacity: 1)
        ws.loadSingle(input: [1, 2], label: 1)
        Self.network.forward(ws)
        #expect(ws.zColumn(layer: 0, 0) == [-1, 3.5])
        let a2 = ws.aColumn(layer: 0, 0)
        #expect(close(a2[0], 0.2689414213699951) && close(a2[1], 0.9706877692486436))
        #expect(close(ws.zColumn(layer: 1, 0)[0], -1.1724341171272923))
        #expect(close(ws.output(0)[0], 0.2364152880142275))
        #expect(close(Self.network.computeLoss(ws), 1.44216532543027))
    }

    @Test func backwardValuesOf221Network() {
        let ws = try! Workspace<Double>(architecture: Self.network.architecture, capacity: 1)
        ws.loadSingle(input: [1, 2], label: 1)
        _ = Self.network.forwardBackward(ws, wantLoss: false)
        #expect(close(ws.deltaColumn(layer: 1, 0)[0], -0.7635847119857725))
        let d2 = ws.deltaColumn(layer: 0, 0)
        #expect(close(d2[0], -0.15012986641716286) && close(d2[1], 0.04345258808866443))
        let g = ws.gradientArray
        let expected = [-0.15012986641716286, -0.3002597328343257, 0.04345258808866443, 0.08690517617732886,
                        -0.15012986641716286, 0.04345258808866443,
                        -0.205359557777852, -0.7412023407098376, -0.7635847119857725]
        for (a, b) in zip(g, expected) { #expect(close(a, b), "\(a) vs \(b)") }
    }

    /// Batch gradients are the mean of the per-example gradients, plus lambda W for L2.
    @Test func batchGradientIsMeanOfExampleGradientsPlusL2() {
        let arch = architecture(2, [3], .tanh)
        let net = try! Network<Double>(architecture: arch, seed: 5)
        let x: [Double] = [0.3, -1.2, 2.0, 0.5, -0.7, -0.1]
        let examples = try! Examples<Double>(inputWidth: 2, x: x, targets: .classes([1, 0, 1], classCount: 2))
        let (_, batch) = net.lossAndGradient(examples, l2: 0.1)
        var mean = [Double](repeating: 0, count: batch.count)
        for i in 0..<3 {
            let (_, g) = net.lossAndGradient(examples.subset([i]))
            for k in 0..<mean.count { mean[k] += g[k] / 3 }
        }
        for s in net.shapes {
            for k in s.weightOffset..<s.biasOffset { mean[k] += 0.1 * net.parameters[k] }
        }
        for (a, b) in zip(batch, mean) { #expect(close(a, b, 1e-13), "\(a) vs \(b)") }
    }

    /// Softmax and binary cross-entropy stay finite for huge logits, and the loss is right.
    @Test func lossesAreStableForLargeLogits() {
        let arch = Architecture(inputs: 1, hidden: [], outputs: 3, output: .softmax)
        let net = try! Network<Float>(architecture: arch, parameters: [1000, -1000, 0, 0, 0, 0])
        let examples = try! Examples<Float>(inputWidth: 1, x: [1, -1], targets: .classes([1, 1], classCount: 3))
        let ws = try! Workspace<Float>(architecture: arch, capacity: 2)
        ws.load(examples, range: 0..<2)
        let loss = net.forwardBackward(ws, wantLoss: true)
        #expect(loss.isFinite && close(loss, 2000, 1e-6))
        #expect(ws.gradientArray.allSatisfy { $0.isFinite })

        let binary = Architecture(inputs: 1, hidden: [], outputs: 1, output: .logistic)
        let b = try! Network<Float>(architecture: binary, parameters: [500, 0])
        let bx = try! Examples<Float>(inputWidth: 1, x: [1, -1], targets: .classes([0, 0], classCount: 2))
        let bws = try! Workspace<Float>(architecture: binary, capacity: 2)
        bws.load(bx, range: 0..<2)
        let bl = b.forwardBackward(bws, wantLoss: true)
        #expect(bl.isFinite && close(bl, 500, 1e-6))
        #expect(bws.gradientArray.allSatisfy { $0.isFinite })
    }

    /// Float and double forward passes agree to float precision on a deeper network.
    @Test func floatAndDoubleAgree() {
        let arch = architecture(2, [8, 8], .tanh)
        let d = try! Network<Double>(architecture: arch, seed: 3)
        let f = d.converted(to: Float.self)
        let x: [Double] = (0..<40).map { Double($0) * 0.17 - 3 }
        let examples = try! Examples<Double>(inputWidth: 2, x: x, targets: .classes((0..<20).map { Int32($0 % 2) }, classCount: 2))
        let ed = d.evaluate(examples), ef = f.evaluate(examples.converted(to: Float.self))
        #expect(abs(ed.meanLoss - ef.meanLoss) < 1e-5)
    }

    @Test func chainRuleExamplesOfTheLecture() {
        for x in [-2.0, -0.5, 0, 0.3, 1, 2.5] {
            let u = ChainRuleExamples.univariate(at: x)
            #expect(close(u.tape, u.formula), "univariate at \(x): \(u.tape) vs \(u.formula)")
            let g = x * x * x + 2 * x
            #expect(close(u.f, 2 * g * g - 3 * g + 1))
            let m = ChainRuleExamples.multivariate(at: x)
            #expect(close(m.tape, m.formula), "multivariate at \(x): \(m.tape) vs \(m.formula)")
        }
        // A value checked by hand: x = 1, g = 3, df/dx = (12 - 3)(3 + 2) = 45.
        #expect(ChainRuleExamples.univariate(at: 1).tape == 45)
        // x = 1: g1 = 3, g2 = 3, df/dx = (12 - 9) 3 + (-9)(4) = -27.
        #expect(ChainRuleExamples.multivariate(at: 1).tape == -27)
    }
}

/// `nnlab chain`'s numbers: every forward value, local derivative and path product against the
/// hand-computed formulas at several x, and the finite difference within 1e-6 relative.
@Suite struct ChainRuleReportTests {
    @Test(arguments: [-2.5, -1.0, 0.0, 0.3, 1.0, 2.0, 7.0])
    func univariateByHand(_ x: Double) {
        let r = ChainRuleReport.univariate(at: x)
        let g = x * x * x + 2 * x
        #expect(r.forward.map(\.value) == [x, g, 2 * g * g - 3 * g + 1])
        #expect(r.local.map(\.value) == [3 * x * x + 2, 4 * g - 3])
        #expect(r.paths.count == 1 && r.total == (4 * g - 3) * (3 * x * x + 2))
        #expect(abs(r.tape - r.total) <= 1e-12 * max(1, abs(r.total)))
        #expect(abs(r.finiteDifference - r.total) <= 1e-6 * max(1, abs(r.total)))
    }

    @Test(arguments: [-2.5, -1.0, 0.0, 0.3, 1.0, 2.0, 7.0])
    func multivariateByHand(_ x: Double) {
        let r = ChainRuleReport.multivariate(at: x)
        let (a, b) = (3 * x, x * x + 2 * x)
        #expect(r.forward.map(\.value) == [x, a, b, 2 * a * a - 3 * a * b + 1])
        #expect(r.local.map(\.value) == [3, 2 * x + 2, 4 * a - 3 * b, -3 * a])
        #expect(r.paths.map(\.product) == [(4 * a - 3 * b) * 3, -3 * a * (2 * x + 2)])
        #expect(abs(r.total - ((4 * a - 3 * b) * 3 + (-3 * a) * (2 * x + 2))) <= 1e-12 * max(1, abs(r.total)))
        #expect(abs(r.tape - r.total) <= 1e-12 * max(1, abs(r.total)))
        #expect(abs(r.finiteDifference - r.total) <= 1e-6 * max(1, abs(r.total)))
    }

    @Test func lectureValues() {
        #expect(ChainRuleReport.univariate(at: 1).total == 45)
        #expect(ChainRuleReport.multivariate(at: 1).total == -27)
        #expect(ChainRuleReport.multivariate(at: 1).paths.map(\.product) == [9, -36])
    }
}
