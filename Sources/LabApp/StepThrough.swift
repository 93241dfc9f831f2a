import Formatting
import LabRendering
import NeuralCore

/// The step-through screen (`f`): one example's forward pass, loss, backward pass and update,
/// one computation per key press, on the network being trained.
extension Lab {
    /// Opens the step-through on the chosen example (the first training point the first time);
    /// training pauses.
    func openStepThrough() {
        guard !points.isEmpty else { state.notice = "there are no points to step through"; return }
        controller.send(.pause)
        var cursor = state.stepping ?? StepCursor()
        if let chosen = state.selectedPoint { cursor.point = chosen }
        cursor.point = Swift.min(cursor.point, points.count - 1)
        state.stepping = cursor
        stepTrace = nil
        state.notice = nil
    }

    /// The network's input for a data point (its features; x alone for 1-D data).
    func input(of p: MapPoint) -> [Double] {
        configuration.features.input(p.x, p.y, dimension: session.dataset.dimension)
    }

    /// The trace for the current point and weights (made again when either changed).
    func currentTrace() -> Trace? {
        guard let cursor = state.stepping, cursor.point < points.count else { return nil }
        let snapshot = controller.snapshot
        if let t = stepTrace, t.point == cursor.point, t.version == snapshot.version { return t.trace }
        let p = points[cursor.point]
        let input = input(of: p)
        let arch = snapshot.network.architecture
        let trace: Trace
        if session.dataset.classCount != nil {
            trace = snapshot.network.trace(input: input, label: p.label, learningRate: configuration.settings.learningRate)
        } else {
            trace = snapshot.network.trace(input: input, target: [Double](repeating: p.value, count: arch.outputs), learningRate: configuration.settings.learningRate)
        }
        stepTrace = (trace, cursor.point, snapshot.version)
        return trace
    }

    func performStep(_ action: LabAction) {
        guard var cursor = state.stepping else { return }
        let trace = currentTrace()
        let count = trace?.entries.count ?? 1
        switch action {
        case .stepMove(let d): cursor.index = Swift.min(count - 1, Swift.max(0, cursor.index + d))
        case .stepEnd(let last): cursor.index = last ? count - 1 : 0
        case .stepLayer(let d):
            // Computations come in groups of one layer and phase (z(2) and a(2)); N and P go to
            // the first computation of the next or previous group.
            guard let entries = trace?.entries else { break }
            let starts = entries.indices.filter { $0 == 0 || entries[$0].layer != entries[$0 - 1].layer || entries[$0].phase != entries[$0 - 1].phase }
            let current = starts.last { $0 <= cursor.index } ?? 0
            cursor.index = d > 0 ? starts.first { $0 > current } ?? count - 1 : starts.last { $0 < current } ?? 0
        case .stepUnitMode:
            cursor.unitMode.toggle()
            state.notice = cursor.unitMode ? "unit mode: unit \(cursor.unit + 1)'s sum written out (j/k another unit)" : "vector mode: whole layers"
        case .stepUnit(let d):
            cursor.unitMode = true
            let rows = Swift.max(1, trace?.entries[cursor.index].value.rows ?? 1)
            cursor.unit = ((cursor.unit + d) % rows + rows) % rows
        case .stepCycle(let d):
            cursor.point = (cursor.point + d + points.count) % points.count
        case .stepPoint(let direction):
            cursor.point = nearestPoint(from: cursor.point, direction)
        case .stepClose:
            state.stepping = nil
            stepTrace = nil
            return
        default: break
        }
        state.stepping = cursor
    }

    /// A click at a screen cell: the data point nearest to it on the map becomes the chosen
    /// example (of the step-through when it is open).
    func selectPoint(atColumn column: Int, row: Int) {
        guard let g = mapGeometry, g.plot.contains(column, row), !points.isEmpty else { return }
        let px = g.x.lowerBound + (Double(column - g.plot.x) + 0.5) / Double(g.plot.width) * (g.x.upperBound - g.x.lowerBound)
        let py = g.y.upperBound - (Double(row - g.plot.y) + 0.5) / Double(g.plot.height) * (g.y.upperBound - g.y.lowerBound)
        // Distances in cells, so a click means the same in x and y.
        let sx = Double(g.plot.width) / (g.x.upperBound - g.x.lowerBound), sy = Double(g.plot.height) / (g.y.upperBound - g.y.lowerBound)
        var best = 0
        var bestDistance = Double.infinity
        for (i, p) in points.enumerated() where state.showTest || !p.isTest {
            let d = ((p.x - px) * sx) * ((p.x - px) * sx) + ((p.y - py) * sy) * ((p.y - py) * sy)
            if d < bestDistance { bestDistance = d; best = i }
        }
        if var cursor = state.stepping {
            cursor.point = best
            state.stepping = cursor
        } else {
            state.selectedPoint = best
            state.notice = "example \(best + 1) chosen: the network shows its activations; f steps through it"
        }
    }

    /// The point nearest to point `from` in `direction` (itself when there is none).
    func nearestPoint(from: Int, _ direction: Direction) -> Int {
        let here = points[from]
        let (dx, dy): (Double, Double) = switch direction {
        case .up: (0, 1)
        case .down: (0, -1)
        case .left: (-1, 0)
        case .right: (1, 0)
        }
        var best = from
        var bestScore = Double.infinity
        for (i, p) in points.enumerated() where i != from {
            let along = (p.x - here.x) * dx + (p.y - here.y) * dy
            guard along > 1e-9 else { continue }
            let across = Swift.abs((p.x - here.x) * dy - (p.y - here.y) * dx)
            let score = along + 2 * across
            if score < bestScore { bestScore = score; best = i }
        }
        return best
    }

    /// The step-through screen.
    func composeStep(_ buffer: inout Buffer, rows: [Rect], theme: Theme) {
        guard let cursor = state.stepping, let trace = currentTrace() else { return }
        let entry = trace.entries[Swift.min(cursor.index, trace.entries.count - 1)]
        let p = points[cursor.point]
        // Header: the example and where we are.
        let coordinates = session.dataset.dimension == 1 ? "x = \(NumberFormat.compact(p.x, significant: 3))"
            : "x = (\(NumberFormat.compact(p.x, significant: 3)), \(NumberFormat.compact(p.y, significant: 3)))"
        let target = session.dataset.classCount != nil ? "label \(p.label)" : "target \(NumberFormat.compact(p.value, significant: 3))"
        let phase: String = switch entry.phase {
        case .forward: "forward pass"
        case .loss: "loss"
        case .backward: "backward pass"
        case .update: "update"
        }
        StatusBar(segments: [(" Step-through", theme.title), ("\(cursor.index + 1)/\(trace.entries.count): \(phase)", theme.accent),
                             ("example \(cursor.point + 1)/\(points.count): \(coordinates), \(target)" + (p.isTest ? " (test)" : ""), .plain)],
                  right: (cursor.unitMode ? "unit mode " : "vector mode ", theme.muted),
                  background: theme.bar)
            .render(into: &buffer, area: rows[0], theme: theme)
        var hints: [(key: String, action: String)] = [("n", "next"), ("p", "back"), ("N P", "layer"), ("u", cursor.unitMode ? "vector mode" : "unit mode")]
        if cursor.unitMode { hints.append(("j k", "unit")) }
        hints += [(theme.glyphs.arrowKeys, "example"), ("f", "dashboard"), ("?", "help"), ("q", "quit")]
        drawFooter(hints, theme: theme, into: &buffer, area: rows[2])

        let columns = Layout.horizontal([.percentage(buffer.width >= 150 ? 34 : buffer.width >= 100 ? 38 : 30), .fill(1)]).split(rows[1])
        let left = Layout.vertical([.fill(1), .fill(1)]).split(columns[0])
        // The map with the example marked.
        let snapshot = controller.snapshot
        if session.dataset.dimension == 2 {
            Panel(title: "The example", rightTitle: p.isTest ? "test point" : "training point").render(into: &buffer, area: left[0], theme: theme)
            let inner = Panel.inner(left[0])
            var map = Views.decisionMap(snapshot.network, dataset: session.dataset, points: points, sampler: sampler, area: inner, theme: theme)
            map.marked = (p.x, p.y)
            mapGeometry = (DecisionMap.plotArea(inner), map.x, map.y)
            map.showTest = true
            map.render(into: &buffer, area: inner, theme: theme)
        } else {
            Panel(title: "The example").render(into: &buffer, area: left[0], theme: theme)
            var plot = Views.curvePlot(snapshot.network, dataset: session.dataset, kind: datasetKind, train: session.trainIndices, sampler: sampler,
                                       width: Panel.inner(left[0]).width, units: false)
            plot.points = []
            plot.marked = (p.x, p.value)
            plot.render(into: &buffer, area: Panel.inner(left[0]), theme: theme)
        }
        // The network with the layer in focus.
        let arch = trace.network.architecture
        Panel(title: "Network", rightTitle: "layer in focus").render(into: &buffer, area: left[1], theme: theme)
        let values = [trace.input] + trace.network.shapes.map { s in
            trace.entries.last { $0.symbol == "a(\(s.l + 1))" }?.value.values ?? []
        }
        var layers = [NetworkDiagram.Layer(label: "a(1)", units: arch.inputs, names: inputNames(theme), values: values[0])]
        for (i, shape) in trace.network.shapes.enumerated() {
            let shown = i + 1 <= cursorForwardLayer(trace, cursor.index) ? values[i + 1] : nil
            layers.append(.init(label: "a(\(shape.l + 1))", units: shape.units, values: shown))
        }
        let focus: Int = switch entry.phase {
        case .forward, .loss: entry.symbol == "J" ? layers.count - 1 : entry.layer - 1
        case .backward: entry.symbol.hasPrefix("delta") ? entry.layer - 1 : entry.layer
        case .update: entry.symbol == "J" ? layers.count - 1 : entry.layer
        }
        NetworkDiagram(layers: layers, weights: Self.diagramWeights(trace.network), parameterCount: arch.parameterCount, highlighted: Swift.min(focus, layers.count - 1))
            .render(into: &buffer, area: Panel.inner(left[1]), theme: theme)

        // The computation in detail, and the ones before it.
        let right = Layout.vertical(buffer.height >= 30 ? [.fill(3), .min(6)] : [.fill(1), .length(5)]).split(columns[1])
        let title: String = switch entry.phase {
        case .forward: "Forward pass"
        case .loss: "Loss"
        case .backward: "Backward pass"
        case .update: "Update, eta = \(NumberFormat.compact(configuration.settings.learningRate))"
        }
        Panel(title: title, rightTitle: entry.symbol, focused: true).render(into: &buffer, area: right[0], theme: theme)
        let unit = cursor.unitMode ? Swift.min(cursor.unit, Swift.max(0, entry.value.rows - 1)) : nil
        StepDetail(trace: trace, index: cursor.index, unit: unit).render(into: &buffer, area: Panel.inner(right[0]).inset(dx: 1, dy: 0), theme: theme)

        Panel(title: "So far").render(into: &buffer, area: right[1], theme: theme)
        let inner = Panel.inner(right[1]).inset(dx: 1, dy: 0)
        let done = Array(trace.entries[...cursor.index])
        for (k, e) in done.suffix(inner.height).enumerated() {
            let numbers = e.value.values.prefix(6).map { NumberFormat.fixed($0, decimals: 4, trim: false) }.joined(separator: " ")
            let more = e.value.values.count > 6 ? " +\(e.value.values.count - 6)" : ""
            let text = "\(e.symbol) = [\(numbers)\(more)]" + (e.check.map { "  fd \(NumberFormat.scientific($0.maxRelativeError, digits: 0))" } ?? "")
            buffer.put(truncate(text, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: inner.y + k,
                       style: k == Swift.min(done.count, inner.height) - 1 ? theme.title : theme.muted)
        }
    }

    /// How many layers' activations are computed by step `index` (the diagram shades those).
    private func cursorForwardLayer(_ trace: Trace, _ index: Int) -> Int {
        var n = 0
        for e in trace.entries[...index] where e.phase == .forward && e.symbol.hasPrefix("a(") { n = Swift.max(n, e.layer - 1) }
        return n
    }

    /// The whole trace as text, for handouts (`nnlab step`).
    public static func traceText(_ trace: Trace, width: Int = 100, unit: Int? = nil, theme: Theme = .plain) -> String {
        var out: [String] = []
        for i in trace.entries.indices {
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
        }
        return out.joined(separator: "\n")
    }
}
