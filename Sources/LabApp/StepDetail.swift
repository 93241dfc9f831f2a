import Formatting
import LabRendering
import NeuralCore

/// One computation of a step-through drawn with its numbers: the formula, the operands as
/// matrices (the row of unit i highlighted in unit mode), the result, and for gradients the
/// finite-difference check. The lab's step-through screen and `nnlab step` draw the same.
public struct StepDetail: Widget {
    public let trace: Trace
    public let index: Int
    /// Unit mode: one unit's sum written out (nil: whole layers).
    public let unit: Int?
    /// The quiz: the result's entries from this one on are shown as "?", and nothing that
    /// gives them away (the unit's sum, the finite-difference estimate) is drawn.
    public var hiddenFrom: Int?

    public init(trace: Trace, index: Int, unit: Int? = nil, hiddenFrom: Int? = nil) {
        self.trace = trace
        self.index = Swift.min(Swift.max(0, index), trace.entries.count - 1)
        self.unit = unit
        self.hiddenFrom = hiddenFrom
    }

    /// Every number of the step-through: four significant digits.
    static func number(_ v: Double) -> String { NumberFormat.significant(v, digits: 4) }

    var entry: TraceEntry { trace.entries[index] }

    /// The latest value of `kind` at or before this step (z(2), a(3), delta(3), ...).
    func value(_ kind: TraceEntry.Kind) -> Matrix<Double>? {
        trace.entries[...index].last { $0.kind == kind }?.value
    }

    /// a(l): the input x for l = 1.
    func activation(_ l: Int) -> Matrix<Double>? { value(l == 1 ? .input : .a(l)) }

    static func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, cols: 1, values: v) }
    static func transpose(_ m: Matrix<Double>) -> Matrix<Double> {
        var v = [Double](repeating: 0, count: m.values.count)
        for i in 0..<m.rows { for j in 0..<m.cols { v[j * m.rows + i] = m[i, j] } }
        return Matrix(rows: m.cols, cols: m.rows, values: v)
    }

    /// A labelled operand of the formula.
    struct Operand {
        var label: String
        var matrix: Matrix<Double>
        /// The row unit mode highlights in it (nil: none).
        var row: Int?
        var column: Int?
    }

    /// The operands, the result's label, and the sign between (" " for a product, "=" before
    /// the result).
    func operands() -> (inputs: [Operand], result: Operand) {
        let e = entry
        let net = trace.network
        let n_l = net.architecture.n_l
        let i = unit
        let empty = Self.column([])
        let result = Operand(label: e.symbol, matrix: e.value, row: i)
        switch e.kind {
        case .input:
            return ([Operand(label: "x", matrix: Self.column(trace.input), row: i)], result)
        case .z(let l):
            return ([Operand(label: "W(\(l - 1))", matrix: net.W(l - 1), row: i),
                     Operand(label: "a(\(l - 1))", matrix: activation(l - 1) ?? empty, column: i.map { _ in 0 }),
                     Operand(label: "b(\(l - 1))", matrix: Self.column(net.b(l - 1)), row: i)], result)
        case .a(let l):
            let shape = shape(of: l)
            var inputs = shape?.norm != nil ? [Operand(label: "zhat(\(l))", matrix: value(.zhat(l)) ?? empty, row: i)]
                : [Operand(label: "z(\(l))", matrix: value(.z(l)) ?? empty, row: i)]
            if let source = shape?.skipSource {
                inputs.append(Operand(label: "a(\(source + 2))", matrix: activation(source + 2) ?? empty, row: i))
            }
            return (inputs, result)
        case .mean(let l):
            return ([Operand(label: "z(\(l))", matrix: value(.z(l)) ?? empty, row: i)], result)
        case .variance(let l):
            return ([Operand(label: "z(\(l))", matrix: value(.z(l)) ?? empty, row: i),
                     Operand(label: "mu(\(l))", matrix: value(.mean(l)) ?? empty)], result)
        case .zhat(let l):
            return ([Operand(label: "z(\(l))", matrix: value(.z(l)) ?? empty, row: i),
                     Operand(label: "mu(\(l))", matrix: value(.mean(l)) ?? empty),
                     Operand(label: "sigma^2(\(l))", matrix: value(.variance(l)) ?? empty),
                     Operand(label: "gamma(\(l - 1))", matrix: Self.column(net.gamma(l - 1) ?? []), row: i),
                     Operand(label: "beta(\(l - 1))", matrix: Self.column(net.beta(l - 1) ?? []), row: i)], result)
        case .gradA(let l):
            var inputs = [Operand(label: "(W(\(l)))^T", matrix: Self.transpose(net.W(l)), row: i),
                          Operand(label: "delta(\(l + 1))", matrix: value(.delta(l + 1)) ?? empty)]
            for above in net.shapes where above.skipSource == l - 2 {
                inputs.append(Operand(label: "dJ/da(\(above.l + 1))", matrix: value(.gradA(above.l + 1)) ?? empty, row: i))
            }
            return (inputs, result)
        case .gradZhat(let l):
            var inputs = [Operand(label: "dJ/da(\(l))", matrix: value(.gradA(l)) ?? empty, row: i)]
            if let fp = fPrime(layer: l) { inputs.append(Operand(label: "f'(zhat(\(l)))", matrix: fp, row: i)) }
            return (inputs, result)
        case .delta(let l) where l < n_l && value(.gradA(l)) != nil:
            // A layer with parts: delta(l) from dJ/da(l), through the norm if it has one.
            if shape(of: l)?.norm != nil {
                return ([Operand(label: "dJ/dzhat(\(l))", matrix: value(.gradZhat(l)) ?? empty, row: i),
                         Operand(label: "gamma(\(l - 1))", matrix: Self.column(net.gamma(l - 1) ?? []), row: i),
                         Operand(label: "sigma^2(\(l))", matrix: value(.variance(l)) ?? empty)], result)
            }
            var inputs = [Operand(label: "dJ/da(\(l))", matrix: value(.gradA(l)) ?? empty, row: i)]
            if let fp = fPrime(layer: l) { inputs.append(Operand(label: "f'(z(\(l)))", matrix: fp, row: i)) }
            return (inputs, result)
        case .gradGamma(let l):
            return ([Operand(label: "dJ/dzhat(\(l + 1))", matrix: value(.gradZhat(l + 1)) ?? empty, row: i),
                     Operand(label: "n(\(l + 1))", matrix: normalized(l + 1) ?? empty, row: i)], result)
        case .gradBeta(let l):
            return ([Operand(label: "dJ/dzhat(\(l + 1))", matrix: value(.gradZhat(l + 1)) ?? empty, row: i)], result)
        case .updatedGamma(let l), .updatedBeta(let l):
            let isGamma = if case .updatedGamma = e.kind { true } else { false }
            let before = Self.column((isGamma ? net.gamma(l) : net.beta(l)) ?? [])
            return ([Operand(label: "\(e.symbol) before", matrix: before, row: i),
                     Operand(label: "grad \(e.symbol)", matrix: value(isGamma ? .gradGamma(l) : .gradBeta(l)) ?? before, row: i)],
                    Operand(label: "\(e.symbol) after", matrix: e.value, row: i))
        case .loss:
            return ([Operand(label: "a(\(n_l))", matrix: activation(n_l) ?? empty, row: i), Operand(label: "y", matrix: Self.column(trace.target), row: i)], result)
        case .delta(let l) where l == n_l:
            return ([Operand(label: "a(\(l))", matrix: activation(l) ?? empty, row: i),
                     Operand(label: "y", matrix: Self.column(trace.target), row: i)], result)
        case .delta(let l):
            var inputs = [Operand(label: "(W(\(l)))^T", matrix: Self.transpose(net.W(l)), row: i),
                          Operand(label: "delta(\(l + 1))", matrix: value(.delta(l + 1)) ?? empty)]
            if let fp = fPrime(layer: l) { inputs.append(Operand(label: "f'(z(\(l)))", matrix: fp, row: i)) }
            return (inputs, result)
        case .gradW(let l):
            return ([Operand(label: "delta(\(l + 1))", matrix: value(.delta(l + 1)) ?? empty, row: i),
                     Operand(label: "(a(\(l)))^T", matrix: Self.transpose(activation(l) ?? empty))], result)
        case .gradB(let l):
            return ([Operand(label: "delta(\(l + 1))", matrix: value(.delta(l + 1)) ?? empty, row: i)], result)
        case .updatedW(let l):
            let before = net.W(l)
            return ([Operand(label: "\(e.symbol) before", matrix: before, row: i),
                     Operand(label: "grad \(e.symbol)", matrix: value(.gradW(l)) ?? before, row: i)],
                    Operand(label: "\(e.symbol) after", matrix: e.value, row: i))
        case .updatedB(let l):
            let before = Self.column(net.b(l))
            return ([Operand(label: "\(e.symbol) before", matrix: before, row: i),
                     Operand(label: "grad \(e.symbol)", matrix: value(.gradB(l)) ?? before, row: i)],
                    Operand(label: "\(e.symbol) after", matrix: e.value, row: i))
        case .lossAfterUpdate:
            return ([Operand(label: "J before", matrix: Self.column([trace.loss]))], Operand(label: "J after", matrix: e.value))
        }
    }

    /// f'(z(l)) of hidden layer a(l), f'(zhat(l)) with a norm (nil for maxout, whose f' routes
    /// to the winning piece).
    func fPrime(layer l: Int) -> Matrix<Double>? {
        guard let s = shape(of: l), let f = s.activation, s.pieces == 1,
              let z = s.norm != nil ? value(.zhat(l)) : value(.z(l)) else { return nil }
        return Self.column(z.values.map { f.fPrime($0) })
    }

    /// The shape of the layer whose output is a(l) (nil for a(1) and past the output).
    func shape(of l: Int) -> LayerShape? {
        let shapes = trace.network.shapes
        return l - 2 >= 0 && l - 2 < shapes.count ? shapes[l - 2] : nil
    }

    /// n(l) = (z(l) - mu(l)) / sqrt(sigma^2(l) + eps): mu and sigma^2 one number (layer norm)
    /// or one per unit (batch norm).
    func normalized(_ l: Int) -> Matrix<Double>? {
        guard let z = value(.z(l)), let mu = value(.mean(l)), let v = value(.variance(l)) else { return nil }
        return Self.column(z.values.indices.map { i in
            let k = mu.values.count == 1 ? 0 : i
            return (z.values[i] - mu.values[k]) / (v.values[k] + normEpsilon).squareRoot()
        })
    }

    /// Unit mode: the scalar computation of unit i written out.
    func expansion(unicode: Bool = false) -> [String] {
        guard let i = unit else { return [] }
        let times = unicode ? " · " : " * "
        let e = entry
        let net = trace.network
        func n(_ v: Double) -> String { Self.number(v) }
        func p(_ v: Double) -> String { v < 0 ? "(\(n(v)))" : n(v) }
        guard i < e.value.rows else { return [] }
        switch e.kind {
        case .z(let l):
            let w = net.W(l - 1)
            let a = activation(l - 1)?.values ?? []
            guard w.cols == a.count else { return [] }
            let b = net.b(l - 1)[i]
            let terms = (0..<w.cols).map { p(w[i, $0]) + times + p(a[$0]) }
            return ["z(\(l))_\(i + 1) = sum_j W(\(l - 1))_\(i + 1)j a(\(l - 1))_j + b(\(l - 1))_\(i + 1)",
                    "        = " + (terms + [p(b)]).joined(separator: " + "),
                    "        = " + ((0..<w.cols).map { p(w[i, $0] * a[$0]) } + [p(b)]).joined(separator: " + ") + " = " + n(e.value[i, 0])]
        case .a(let l):
            let shape = shape(of: l)
            let input = shape?.norm != nil ? "zhat" : "z"
            guard let z = value(input == "z" ? .z(l) : .zhat(l)), i < z.rows else { return [] }
            let name = l - 2 < net.shapes.count ? (net.shapes[l - 2].activation?.name ?? net.architecture.output.rawValue) : "f"
            if let source = shape?.skipSource, let added = activation(source + 2), i < added.rows {
                let k = source + 2
                return ["a(\(l))_\(i + 1) = \(name)(\(input)(\(l))_\(i + 1)) + a(\(k))_\(i + 1) = \(name)(\(n(z[i, 0]))) + \(p(added[i, 0]))"
                        + " = \(n(e.value[i, 0]))"]
            }
            return ["a(\(l))_\(i + 1) = \(name)(\(input)(\(l))_\(i + 1)) = \(name)(\(n(z[i, 0]))) = \(n(e.value[i, 0]))"]
        case .zhat(let l):
            guard let z = value(.z(l)), let mu = value(.mean(l)), let v = value(.variance(l)), let g = net.gamma(l - 1), let b = net.beta(l - 1),
                  i < z.rows, i < g.count else { return [] }
            let k = mu.values.count == 1 ? 0 : i
            let sub = mu.values.count == 1 ? "" : "_\(i + 1)"
            return ["zhat(\(l))_\(i + 1) = gamma(\(l - 1))_\(i + 1) (z(\(l))_\(i + 1) - mu(\(l))\(sub)) / sqrt(sigma^2(\(l))\(sub) + eps) + beta(\(l - 1))_\(i + 1)",
                    "        = \(p(g[i]))\(times)(\(n(z[i, 0])) - \(p(mu.values[k]))) / sqrt(\(n(v.values[k])) + \(n(normEpsilon))) + \(p(b[i])) = \(n(e.value[i, 0]))"]
        case .delta(let l) where l < net.architecture.n_l && value(.gradA(l)) == nil:
            let w = net.W(l)
            guard let d = value(.delta(l + 1))?.values, d.count == w.rows, i < w.cols else { return [] }
            let sum = (0..<w.rows).reduce(0.0) { $0 + w[$1, i] * d[$1] }
            var lines = ["delta(\(l))_\(i + 1) = (sum_j W(\(l))_j\(i + 1) delta(\(l + 1))_j) f'(z(\(l))_\(i + 1))",
                         "        = (" + (0..<w.rows).map { p(w[$0, i]) + times + p(d[$0]) }.joined(separator: " + ") + ")" + times + "f'(z(\(l))_\(i + 1))"]
            if let fp = fPrime(layer: l), i < fp.rows { lines.append("        = " + p(sum) + times + p(fp[i, 0]) + " = " + n(e.value[i, 0])) }
            return lines
        case .gradW(let l):
            guard let d = value(.delta(l + 1))?.values, let a = activation(l)?.values, i < d.count else { return [] }
            return ["grad W(\(l))_\(i + 1)j = delta(\(l + 1))_\(i + 1) a(\(l))_j = " + p(d[i]) + times + "[" + a.map(n).joined(separator: "  ") + "]"]
        case .updatedW, .updatedB:
            let s = e.symbol
            return ["row \(i + 1): \(s)_\(i + 1) <- \(s)_\(i + 1) - eta grad \(s)_\(i + 1)   (\(entry.note ?? ""))"]
        case .input, .loss, .delta, .gradB, .lossAfterUpdate, .mean, .variance, .gradA, .gradZhat, .gradGamma, .gradBeta,
             .updatedGamma, .updatedBeta:
            return []
        }
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 20, area.height >= 3 else { return }
        let e = entry
        var y = area.y
        // Sentences wrap at words (a continuation indented), never cut.
        func line(_ text: String, _ style: Style) {
            for (k, piece) in TextPanel.wrap(text, width: Swift.max(8, area.width - 2)).enumerated() {
                guard y < area.bottom else { return }
                buffer.put(truncate((k > 0 ? "  " : "") + piece, to: area.width, glyphs: theme.glyphs), x: area.x, y: y, style: style)
                y += 1
            }
        }
        line(e.formula, theme.accent)
        if let note = e.note { line(note, theme.muted) }
        y += 1
        // Operands side by side when they fit, each with its label above; then the result.
        let (inputs, result) = operands()
        let all = inputs + [result]
        func widths(_ tables: [MatrixTable]) -> [Int] { zip(all, tables).map { Swift.max(displayWidth($0.0.label), $0.1.naturalWidth) } }
        // Four significant digits; three when that lets the operands stand side by side.
        var tables = StepDetail.tables(all, digits: 4, hiddenFrom: hiddenFrom)
        if widths(tables).reduce(0, +) + all.count + 2 > area.width {
            let narrower = StepDetail.tables(all, digits: 3, hiddenFrom: hiddenFrom)
            if widths(narrower).reduce(0, +) + all.count + 2 <= area.width { tables = narrower }
        }
        let widths = widths(tables)
        let tallest = all.map(\.matrix.rows).max() ?? 1
        // Rows kept for the unit's sum and the gradient check under the matrices.
        let quiz = hiddenFrom != nil
        let expanded = quiz ? [] : expansion(unicode: theme.glyphs.unicode)
        let change = quiz ? nil : updateChange()
        let below = expanded.count + (e.check != nil && !quiz ? 2 : 0) + (e.kind == .lossAfterUpdate && !quiz ? 2 : 0) + (change != nil ? 1 : 0)
        let reserve = below > 0 ? below + 1 : 0   // and the blank line above them
        let rowsLeft = area.bottom - y - reserve
        // Two spaces between operands when they fit, one when the screen is narrow.
        let gap = widths.reduce(0, +) + 2 * all.count + 2 <= area.width ? 2 : 1
        let sideBySide = widths.reduce(0, +) + gap * all.count + 2 <= area.width
        if sideBySide {
            let h = Swift.min(tallest, Swift.max(1, rowsLeft - 2))
            var x = area.x
            for (k, (op, table)) in zip(all, tables).enumerated() {
                if k == all.count - 1 {
                    buffer.put("=", x: x, y: y + 1 + Swift.min(h, op.matrix.rows) / 2, style: .plain, clip: area)
                    x += 2
                }
                buffer.put(op.label, x: x, y: y, style: op.row != nil ? theme.title : theme.muted, clip: area)
                let rows = Swift.min(h + (op.matrix.rows > h ? 1 : 0), op.matrix.rows)
                table.render(into: &buffer, area: Rect(x: x, y: y + 1, width: widths[k], height: Swift.max(1, Swift.min(rows, area.bottom - y - 1))), theme: theme)
                x += widths[k] + gap
            }
            y += 1 + Swift.min(h + 1, tallest) + 1
        } else {
            // One operand under the other, each label on its matrix's first row.
            let labels = all.enumerated().map { k, op in (k == all.count - 1 ? "= " : "") + op.label }
            let labelWidth = Swift.min(area.width / 3, (labels.map(displayWidth).max() ?? 0) + 1)
            for (k, (op, table)) in zip(all, tables).enumerated() where y < area.bottom - reserve {
                buffer.put(truncate(labels[k], to: labelWidth, glyphs: theme.glyphs), x: area.x, y: y, style: op.row != nil ? theme.title : theme.muted, clip: area)
                let h = Swift.min(op.matrix.rows, Swift.max(1, (area.bottom - reserve - y) / Swift.max(1, all.count - k)))
                table.render(into: &buffer, area: Rect(x: area.x + labelWidth, y: y, width: area.width - labelWidth, height: h), theme: theme)
                y += h
            }
            y += 1
        }
        for text in expanded { line(text, .plain) }
        if let change { line(change, .plain) }
        if let check = e.check, !quiz {
            // The central-difference estimate itself, beside backpropagation's numbers.
            let values = check.checked.prefix(8).map { Self.number(check.numeric[$0]) }.joined(separator: " ")
            let more = check.checked.count > 8 ? " +\(check.checked.count - 8)" : ""
            if check.isComplete {
                line("finite-difference estimate (J(w + h) - J(w - h)) / 2h: [\(values)\(more)]", .plain)
            } else {
                // A large tensor: a sample, so the check stays one pass per entry probed.
                line("finite-difference estimate (J(w + h) - J(w - h)) / 2h on \(NumberFormat.grouped(check.checked.count)) of "
                     + "\(NumberFormat.grouped(check.backprop.count)) entries (evenly spaced, and the largest gradient): [\(values)\(more)]", .plain)
            }
            let ok = check.maxRelativeError < 1e-6
            let mark = ok ? (theme.glyphs.unicode ? "✓" : "ok") : (theme.glyphs.unicode ? "✗" : "!!")
            line("finite differences: \(check.name) max relative error \(NumberFormat.scientific(check.maxRelativeError, digits: 1)) \(mark)"
                 + (ok ? "  (backpropagation is exact)" : "  (check the derivative)"), ok ? theme.good : theme.error)
        }
        if e.kind == .lossAfterUpdate && !quiz {
            // Six digits and the change itself, so a small step is seen to lower J.
            let before = trace.loss, after = trace.lossAfterUpdate ?? .nan
            var text = "J for this example: \(NumberFormat.significant(before, digits: 6)) before the update, \(NumberFormat.significant(after, digits: 6)) after"
            if let p = trace.prediction, let q = trace.predictionAfterUpdate { text += "; predicted class \(p) -> \(q)" }
            line(text, theme.title)
            let delta = after - before
            line("change of J: \(NumberFormat.scientific(delta, digits: 2))" + (delta < 0 ? " (the step lowered the loss)" : delta > 0 ? " (the step raised it: the rate may be too large)" : ""),
                 delta <= 0 ? theme.good : theme.warning)
        }
    }

    /// The operands' tables with `digits` significant digits, the result's entries from
    /// `hiddenFrom` on hidden.
    static func tables(_ all: [Operand], digits: Int, hiddenFrom: Int?) -> [MatrixTable] {
        all.enumerated().map { k, op in
            var table = MatrixTable(values: op.matrix.values, rows: op.matrix.rows, cols: op.matrix.cols, highlightRow: op.row, highlightColumn: op.column, digits: digits)
            if k == all.count - 1, let from = hiddenFrom { table.hidden = Set(from..<Swift.max(from, op.matrix.values.count)) }
            return table
        }
    }

    /// For an update: how far it moved the parameters, which may be too little to see in
    /// four digits ("W(2) moved by at most 3.1e-05").
    func updateChange() -> String? {
        let before: [Double]
        switch entry.kind {
        case .updatedW(let l): before = trace.network.W(l).values
        case .updatedB(let l): before = trace.network.b(l)
        default: return nil
        }
        let after = entry.value.values
        guard before.count == after.count else { return nil }
        let largest = zip(before, after).map { Swift.abs($1 - $0) }.max() ?? 0
        return "\(entry.symbol) moved by at most \(NumberFormat.significant(largest, digits: 2)) (eta times the largest |gradient|)"
    }
}
