import Formatting
import LabRendering
import NeuralCore

extension Lab {
    /// A minibatch's vectorised pass as text (`nnlab step --batch M`): every matrix with its
    /// shape, the examples as columns, the 1/m of the gradients and the row means, in the
    /// lecture's notation (NOTATION.md, "m examples, vectorised").
    public static func batchTraceText(_ t: BatchTrace, width: Int = 100, theme: Theme = .plain) -> String {
        batchTraceSections(t, width: width, theme: theme).flatMap(\.lines).joined(separator: "\n")
    }

    /// The same text in sections: each matrix with its formula and shape, each sentence, each
    /// heading; `prose` marks the sentences (a narrow view wraps them; a matrix keeps its rows).
    public static func batchTraceSections(_ t: BatchTrace, width: Int = 100, theme: Theme = .plain) -> [(lines: [String], prose: Bool)] {
        let net = t.network
        let arch = net.architecture
        let n_l = arch.n_l
        var sections: [(lines: [String], prose: Bool)] = []
        var out: [String] = []
        // Everything appended since the last call is one section.
        func close(prose: Bool) {
            if !out.isEmpty { sections.append((out, prose)) }
            out = []
        }
        func shape(_ m: Matrix<Double>) -> String { "\(m.rows) x \(m.cols)" }
        func block(_ title: String, _ m: Matrix<Double>, note: String = "") {
            close(prose: true)
            out.append(title + "    (" + shape(m) + (note.isEmpty ? "" : ", " + note) + ")")
            let rows = Swift.min(m.rows, 12)
            var buffer = Buffer(width: width, height: rows + (m.rows > rows ? 1 : 0))
            MatrixTable(values: m.values, rows: m.rows, cols: m.cols, digits: 4).render(into: &buffer, area: buffer.area, theme: theme)
            out += buffer.lines.map { "  " + String($0.reversed().drop { $0 == " " }.reversed()) }
            out.append("")
            close(prose: false)
        }
        func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, cols: 1, values: v) }
        let inverse = "1/m = 1/\(t.m)"
        out.append("A minibatch of m = \(t.m) examples, one per column: A(l) is s_l x m, Y is \(arch.outputs) x m.")
        out.append("")
        close(prose: true)
        out.append("Forward pass")
        out.append("")
        block("A(1) = X", t.X)
        for l in 2...n_l {
            let s = net.shapes[l - 2]
            block("W(\(l - 1))", net.W(l - 1))
            block("b(\(l - 1))", column(net.b(l - 1)))
            block("Z(\(l)) = W(\(l - 1)) A(\(l - 1)) + b(\(l - 1))", t.Z[l - 2], note: "b(\(l - 1)) added to every column")
            let f = s.activation?.name ?? arch.output.rawValue
            block("A(\(l)) = \(f)(Z(\(l)))", t.A[l - 2], note: "column by column")
        }
        block("Y", t.Y)
        out.append("J = (1/m) sum of the \(t.m) examples' losses = \(NumberFormat.significant(t.loss, digits: 6))")
        out.append("")
        close(prose: true)
        out.append("Backward pass")
        out.append("")
        // The one-example formula with its vectors as the batch's matrices (whole words only).
        let names: [Character: String] = ["a": "A(\(n_l))", "y": "Y", "z": "Z(\(n_l))"]
        let one = Array(arch.loss.deltaFormula(for: arch.output))
        let delta = one.indices.map { i -> String in
            let c = one[i]
            let alone = (i == 0 || !one[i - 1].isLetter) && (i == one.count - 1 || !one[i + 1].isLetter)
            return alone ? names[c] ?? String(c) : String(c)
        }.joined()
        for l in stride(from: n_l, through: 2, by: -1) {
            if l == n_l {
                block("Delta(\(l)) = \(delta)", t.Delta[l - 2], note: "one column per example")
            } else {
                block("Delta(\(l)) = (W(\(l)))^T Delta(\(l + 1)) .* f'(Z(\(l)))", t.Delta[l - 2], note: "one column per example")
            }
            block("grad W(\(l - 1)) = (1/m) Delta(\(l)) (A(\(l - 1)))^T", t.gradW[l - 2], note: "\(inverse): the mean over the examples")
            block("grad b(\(l - 1)) = the row mean of Delta(\(l))", column(t.gradB[l - 2]), note: "(1/m) Delta(\(l)) times a column of m ones")
        }
        close(prose: true)
        out.append("Gradient descent then takes W(l) <- W(l) - eta grad W(l), b(l) <- b(l) - eta grad b(l): one update for the whole batch.")
        close(prose: true)
        return sections
    }
}
