/// One minibatch of m examples through the vectorised pass, as the lecture's slides write it:
/// the examples are the columns, `A(1) = X` is `s_1 x m`, `Z(l)`, `A(l)` and `Delta(l)` are
/// `s_l x m`, `Y` is `K x m`, and the gradients are the means over the columns
/// (`grad W(l) = (1/m) Delta(l+1) A(l)^T`, `grad b(l) = the row mean of Delta(l+1)`).
/// The numbers are the core's own batch pass (the workspace the trainer steps with), in Double.
public struct BatchTrace: Sendable {
    /// The network the batch went through.
    public let network: Network<Double>
    /// Examples in the batch.
    public let m: Int
    /// A(1) = X, inputs x examples.
    public let X: Matrix<Double>
    /// Y, outputs x examples (one-hot rows for classes, the logistic output's 0/1 row).
    public let Y: Matrix<Double>
    /// Z(l) and A(l) for l = 2 ... n_l (index 0 is layer 2).
    public let Z: [Matrix<Double>]
    public let A: [Matrix<Double>]
    /// Delta(l) for l = 2 ... n_l, per example (before the 1/m).
    public let Delta: [Matrix<Double>]
    /// grad W(l) and grad b(l) for l = 1 ... n_l - 1 (index 0 is layer 1), means over the batch.
    public let gradW: [Matrix<Double>]
    public let gradB: [[Double]]
    /// J, the mean loss over the batch.
    public let loss: Double
}

extension Network {
    /// The batch of `inputs` (one array per example) with their `labels` (classification) or
    /// `targets` (regression, one array per example) through the batch pass. Throws unless the
    /// batch has 1 to 4,096 examples that fit the network.
    public func batchTrace(inputs: [[Double]], labels: [Int]? = nil, targets: [[Double]]? = nil) throws -> BatchTrace {
        try requireBatchTraceable()
        let net = converted(to: Double.self)
        let arch = net.architecture
        let m = inputs.count
        guard (1...4096).contains(m) else { throw NNLabError("a batch has 1 to 4096 examples, found \(m)") }
        guard inputs.allSatisfy({ $0.count == arch.inputs }) else { throw NNLabError("the network takes \(arch.inputs) inputs per example") }
        let examples: Examples<Double>
        if let labels {
            guard labels.count == m else { throw NNLabError("\(m) examples but \(labels.count) labels") }
            examples = try Examples(inputWidth: arch.inputs, x: inputs.flatMap { $0 },
                                    targets: .classes(labels.map { Int32($0) }, classCount: Swift.max(arch.outputs, 2)))
        } else if let targets {
            guard targets.count == m, targets.allSatisfy({ $0.count == arch.outputs }) else {
                throw NNLabError("give \(arch.outputs) target value\(arch.outputs == 1 ? "" : "s") for each of the \(m) examples")
            }
            examples = try Examples(inputWidth: arch.inputs, x: inputs.flatMap { $0 }, targets: .values(targets.flatMap { $0 }, width: arch.outputs))
        } else {
            throw NNLabError("give the examples' labels or targets")
        }
        let ws = Workspace<Double>(unchecked: arch, capacity: m)
        ws.load(examples, range: 0..<m)
        let loss = net.forwardBackward(ws, wantLoss: true) / Double(m)
        func matrix(_ p: UnsafeMutablePointer<Double>, rows: Int) -> Matrix<Double> {
            var values: [Double] = []
            values.reserveCapacity(rows * m)
            for r in 0..<rows { for c in 0..<m { values.append(p[r * ws.ld + c]) } }
            return Matrix(rows: rows, cols: m, values: values)
        }
        let shapes = net.shapes
        let gradient = UnsafeBufferPointer(start: ws.gradient, count: ws.parameterCount)
        return BatchTrace(
            network: net, m: m, X: matrix(ws.input, rows: arch.inputs), Y: matrix(ws.target, rows: arch.outputs),
            Z: shapes.indices.map { matrix(ws.z[$0], rows: shapes[$0].rows) },
            A: shapes.indices.map { matrix(ws.a[$0], rows: shapes[$0].units) },
            Delta: shapes.indices.map { matrix(ws.delta[$0], rows: shapes[$0].rows) },
            gradW: shapes.map { Matrix(rows: $0.rows, cols: $0.inputs, values: Array(gradient[$0.weightOffset..<$0.biasOffset])) },
            gradB: shapes.map { Array(gradient[$0.biasOffset..<$0.biasOffset + $0.rows]) },
            loss: loss)
    }
}
