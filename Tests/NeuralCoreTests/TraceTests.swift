import NeuralCore
import Testing

@Suite struct TraceTests {
    /// The trace of the hand-computed 2-2-1 example lists every value in the lecture's order.
    @Test func traceFollowsTheLecture() {
        let net = ForwardBackwardTests.network
        let trace = try! net.trace(input: [1, 2], label: 1, learningRate: 0.5)
        #expect(trace.entries.map(\.symbol) == [
            "a(1)", "z(2)", "a(2)", "z(3)", "a(3)", "J",
            "delta(3)", "grad W(2)", "grad b(2)", "delta(2)", "grad W(1)", "grad b(1)",
            "W(1)", "b(1)", "W(2)", "b(2)", "J",
        ])
        #expect(trace.entries.map(\.kind) == [
            .input, .z(2), .a(2), .z(3), .a(3), .loss,
            .delta(3), .gradW(2), .gradB(2), .delta(2), .gradW(1), .gradB(1),
            .updatedW(1), .updatedB(1), .updatedW(2), .updatedB(2), .lossAfterUpdate,
        ])
        #expect(trace.entries.map(\.phase) == [.forward, .forward, .forward, .forward, .forward, .loss,
                                               .backward, .backward, .backward, .backward, .backward, .backward,
                                               .update, .update, .update, .update, .update])
        #expect(trace.entries[1].formula == "z(2) = W(1) a(1) + b(1)")
        #expect(trace.entries[2].formula == "a(2) = logistic(z(2))")
        #expect(trace.entries[6].formula == "delta(3) = a - y")
        #expect(trace.entries[9].formula == "delta(2) = (W(2))^T delta(3) .* f'(z(2))")
        #expect(trace.entries[10].formula == "grad W(1) = delta(2) (a(1))^T")
        #expect(close(trace.loss, 1.44216532543027))
        #expect(close(trace.entries[7].value.values[1], -0.7412023407098376))
        #expect(trace.lossAfterUpdate! < trace.loss)
        // Every gradient carries its finite-difference check.
        for entry in trace.entries {
            switch entry.kind {
            case .gradW(let l), .gradB(let l):
                #expect(entry.check != nil && entry.check!.maxRelativeError < 1e-6, "\(entry.symbol)")
                #expect(entry.check?.layer == l && entry.check?.isBias == (entry.kind == .gradB(l)), "the check of \(entry.symbol) is its own tensor's")
            default:
                #expect(entry.check == nil)
            }
        }
        // The update moved W(2) by -eta grad W(2).
        let updated = trace.entries[14].value.values
        #expect(close(updated[1], -2 - 0.5 * -0.7412023407098376))
    }

    /// The trace's gradients equal the core's batch gradients for m = 1, for several shapes.
    @Test(arguments: [
        architecture(2, [3, 2], .tanh),
        architecture(2, [4], .maxout(pieces: 2), outputs: 3, output: .softmax),
        architecture(2, [3], .relu, outputs: 2, output: .identity),
    ])
    func traceGradientsEqualBatchGradients(_ arch: Architecture) {
        let net = try! Network<Double>(architecture: arch, biasInit: 0.1, seed: 8)
        let label: Int? = arch.output == .identity ? nil : 1
        let target: [Double]? = arch.output == .identity ? [0.5, -0.25] : nil
        let trace = try! net.trace(input: [0.3, -0.8], label: label, target: target)
        let examples = try! Examples<Double>(inputWidth: 2, x: [0.3, -0.8],
                                        targets: label.map { .classes([Int32($0)], classCount: max(2, arch.outputs)) } ?? .values(target!, width: 2))
        let (loss, gradient) = net.lossAndGradient(examples)
        #expect(close(trace.loss, loss))
        for s in net.shapes {
            let gW = trace.entries.first { $0.kind == .gradW(s.l) }!.value.values
            let gb = trace.entries.first { $0.kind == .gradB(s.l) }!.value.values
            #expect(gW == Array(gradient[s.weightOffset..<s.biasOffset]))
            #expect(gb == Array(gradient[s.biasOffset..<s.biasOffset + s.rows]))
        }
    }
}
