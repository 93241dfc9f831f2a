import Foundation
import NeuralCore
import Testing

/// The vectorised pass of a minibatch (`nnlab step --batch`) against the lecture's formulas
/// written out with plain loops: Z(l) = W(l-1) A(l-1) + b(l-1), A(l) = f(Z(l)), Delta(n_l) = A - Y,
/// Delta(l) = W(l)^T Delta(l+1) .* f'(Z(l)), grad W(l) = (1/m) Delta(l+1) A(l)^T,
/// grad b(l) = the row mean of Delta(l+1).
@Suite struct BatchTraceTests {
    @Test func matchesTheFormulasWrittenOut() throws {
        // 2-3-3 tanh, softmax over 3 classes, 8 examples.
        let arch = architecture(2, [3], .tanh, outputs: 3, output: .softmax)
        let net = try Network<Double>(architecture: arch, weightInit: .glorot(), seed: 7)
        var rng = SeededGenerator(seed: 3)
        let inputs = (0..<8).map { _ in [Double(rng.next() % 1000) / 250 - 2, Double(rng.next() % 1000) / 250 - 2] }
        let labels = (0..<8).map { $0 % 3 }
        let t = try net.batchTrace(inputs: inputs, labels: labels)
        #expect(t.m == 8 && t.X.rows == 2 && t.X.cols == 8 && t.Z[0].rows == 3 && t.A[1].rows == 3 && t.Delta[1].cols == 8)

        let W1 = net.W(1), b1 = net.b(1), W2 = net.W(2), b2 = net.b(2)
        let m = 8.0
        var z2 = [[Double]](repeating: [Double](repeating: 0, count: 8), count: 3), a2 = z2, z3 = z2, a3 = z2, d3 = z2, d2 = z2
        for c in 0..<8 {
            for i in 0..<3 {
                z2[i][c] = b1[i] + (0..<2).reduce(0) { $0 + W1[i, $1] * inputs[c][$1] }
                a2[i][c] = tanh(z2[i][c])
            }
            for i in 0..<3 { z3[i][c] = b2[i] + (0..<3).reduce(0) { $0 + W2[i, $1] * a2[$1][c] } }
            let peak = (0..<3).map { z3[$0][c] }.max()!
            let e = (0..<3).map { exp(z3[$0][c] - peak) }
            for i in 0..<3 { a3[i][c] = e[i] / e.reduce(0, +); d3[i][c] = a3[i][c] - (labels[c] == i ? 1 : 0) }
            for j in 0..<3 { d2[j][c] = (0..<3).reduce(0) { $0 + W2[$1, j] * d3[$1][c] } * (1 - a2[j][c] * a2[j][c]) }
        }
        for i in 0..<3 {
            for c in 0..<8 {
                #expect(close(t.Z[0][i, c], z2[i][c]) && close(t.A[0][i, c], a2[i][c]))
                #expect(close(t.A[1][i, c], a3[i][c]) && close(t.Delta[1][i, c], d3[i][c]) && close(t.Delta[0][i, c], d2[i][c]))
            }
        }
        // The gradients: (1/m) Delta A^T and the row means.
        for i in 0..<3 {
            for j in 0..<3 { #expect(close(t.gradW[1][i, j], (0..<8).reduce(0) { $0 + d3[i][$1] * a2[j][$1] } / m)) }
            for j in 0..<2 { #expect(close(t.gradW[0][i, j], (0..<8).reduce(0) { $0 + d2[i][$1] * inputs[$1][j] } / m)) }
            #expect(close(t.gradB[1][i], d3[i].reduce(0, +) / m) && close(t.gradB[0][i], d2[i].reduce(0, +) / m))
        }
        let loss = (0..<8).reduce(0.0) { $0 - log(a3[labels[$1]][$1]) } / m
        #expect(close(t.loss, loss))
        // Dropping the 1/m would be caught: the mean of the 8 per-example gradients.
        let singles = try (0..<8).map { try net.batchTrace(inputs: [inputs[$0]], labels: [labels[$0]]) }
        for i in 0..<3 { #expect(close(t.gradB[1][i], singles.reduce(0) { $0 + $1.gradB[1][i] } / m)) }
    }

    @Test func badBatchesAreRefused() throws {
        let net = try Network<Double>(architecture: architecture(2, [2], .logistic), seed: 1)
        #expect(throws: NNLabError.self) { try net.batchTrace(inputs: [], labels: []) }
        #expect(throws: NNLabError.self) { try net.batchTrace(inputs: [[1, 2, 3]], labels: [0]) }
        #expect(throws: NNLabError.self) { try net.batchTrace(inputs: [[1, 2]], labels: [0, 1]) }
        #expect(throws: NNLabError.self) { try net.batchTrace(inputs: [[1, 2]]) }
    }
}
