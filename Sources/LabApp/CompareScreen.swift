import Formatting
import LabRendering
import NeuralCore

/// Two to four networks side by side, trained in lockstep on the same data: one line of
/// numbers per network, one map each, one loss chart and one accuracy chart with every
/// network's curve. The focused network (keys change it) has the highlighted frame.
struct CompareScreen: Screen {
    let context: ScreenContext

    func draw(into frame: inout Frame, header headerArea: Rect, body: Rect, footer footerArea: Rect, theme: Theme) {
        let panes = context.panes
        header(theme: theme, width: frame.buffer.width).render(into: &frame.buffer, area: headerArea, theme: theme)
        DashboardScreen.drawFooter(context.footerHints(theme), notice: context.footerNotice, theme: theme, into: &frame.buffer, area: footerArea)

        // Nine rows: a chart of four rows with its legend, axis and the timeline.
        let chartRows = body.height >= 40 ? body.height / 4 : 9
        var parts = Layout.vertical([.length(panes.count + 1), .fill(1), .length(chartRows)]).split(body)
        drawTable(theme: theme, into: &frame.buffer, area: parts[0])
        // Maps too small for their own legend share one, on the row above them.
        if context.dataset.dimension == 2, let first = Self.grid(count: panes.count, in: parts[1]).first,
           DecisionMap.legendRows(Panel.inner(first)) == 0, parts[1].height > 6 {
            let row = Rect(x: parts[1].x, y: parts[1].y, width: parts[1].width, height: 1)
            parts[1] = Rect(x: parts[1].x, y: parts[1].y + 1, width: parts[1].width, height: parts[1].height - 1)
            let shown = state.showTest ? context.points : context.points.filter { !$0.isTest }
            var map = Views.decisionMap(panes[0].snapshot.network, dataset: context.dataset, points: shown, sampler: panes[0].sampler,
                                        area: Rect(x: 0, y: 0, width: 1, height: 1), theme: theme, threshold: panes[0].threshold)
            map.discretize = state.discretize
            map.showTest = state.showTest
            map.renderLegend(into: &frame.buffer, area: row, theme: theme)
        }
        for (i, area) in Self.grid(count: panes.count, in: parts[1]).enumerated() {
            let map = drawMap(i, panes[i], theme: theme, into: &frame.buffer, area: area)
            if i == context.state.focus { frame.map = map }
        }
        frame.timeline = drawCharts(theme: theme, into: &frame.buffer, area: parts[2])
        OverlayView(context: context).render(into: &frame.buffer, body: body, settingsArea: Layout.horizontal([.fill(1), .fill(1)]).split(body)[1], theme: theme)
    }

    /// The panes' areas: one row when each gets at least 36 columns (or there are two), else
    /// two rows of two.
    static func grid(count: Int, in area: Rect, minimumWidth: Int = 36) -> [Rect] {
        guard count > 0 else { return [] }
        if count <= 2 || area.width / count >= minimumWidth || area.height < 12 {
            return Layout.horizontal(Array(repeating: .fill(1), count: count)).split(area)
        }
        let rows = Layout.vertical([.fill(1), .fill(1)]).split(area)
        let top = Layout.horizontal([.fill(1), .fill(1)]).split(rows[0])
        let bottom = Layout.horizontal(Array(repeating: .fill(1), count: count - 2)).split(rows[1])
        return top + bottom
    }

    func header(theme: Theme, width: Int) -> StatusBar {
        let s = context.snapshot
        var segments: [(text: String, style: Style)] = [(" " + context.scenario.title, theme.title)]
        segments.append(("\(context.panes.count) networks, same data", .plain))
        segments.append(("step \(NumberFormat.grouped(s.stepCount))", .plain))
        if s.status == .running { segments.append(("\(NumberFormat.grouped(Int(s.stepsPerSecond.isFinite ? s.stepsPerSecond.rounded() : 0))) steps/s each", theme.muted)) }
        let name = context.statusName
        let style: Style = context.trouble != nil && context.timelineStatus == nil ? theme.warning.bold
            : context.timelineStatus != nil || !(s.status == .running || s.status == .paused) ? theme.accent
            : s.status == .running ? theme.good.bold : theme.warning.bold
        let numbers = segments.dropFirst().reduce(0) { $0 + displayWidth($1.text) + 2 } + displayWidth(name) + 2
        segments[0].text = " " + truncate(context.scenario.title, to: Swift.max(12, width - numbers - 2), glyphs: theme.glyphs)
        return StatusBar(segments: segments, right: (name + " ", style), background: theme.bar)
    }

    /// The networks as a table, one row each under a header that names every column (train
    /// and test told apart, dead units over the units that can die): the chart's line mark
    /// first, so the curves can be told apart; the focused network marked.
    func drawTable(theme: Theme, into buffer: inout Buffer, area: Rect) {
        let panes = context.panes
        guard area.height > 0, !panes.isEmpty else { return }
        let hasTest = panes.contains { $0.snapshot.metrics.test != nil }
        let hasAccuracy = panes.contains { $0.snapshot.metrics.train.accuracy != nil }
        let hasDead = panes.contains { $0.deadUnits != nil }
        // The columns after the name: a header and each network's cells, right-aligned.
        var headers = ["epoch", "loss train"] + (hasTest ? ["test"] : [])
        if hasAccuracy { headers += ["acc train"] + (hasTest ? ["test"] : []) }
        if hasDead { headers.append("dead") }
        let cells: [[String]] = panes.map { pane in
            let m = pane.snapshot.metrics
            var row = [NumberFormat.grouped(pane.snapshot.epoch), NumberFormat.loss(m.train.meanLoss)]
            if hasTest { row.append(m.test.map { NumberFormat.loss($0.meanLoss) } ?? "-") }
            if hasAccuracy {
                row.append(m.train.accuracy.map { NumberFormat.percent($0) } ?? "-")
                if hasTest { row.append(m.test?.accuracy.map { NumberFormat.percent($0) } ?? "-") }
            }
            if hasDead { row.append(pane.deadUnits.map { "\($0)/\(pane.unitsThatCanDie)" } ?? "-") }
            if pane.snapshot.status == .diverged {
                row = row.map { _ in "" }
                row[0] = NumberFormat.grouped(pane.snapshot.epoch)
                row[1] = "diverged at step \(NumberFormat.grouped(pane.snapshot.stepCount))"
            }
            return row
        }
        let widths = headers.indices.map { c in ([headers[c]] + cells.map { $0[c] }).map(displayWidth).max() ?? 0 }
        let numbers = widths.reduce(0) { $0 + $1 + 2 }
        // The name gets what the numbers leave (the variant's name, or how it differs).
        let lead = 6
        let nameRoom = Swift.max(4, area.width - lead - numbers - 1)
        let names = panes.enumerated().map { i, p in truncate("\(i + 1) " + (area.width >= 110 && p.label == p.name ? p.title : p.label), to: nameRoom, glyphs: theme.glyphs) }
        let nameWidth = Swift.min(nameRoom, names.map(displayWidth).max() ?? 0)
        func row(_ y: Int, _ texts: [String], style: (Int) -> Style) {
            var x = area.x + lead + nameWidth
            for (c, text) in texts.enumerated() {
                x += 2
                buffer.put(text.leftPadded(widths[c]), x: x, y: y, style: style(c), clip: area)
                x += widths[c]
            }
        }
        buffer.put("network".padded(nameWidth), x: area.x + lead, y: area.y, style: theme.muted, clip: area)
        row(area.y, headers) { _ in theme.muted }
        for (i, pane) in panes.enumerated() where i + 1 < area.height {
            let y = area.y + 1 + i
            let focused = i == context.state.focus
            var x = area.x
            x += buffer.put(focused ? (theme.glyphs.unicode ? "▶" : ">") : " ", x: x, y: y, style: theme.accent, clip: area)
            buffer.put(" " + LineChart.mark(i, theme) + " ", x: x, y: y, style: theme.series(i), clip: area)
            buffer.put(names[i], x: area.x + lead, y: y, style: focused ? theme.title : .plain, clip: area)
            row(y, cells[i]) { _ in pane.snapshot.status == .diverged ? theme.error : .plain }
        }
    }

    func drawMap(_ i: Int, _ pane: PaneView, theme: Theme, into buffer: inout Buffer, area: Rect, largePoints: Bool = false) -> MapArea? {
        let d = context.dataset
        let single = d.classCount == nil && (d.dimension >= 3 || d.outputWidth >= 2) ? "Output against target"
            : d.dimension == 1 ? "f(x) and the network's F(x)" : "Decision map"
        let title = pane.name.isEmpty ? single : "\(i + 1) \(pane.label)"
        Panel(title: title, rightTitle: pane.differs, focused: i == context.state.focus && context.panes.count > 1).render(into: &buffer, area: area, theme: theme)
        let inner = Panel.inner(area)
        guard inner.width >= 4, inner.height >= 2 else { return nil }
        let dataset = context.dataset
        if dataset.classCount == nil, dataset.dimension >= 3 || dataset.outputWidth >= 2 {
            // No map shows these whole: the first output against its target.
            let shown = state.showTest ? context.points : context.points.filter { !$0.isTest }
            guard let fit = Views.fitPlots(pane.snapshot.network, dataset: dataset, points: shown, features: pane.sampler.features, maxPlots: 1),
                  let first = fit.plots.first else { return nil }
            let label = "\(first.label) (F up, y across); largest error \(NumberFormat.compact(fit.maxError, significant: 3))"
            buffer.put(truncate(label, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: inner.y, style: theme.muted, clip: inner)
            var plot = first.plot
            plot.legend = inner.height >= 10
            plot.render(into: &buffer, area: Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1), theme: theme)
            return nil
        }
        if dataset.dimension == 1 {
            var plot = Views.curvePlot(pane.snapshot.network, dataset: dataset, kind: context.datasetKind, train: context.trainIndices,
                                       sampler: pane.sampler, width: inner.width, units: false)
            plot.legend = inner.height >= 10
            plot.render(into: &buffer, area: inner, theme: theme)
            return nil
        }
        let shown = state.showTest ? context.points : context.points.filter { !$0.isTest }
        var map = Views.decisionMap(pane.snapshot.network, dataset: dataset, points: shown, sampler: pane.sampler, area: inner, theme: theme,
                                    threshold: pane.threshold)
        map.discretize = state.discretize
        map.showTest = state.showTest
        map.largePoints = largePoints
        if state.editing && i == context.state.focus { map.marked = (state.editCursor.x, state.editCursor.y) }
        map.render(into: &buffer, area: inner, theme: theme)
        return MapArea(plot: DecisionMap.plotArea(inner), x: map.x, y: map.y)
    }

    /// The loss and accuracy charts, the timeline under the loss (returned: where its bar is).
    func drawCharts(theme: Theme, into buffer: inout Buffer, area: Rect) -> (bar: Rect, widget: TimelineBar)? {
        let panes = context.panes
        let hasAccuracy = panes.first?.snapshot.metrics.train.accuracy != nil
        let hasTest = panes.first?.snapshot.metrics.test != nil
        let columns = Layout.horizontal(hasAccuracy ? [.fill(1), .fill(1)] : [.fill(1)]).split(area)
        func x(_ s: TrainingSnapshot) -> [Double] { s.history.map { Double($0.epoch) } }
        Panel(title: "Training loss").render(into: &buffer, area: columns[0], theme: theme)
        let loss = panes.map { Views.trainingLoss($0.snapshot, label: $0.label) }
        var lossChart = LineChart(series: loss, logScale: true)
        lossChart.marker = context.lessonEpoch.map { (Double($0), " lesson") }
        lossChart.render(into: &buffer, area: context.chartArea(above: Panel.inner(columns[0])), theme: theme)
        let placed = context.drawTimeline(under: Panel.inner(columns[0]), into: &buffer, theme: theme)
        guard hasAccuracy else { return placed }
        Panel(title: hasTest ? "Test accuracy" : "Training accuracy").render(into: &buffer, area: columns[1], theme: theme)
        let accuracy = panes.map { p in
            LineChart.Series(label: p.label, values: p.snapshot.history.map { (hasTest ? $0.test?.accuracy : $0.train.accuracy) ?? .nan }, x: x(p.snapshot))
        }
        var accuracyChart = LineChart(series: accuracy, yRange: 0...1, percent: true)
        accuracyChart.marker = context.lessonEpoch.map { (Double($0), " lesson") }
        accuracyChart.render(into: &buffer, area: Panel.inner(columns[1]), theme: theme)
        return placed
    }
}

/// Presentation mode, for a projector: the maps get the screen, epoch, loss and accuracy are
/// drawn in block digits three rows tall, no lesson text, no footer, high contrast.
struct PresentationScreen: Screen {
    let context: ScreenContext

    func draw(into frame: inout Frame, header headerArea: Rect, body: Rect, footer footerArea: Rect, theme: Theme) {
        let s = context.snapshot
        let panes = context.panes.isEmpty ? [] : context.panes
        // The title row, then the body down to the last row (no footer; a notice takes the last row).
        var title = " " + context.scenario.title
        if panes.count > 1 { title += "  \(theme.glyphs.unicode ? "·" : "-")  " + panes.map(\.title).joined(separator: "  |  ") }
        // The way out stays on screen.
        let status = (context.statusName) + "  p returns "
        frame.buffer.put(truncate(title, to: Swift.max(1, headerArea.width - displayWidth(status) - 1), glyphs: theme.glyphs),
                         x: headerArea.x, y: headerArea.y, style: theme.title, clip: headerArea)
        frame.buffer.put(status, x: headerArea.right - displayWidth(status), y: headerArea.y, style: theme.title, clip: headerArea)
        var area = Rect(x: body.x, y: body.y, width: body.width, height: body.height + footerArea.height)
        if let notice = state.notice {
            frame.buffer.put(truncate(" " + notice, to: footerArea.width, glyphs: theme.glyphs), x: footerArea.x, y: footerArea.y, style: theme.accent, clip: footerArea)
            area.height -= 1
        }
        if panes.count > 1 {
            drawCompare(panes, theme: theme, into: &frame, area: area)
        } else {
            drawSingle(s, theme: theme, into: &frame, area: area)
        }
        OverlayView(context: context).render(into: &frame.buffer, body: body, settingsArea: Layout.horizontal([.fill(1), .fill(1)]).split(body)[1], theme: theme)
    }

    /// One map (its points drawn large), the three numbers beside it, and the loss curve
    /// under them when there is room.
    func drawSingle(_ s: TrainingSnapshot, theme: Theme, into frame: inout Frame, area: Rect) {
        let columns = Layout.horizontal([.percentage(62), .fill(1)]).split(area)
        let pane = PaneView(name: "", differs: "", snapshot: s, sampler: context.sampler, threshold: context.configuration.threshold)
        frame.map = CompareScreen(context: context).drawMap(0, pane, theme: theme, into: &frame.buffer, area: columns[0], largePoints: true)
        var y = columns[1].y + 1
        let numbers = Self.numbers(s)
        // Keep six rows for the loss curve when the numbers leave them.
        let step = columns[1].height >= numbers.count * 5 + 7 ? 5 : 4
        for (label, value) in numbers where y + 4 <= columns[1].bottom {
            frame.buffer.put(label, x: columns[1].x + 2, y: y, style: theme.title, clip: columns[1])
            BigText(value, style: theme.accent).render(into: &frame.buffer, area: Rect(x: columns[1].x + 2, y: y + 1, width: columns[1].width - 2, height: 3), theme: theme)
            y += step
        }
        let chart = Rect(x: columns[1].x, y: y, width: columns[1].width, height: columns[1].bottom - y)
        if chart.height >= 6 {
            Panel(title: "Loss").render(into: &frame.buffer, area: chart, theme: theme)
            var series = [LineChart.Series(label: "train", values: s.history.map(\.train.meanLoss), x: s.history.map { Double($0.epoch) })]
            if s.history.contains(where: { $0.test != nil }) {
                series.append(LineChart.Series(label: "test", values: s.history.map { $0.test?.meanLoss ?? .nan }, x: s.history.map { Double($0.epoch) }))
            }
            LineChart(series: series, logScale: true).render(into: &frame.buffer, area: Panel.inner(chart), theme: theme)
        }
    }

    /// The maps side by side, each with its accuracy and loss in block digits under it; the
    /// epoch (the same steps for all) in block digits above.
    func drawCompare(_ panes: [PaneView], theme: Theme, into frame: inout Frame, area: Rect) {
        let s = context.snapshot
        let top = Rect(x: area.x, y: area.y, width: area.width, height: 3)
        let epochLabel = "step "
        frame.buffer.put(epochLabel, x: top.x + 1, y: top.y + 1, style: theme.title, clip: top)
        BigText(NumberFormat.grouped(s.stepCount), style: theme.accent).render(into: &frame.buffer, area: Rect(x: top.x + 1 + epochLabel.count, y: top.y, width: top.width - 6, height: 3), theme: theme)
        let rest = Rect(x: area.x, y: area.y + 3, width: area.width, height: area.height - 3)
        // One row of maps unless they would be narrower than 18 columns; each keeps 8 rows.
        let cells = CompareScreen.grid(count: panes.count, in: rest, minimumWidth: rest.height < 30 ? 18 : 36)
        for (i, cell) in cells.enumerated() {
            let numbers = Self.numbers(panes[i].snapshot, compact: cell.width < 30).dropFirst()  // the epoch is above
            // Accuracy first (it is what a room reads), then the loss, as the room allows.
            var big = numbers.reversed().filter { BigText($0.value).width(unicode: theme.glyphs.unicode) <= cell.width - 2 }
            big = Array(big.prefix(Swift.max(0, (cell.height - 8) / 4)))
            let digitsRows = 4 * big.count
            let parts = Layout.vertical([.fill(1), .length(digitsRows)]).split(cell)
            let map = CompareScreen(context: context).drawMap(i, panes[i], theme: theme, into: &frame.buffer, area: parts[0], largePoints: true)
            if i == context.state.focus { frame.map = map }
            var y = parts[1].y
            for (label, value) in big {
                frame.buffer.put(label, x: parts[1].x + 1, y: y, style: theme.title, clip: parts[1])
                BigText(value, style: theme.series(i).bold).render(into: &frame.buffer, area: Rect(x: parts[1].x + 1, y: y + 1, width: parts[1].width - 1, height: 3), theme: theme)
                y += 4
            }
        }
    }

    /// Epoch, loss and accuracy (the test set's when there is one) as the big digits show them:
    /// thousands grouped, no scientific notation (a block "e" reads as a "2").
    static func numbers(_ s: TrainingSnapshot, compact: Bool = false) -> [(label: String, value: String)] {
        let m = s.metrics
        var out = [("epoch", NumberFormat.grouped(s.epoch))]
        let test = m.test
        out.append((test == nil ? "loss" : "test loss", plainDecimal((test ?? m.train).meanLoss, significant: compact ? 2 : 3)))
        if let a = (test ?? m.train).accuracy {
            // Narrow panes: whole percents, so "100%" fits.
            out.append((test == nil ? "accuracy" : "test accuracy", NumberFormat.fixed(a * 100, decimals: compact ? 0 : 1, trim: false) + "%"))
        }
        return out
    }

    /// `x` in plain decimals with `significant` significant digits, at most six decimals
    /// (0.000244, 0.0049, 12.5); NaN and infinity as the glyphs have them.
    static func plainDecimal(_ x: Double, significant: Int) -> String {
        guard x.isFinite else { return NumberFormat.compact(x) }
        guard x != 0 else { return "0" }
        // Beyond a million (a loss on its way to diverging) the "e" form is the lesser evil.
        guard Swift.abs(x) < 1e6 else { return NumberFormat.compact(x, significant: significant) }
        if Swift.abs(x) >= 1000 { return NumberFormat.grouped(Int(x.rounded())) }
        var decimals = 0
        var v = Swift.abs(x)
        while v < 1 && decimals < 6 { v *= 10; decimals += 1 }
        return NumberFormat.fixed(x, decimals: Swift.min(6, decimals + Swift.max(0, significant - 1 - (v >= 100 ? 2 : v >= 10 ? 1 : 0))))
    }
}
