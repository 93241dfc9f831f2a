import Formatting
import LabRendering
import NeuralCore

/// The step-through screen (`f`): one example's forward pass, loss, backward pass and update,
/// one computation per key press: the example on the map, the network with the layer in
/// focus, the computation with its numbers, and the ones before it.
struct StepScreen: Screen {
    let context: ScreenContext

    func draw(into frame: inout Frame, header: Rect, body: Rect, footer: Rect, theme: Theme) {
        var batch: (rows: Int, lines: Int, blocks: [Int])?
        frame.map = draw(&frame.buffer, rows: [header, body, footer], theme: theme, batch: &batch)
        frame.batch = batch
        OverlayView(context: context).render(into: &frame.buffer, body: body, settingsArea: body, theme: theme)
    }

    /// While another thread makes a large network's trace: what it is doing, how far it is.
    private func drawMaking(_ progress: (done: Int, total: Int), cursor: StepCursor, rows: [Rect], theme: Theme, into buffer: inout Buffer) {
        let parameters = NumberFormat.grouped(context.snapshot.network.architecture.parameterCount)
        StatusBar(segments: [(" Step-through", theme.title), ("making the trace", theme.accent),
                             ("example \(cursor.point + 1)/\(context.points.count)", .plain)],
                  right: nil, background: theme.bar)
            .render(into: &buffer, area: rows[0], theme: theme)
        DashboardScreen.drawFooter(context.footerHints(theme), notice: context.footerNotice, theme: theme, into: &buffer, area: rows[2])
        let width = Swift.min(rows[1].width, 72), height = Swift.min(rows[1].height, 9)
        let area = Rect(x: rows[1].x + (rows[1].width - width) / 2, y: rows[1].y + (rows[1].height - height) / 2, width: width, height: height)
        Panel(title: "Making the trace", focused: true).render(into: &buffer, area: area, theme: theme)
        let checked = progress.total == 0 ? "the forward and backward pass"
            : "the gradient check by finite differences: \(NumberFormat.grouped(progress.done)) of \(NumberFormat.grouped(progress.total)) entries"
        let text = "This network has \(parameters) parameters: its trace is made on another thread.\n\nNow: \(checked).\n\nEsc leaves the step-through; every other key still acts."
        TextPanel(text: text).render(into: &buffer, area: Panel.inner(area).inset(dx: 1, dy: 0), theme: theme)
    }

    private func draw(_ buffer: inout Buffer, rows: [Rect], theme: Theme, batch: inout (rows: Int, lines: Int, blocks: [Int])?) -> MapArea? {
        guard let cursor = state.stepping, cursor.point < context.points.count else { return nil }
        guard let trace = context.trace else {
            if let progress = context.traceProgress { drawMaking(progress, cursor: cursor, rows: rows, theme: theme, into: &buffer) }
            return nil
        }
        let points = context.points
        var mapArea: MapArea?
        let entry = trace.entries[Swift.min(cursor.index, trace.entries.count - 1)]
        let p = points[cursor.point]
        // Header: the example and where we are.
        let d = context.dataset
        let all: [Double] = d.dimension >= 3 && p.index >= 0 && p.index < d.count ? Array(d.coordinates(p.index)) : [p.x, p.y]
        let coordinates = d.dimension == 1 ? "x = \(NumberFormat.compact(p.x, significant: 3))"
            : "x = (" + all.map { NumberFormat.compact($0, significant: 3) }.joined(separator: ", ") + ")"
        let targets = d.targets(of: p, outputs: d.outputWidth)
        let target = d.classCount != nil ? "label \(p.label)"
            : targets.count == 1 ? "target \(NumberFormat.compact(p.value, significant: 3))"
            : "targets (" + targets.map { NumberFormat.compact($0, significant: 3) }.joined(separator: ", ") + ")"
        let phase: String = switch entry.phase {
        case .forward: "forward pass"
        case .loss: "loss"
        case .backward: "backward pass"
        case .update: "update"
        }
        StatusBar(segments: [(" Step-through", theme.title), ("\(cursor.index + 1)/\(trace.entries.count): \(phase)", theme.accent),
                             ("example \(cursor.point + 1)/\(points.count): \(coordinates), \(target)" + (p.isTest ? " (test)" : ""), .plain)],
                  right: cursor.batchScroll != nil ? ("minibatch of \(context.batch?.m ?? 0) ", theme.accent)
                      : state.quiz.map { ("quiz \($0.score.right)/\($0.score.asked) ", theme.accent) } ?? (cursor.unitMode ? "unit mode " : "vector mode ", theme.muted),
                  background: theme.bar)
            .render(into: &buffer, area: rows[0], theme: theme)
        DashboardScreen.drawFooter(context.footerHints(theme), notice: context.footerNotice, theme: theme, into: &buffer, area: rows[2])

        let columns = Layout.horizontal([.percentage(buffer.width >= 150 ? 34 : buffer.width >= 100 ? 38 : 30), .fill(1)]).split(rows[1])
        // The map a little taller than the network, so its legend fits at 80x24.
        let left = Layout.vertical([.fill(3), .fill(2)]).split(columns[0])
        // The map with the example marked.
        let snapshot = context.snapshot
        if d.classCount == nil, d.dimension >= 3 || d.outputWidth >= 2,
                  let fit = Views.fitPlots(snapshot.network, dataset: d, points: points, features: context.configuration.features, maxPlots: 1),
                  let first = fit.plots.first {
            // No map shows every input: the first output against its target, this example marked.
            Panel(title: "The example", rightTitle: first.label).render(into: &buffer, area: left[0], theme: theme)
            var plot = first.plot
            let output = trace.entries.last { $0.kind == .a(trace.network.shapes.count + 1) }?.value.values.first
            if let output { plot.marked = (targets[0], output) }
            plot.render(into: &buffer, area: Panel.inner(left[0]), theme: theme)
        } else if context.dataset.dimension >= 2 {
            Panel(title: "The example", rightTitle: p.isTest ? "test point" : "training point").render(into: &buffer, area: left[0], theme: theme)
            let inner = Panel.inner(left[0])
            var map = Views.decisionMap(snapshot.network, dataset: context.dataset, points: points, sampler: context.sampler, area: inner, theme: theme,
                                        threshold: context.configuration.threshold)
            map.marked = (p.x, p.y)
            mapArea = MapArea(plot: DecisionMap.plotArea(inner), x: map.x, y: map.y)
            map.showTest = true
            map.render(into: &buffer, area: inner, theme: theme)
        } else {
            Panel(title: "The example").render(into: &buffer, area: left[0], theme: theme)
            var plot = Views.curvePlot(snapshot.network, dataset: context.dataset, kind: context.datasetKind, train: context.trainIndices, sampler: context.sampler,
                                       width: Panel.inner(left[0]).width, units: false)
            plot.points = []
            plot.marked = (p.x, p.value)
            plot.render(into: &buffer, area: Panel.inner(left[0]), theme: theme)
        }
        // The network with the layer in focus.
        let arch = trace.network.architecture
        Panel(title: "Network", rightTitle: "layer in focus").render(into: &buffer, area: left[1], theme: theme)
        let values = [trace.input] + trace.network.shapes.map { s in
            trace.entries.last { $0.kind == .a(s.l + 1) }?.value.values ?? []
        }
        var layers = [NetworkDiagram.Layer(label: "a(1)", units: arch.inputs, names: context.inputNames(theme), values: values[0])]
        // While the quiz waits for a value, the diagram shows only what was computed before it.
        let computed = cursorForwardLayer(trace, context.quizQuestion == nil ? cursor.index : Swift.max(0, cursor.index - 1))
        for (i, shape) in trace.network.shapes.enumerated() {
            let shown = i + 1 <= computed ? values[i + 1] : nil
            layers.append(.init(label: "a(\(shape.l + 1))", units: shape.units, values: shown, skipFrom: shape.skipSource.map { $0 + 1 },
                                dropout: shape.keep < 1))
        }
        let focus: Int = switch entry.kind {
        case .loss, .lossAfterUpdate: layers.count - 1
        case .input, .z, .a, .delta, .mean, .variance, .zhat, .gradA, .gradZhat: entry.layer - 1
        case .gradW, .gradB, .updatedW, .updatedB, .gradGamma, .gradBeta, .updatedGamma, .updatedBeta: entry.layer
        }
        NetworkDiagram(layers: layers, weights: Views.diagramWeights(trace.network), parameterCount: arch.parameterCount, highlighted: Swift.min(focus, layers.count - 1))
            .render(into: &buffer, area: Panel.inner(left[1]), theme: theme)

        if let scroll = cursor.batchScroll, let pass = context.batch {
            batch = drawBatch(pass, scroll: scroll, theme: theme, into: &buffer, area: columns[1])
            return mapArea
        }
        // The computation in detail, and the ones before it.
        let right = Layout.vertical(buffer.height >= 30 ? [.fill(3), .min(6)] : [.fill(1), .length(5)]).split(columns[1])
        let title: String = switch entry.phase {
        case .forward: "Forward pass"
        case .loss: "Loss"
        case .backward: "Backward pass"
        case .update: "Update, eta = \(NumberFormat.compact(context.configuration.settings.learningRate))"
        }
        Panel(title: title, rightTitle: entry.symbol, focused: true).render(into: &buffer, area: right[0], theme: theme)
        let unit = cursor.unitMode ? Swift.min(cursor.unit, Swift.max(0, entry.value.rows - 1)) : nil
        if let q = context.quizQuestion {
            drawQuestion(q, entry: entry, cursor: cursor, unit: unit, theme: theme, into: &buffer, area: Panel.inner(right[0]).inset(dx: 1, dy: 0))
        } else {
            StepDetail(trace: trace, index: cursor.index, unit: unit).render(into: &buffer, area: Panel.inner(right[0]).inset(dx: 1, dy: 0), theme: theme)
        }

        Panel(title: "So far").render(into: &buffer, area: right[1], theme: theme)
        let inner = Panel.inner(right[1]).inset(dx: 1, dy: 0)
        // While the quiz waits for a value, it is not shown here either.
        let done = Array(trace.entries[..<(context.quizQuestion == nil ? cursor.index + 1 : cursor.index)])
        for (k, e) in done.suffix(inner.height).enumerated() {
            // A matrix keeps its rows ("[1 2; 3 4]"); a column vector is written as one row.
            let m = e.value
            let perRow = m.cols == 1 ? m.rows : m.cols
            let rows = stride(from: 0, to: Swift.min(m.values.count, 8), by: perRow).map { start in
                m.values[start..<Swift.min(start + perRow, m.values.count, start + 8)].map(StepDetail.number).joined(separator: " ")
            }
            let more = m.values.count > 8 ? " +\(m.values.count - 8)" : ""
            let text = "\(e.symbol) = [\(rows.joined(separator: "; "))\(more)]" + (e.check.map { "  fd \(NumberFormat.scientific($0.maxRelativeError, digits: 0))" } ?? "")
            buffer.put(truncate(text, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: inner.y + k,
                       style: k == Swift.min(done.count, inner.height) - 1 ? theme.title : theme.muted)
        }
        return mapArea
    }

    /// The quiz's question: the computation with its operands and the values not yet answered
    /// as "?", then the answers given and the one being typed.
    private func drawQuestion(_ q: Quiz.Question, entry: TraceEntry, cursor: StepCursor, unit: Int?, theme: Theme, into buffer: inout Buffer, area: Rect) {
        var lines: [(String, Style)] = []
        let answers = state.quiz?.answers ?? [:]
        for other in Quiz.questions(context.trace!) where other.entry == q.entry && other.element < q.element {
            let right = answers[QuizState.key(cursor.point, other)] ?? false
            lines.append(("\(other.name) = \(StepDetail.number(other.value))   \(right ? "right" : "wrong")", right ? theme.good : theme.warning))
        }
        lines.append(("\(q.name) = \(state.quiz?.typed ?? "")" + (theme.glyphs.unicode ? "█" : "_") + "   predict it from the numbers above", theme.accent))
        lines.append(("enter checks; right within 1% or 0.01; Q ends", theme.muted))
        let rows = Swift.min(lines.count + 1, Swift.max(0, area.height - 4))
        let top = Rect(x: area.x, y: area.y, width: area.width, height: area.height - rows)
        StepDetail(trace: context.trace!, index: cursor.index, unit: unit, hiddenFrom: q.element).render(into: &buffer, area: top, theme: theme)
        for (k, line) in lines.suffix(rows - 1).enumerated() {
            buffer.put(truncate(line.0, to: area.width, glyphs: theme.glyphs), x: area.x, y: top.bottom + 1 + k, style: line.1, clip: area)
        }
    }

    /// The minibatch view: the vectorised pass as text from line `scroll`, with a scroll bar;
    /// returns the rows shown, the text's lines and the first line of each matrix.
    private func drawBatch(_ pass: BatchTrace, scroll: Int, theme: Theme, into buffer: inout Buffer, area: Rect) -> (rows: Int, lines: Int, blocks: [Int]) {
        let inner = Panel.inner(area).inset(dx: 1, dy: 0)
        let (lines, blocks) = Self.batchLines(pass, width: inner.width, theme: theme)
        let shown = Swift.min(scroll, Swift.max(0, lines.count - inner.height))
        let what = "Minibatch: m = \(pass.m), one example per column"
        let position = lines.count > inner.height ? "\(shown + 1)-\(Swift.min(lines.count, shown + inner.height)) of \(lines.count)" : ""
        Panel(title: what, rightTitle: position, focused: true).render(into: &buffer, area: area, theme: theme)
        for (k, line) in lines.dropFirst(shown).prefix(inner.height).enumerated() {
            let heading = blocks.contains(shown + k)
            buffer.put(truncate(line, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: inner.y + k, style: heading ? theme.title : .plain, clip: inner)
        }
        return (inner.height, lines.count, blocks)
    }

    /// The minibatch view's text for a panel `width` wide, and the first line of each block (a
    /// matrix with its formula and shape, or a pass's heading).
    static func batchLines(_ pass: BatchTrace, width: Int, theme: Theme = .plain) -> (lines: [String], blocks: [Int]) {
        var lines: [String] = [], blocks: [Int] = []
        for section in Lab.batchTraceSections(pass, width: Swift.max(20, width - 1), theme: theme) {
            blocks.append(lines.count)
            // Matrices keep their rows (the table fits them); sentences wrap.
            lines += section.prose ? section.lines.flatMap { $0.isEmpty ? [""] : TextPanel.wrap($0, width: width) } : section.lines
        }
        return (lines, blocks)
    }

    /// How many layers' activations are computed by step `index` (the diagram shades those).
    private func cursorForwardLayer(_ trace: Trace, _ index: Int) -> Int {
        var n = 0
        for e in trace.entries[...index] { if case .a(let l) = e.kind { n = Swift.max(n, l - 1) } }
        return n
    }
}

extension Lab {
    /// The whole trace as text, for handouts (`nnlab step`).
    public static func traceText(_ trace: Trace, width: Int = 100, unit: Int? = nil, theme: Theme = .plain) -> String {
        traceBlocks(trace, width: width, unit: unit, theme: theme).joined(separator: "\n")
    }

    /// Each computation of the trace as text (a block of lines ending with an empty one).
    public static func traceBlocks(_ trace: Trace, width: Int = 100, unit: Int? = nil, theme: Theme = .plain) -> [String] {
        var blocks: [String] = []
        for i in trace.entries.indices {
            var out: [String] = []
            let detail = StepDetail(trace: trace, index: i, unit: unit)
            let tallest = ([detail.entry.value] + detail.operands().inputs.map(\.matrix)).map(\.rows).max() ?? 1
            var buffer = Buffer(width: width, height: tallest * 4 + 16)
            detail.render(into: &buffer, area: buffer.area, theme: theme)
            var lines = buffer.lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }
            while lines.last?.isEmpty == true { lines.removeLast() }
            let phase = trace.entries[i].phase.rawValue
            out.append("[\(i + 1)/\(trace.entries.count) \(phase)] " + (lines.first ?? ""))
            out += lines.dropFirst()
            out.append("")
            blocks.append(out.joined(separator: "\n"))
        }
        return blocks
    }
}
