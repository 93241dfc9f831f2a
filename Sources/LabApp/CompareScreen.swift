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

        let chartRows = body.height >= 40 ? body.height / 4 : (body.height >= 30 ? 8 : 6)
        let parts = Layout.vertical([.length(panes.count), .fill(1), .length(chartRows)]).split(body)
        for (i, pane) in panes.enumerated() where i < parts[0].height {
            paneLine(i, pane, theme: theme, into: &frame.buffer, area: Rect(x: parts[0].x, y: parts[0].y + i, width: parts[0].width, height: 1))
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
        if s.status == .running { segments.append(("\(NumberFormat.compact(s.stepsPerSecond, significant: 3)) steps/s each", theme.muted)) }
        let name = context.statusName
        let style: Style = context.trouble != nil && context.timelineStatus == nil ? theme.warning.bold
            : context.timelineStatus != nil || !(s.status == .running || s.status == .paused) ? theme.accent
            : s.status == .running ? theme.good.bold : theme.warning.bold
        let numbers = segments.dropFirst().reduce(0) { $0 + displayWidth($1.text) + 2 } + displayWidth(name) + 2
        segments[0].text = " " + truncate(context.scenario.title, to: Swift.max(12, width - numbers - 2), glyphs: theme.glyphs)
        return StatusBar(segments: segments, right: (name + " ", style), background: theme.bar)
    }

    /// "> 1 relu (activation relu)  epoch 12  loss 0.31 / 0.35  acc 91.0% / 89.5%  dead 3":
    /// the chart's line mark first, so the curves can be told apart.
    func paneLine(_ i: Int, _ pane: PaneView, theme: Theme, into buffer: inout Buffer, area: Rect) {
        let focused = i == context.state.focus
        var x = area.x
        x += buffer.put(focused ? (theme.glyphs.unicode ? "▶" : ">") : " ", x: x, y: area.y, style: theme.accent, clip: area)
        x += buffer.put(" " + LineChart.mark(i, theme) + " ", x: x, y: area.y, style: theme.series(i), clip: area)
        // The map's frame says how the network differs; the line names it, when there is room.
        let name = area.width >= 110 ? pane.title : pane.name
        x += buffer.put("\(i + 1) \(name)", x: x, y: area.y, style: focused ? theme.title : .plain, clip: area)
        let m = pane.snapshot.metrics
        var numbers = "  epoch \(NumberFormat.grouped(pane.snapshot.epoch))  loss \(NumberFormat.loss(m.train.meanLoss))"
        if let t = m.test { numbers += " / \(NumberFormat.loss(t.meanLoss))" }
        if let a = m.train.accuracy {
            numbers += "  acc \(NumberFormat.percent(a))"
            if let t = m.test?.accuracy { numbers += " / \(NumberFormat.percent(t))" }
        }
        if let dead = pane.deadUnits { numbers += "  dead \(dead)" }
        if pane.snapshot.status == .diverged { numbers += "  diverged" }
        // The numbers stay in view: a long title gives way to them.
        let room = area.right - x
        if displayWidth(numbers) > room {
            let start = Swift.max(area.x + 6, area.right - displayWidth(numbers))
            x = start
        }
        buffer.put(numbers, x: x, y: area.y, style: pane.snapshot.status == .diverged ? theme.error : .plain, clip: area)
    }

    func drawMap(_ i: Int, _ pane: PaneView, theme: Theme, into buffer: inout Buffer, area: Rect) -> MapArea? {
        let title = pane.name.isEmpty ? "Decision map" : "\(i + 1) \(pane.name)"
        Panel(title: title, rightTitle: pane.differs, focused: i == context.state.focus && context.panes.count > 1).render(into: &buffer, area: area, theme: theme)
        let inner = Panel.inner(area)
        guard inner.width >= 4, inner.height >= 2 else { return nil }
        let dataset = context.dataset
        if dataset.dimension == 1 {
            var plot = Views.curvePlot(pane.snapshot.network, dataset: dataset, kind: context.datasetKind, train: context.trainIndices,
                                       sampler: pane.sampler, width: inner.width, units: false)
            plot.legend = false
            plot.render(into: &buffer, area: inner, theme: theme)
            return nil
        }
        let shown = state.showTest ? context.points : context.points.filter { !$0.isTest }
        var map = Views.decisionMap(pane.snapshot.network, dataset: dataset, points: shown, sampler: pane.sampler, area: inner, theme: theme)
        map.discretize = state.discretize
        map.showTest = state.showTest
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
        let loss = panes.map { LineChart.Series(label: $0.name, values: $0.snapshot.history.map(\.train.meanLoss), x: x($0.snapshot)) }
        LineChart(series: loss, logScale: true).render(into: &buffer, area: context.chartArea(above: Panel.inner(columns[0])), theme: theme)
        let placed = context.drawTimeline(under: Panel.inner(columns[0]), into: &buffer, theme: theme)
        guard hasAccuracy else { return placed }
        Panel(title: hasTest ? "Test accuracy" : "Training accuracy").render(into: &buffer, area: columns[1], theme: theme)
        let accuracy = panes.map { p in
            LineChart.Series(label: p.name, values: p.snapshot.history.map { (hasTest ? $0.test?.accuracy : $0.train.accuracy) ?? .nan }, x: x(p.snapshot))
        }
        LineChart(series: accuracy, yRange: 0...1, percent: true).render(into: &buffer, area: Panel.inner(columns[1]), theme: theme)
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
        let status = (context.statusName) + " "
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

    /// One map and the three numbers beside it.
    func drawSingle(_ s: TrainingSnapshot, theme: Theme, into frame: inout Frame, area: Rect) {
        let columns = Layout.horizontal([.percentage(62), .fill(1)]).split(area)
        let pane = PaneView(name: "", differs: "", snapshot: s, sampler: context.sampler)
        frame.map = CompareScreen(context: context).drawMap(0, pane, theme: theme, into: &frame.buffer, area: columns[0])
        var y = columns[1].y + 1
        for (label, value) in Self.numbers(s) where y + 4 <= columns[1].bottom {
            frame.buffer.put(label, x: columns[1].x + 2, y: y, style: theme.title, clip: columns[1])
            BigText(value, style: theme.accent).render(into: &frame.buffer, area: Rect(x: columns[1].x + 2, y: y + 1, width: columns[1].width - 2, height: 3), theme: theme)
            y += 5
        }
    }

    /// The maps side by side, each with its accuracy and loss in block digits under it; the
    /// epoch (the same steps for all) in block digits above.
    func drawCompare(_ panes: [PaneView], theme: Theme, into frame: inout Frame, area: Rect) {
        let s = context.snapshot
        let top = Rect(x: area.x, y: area.y, width: area.width, height: 3)
        let epochLabel = "step "
        frame.buffer.put(epochLabel, x: top.x + 1, y: top.y + 1, style: theme.title, clip: top)
        BigText(String(s.stepCount), style: theme.accent).render(into: &frame.buffer, area: Rect(x: top.x + 1 + epochLabel.count, y: top.y, width: top.width - 6, height: 3), theme: theme)
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
            let map = CompareScreen(context: context).drawMap(i, panes[i], theme: theme, into: &frame.buffer, area: parts[0])
            if i == context.state.focus { frame.map = map }
            var y = parts[1].y
            for (label, value) in big {
                frame.buffer.put(label, x: parts[1].x + 1, y: y, style: theme.title, clip: parts[1])
                BigText(value, style: theme.series(i).bold).render(into: &frame.buffer, area: Rect(x: parts[1].x + 1, y: y + 1, width: parts[1].width - 1, height: 3), theme: theme)
                y += 4
            }
        }
    }

    /// Epoch, loss and accuracy (the test set's when there is one) as the big digits show them.
    static func numbers(_ s: TrainingSnapshot, compact: Bool = false) -> [(label: String, value: String)] {
        let m = s.metrics
        var out = [("epoch", String(s.epoch))]
        let test = m.test
        out.append((test == nil ? "loss" : "test loss", NumberFormat.compact((test ?? m.train).meanLoss, significant: compact ? 2 : 3)))
        if let a = (test ?? m.train).accuracy {
            // Narrow panes: whole percents, so "100%" fits.
            out.append((test == nil ? "accuracy" : "test accuracy", NumberFormat.fixed(a * 100, decimals: compact ? 0 : 1, trim: false) + "%"))
        }
        return out
    }
}
