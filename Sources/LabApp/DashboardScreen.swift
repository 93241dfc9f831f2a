import Formatting
import Foundation
import LabRendering
import Lessons
import NeuralCore

/// The dashboard: header, the main panel (decision map, each unit's map, or the curve), the
/// network, the selected layer's probes, loss and accuracy, the lesson, the footer. A value
/// that draws one frame from a `ScreenContext`; the golden tests compare its text.
struct DashboardScreen: Screen {
    let context: ScreenContext

    func draw(into frame: inout Frame, header headerArea: Rect, body: Rect, footer footerArea: Rect, theme: Theme) {
        let (width, height) = (frame.buffer.width, frame.buffer.height)
        let snapshot = context.snapshot
        header(snapshot, theme: theme, width: width).render(into: &frame.buffer, area: headerArea, theme: theme)
        Self.drawFooter(context.footerHints(theme), notice: context.footerNotice, theme: theme, into: &frame.buffer, area: footerArea)

        let tall = height >= 36
        let columns = Layout.horizontal([.percentage(width >= 150 ? 52 : 49), .fill(1)]).split(body)
        // Below 36 rows the lesson goes under the map, so the loss chart keeps four rows of its
        // own and the layer panel its histogram.
        let left = Layout.vertical(tall ? [.fill(3), .min(7)] : [.fill(1), .length(7)]).split(columns[0])
        let right = Layout.vertical(tall ? [.fill(2), .length(9), .fill(2)] : [.length(6), .length(7), .fill(1)]).split(columns[1])

        frame.map = drawMain(snapshot, theme: theme, into: &frame.buffer, area: left[0])
        drawNetwork(snapshot, theme: theme, into: &frame.buffer, area: right[0])
        drawLayer(snapshot, theme: theme, into: &frame.buffer, area: right[1])
        frame.timeline = drawLoss(snapshot, theme: theme, into: &frame.buffer, area: right[2])
        drawLesson(theme: theme, into: &frame.buffer, area: left[1])
        OverlayView(context: context).render(into: &frame.buffer, body: body, settingsArea: columns[1], theme: theme)
    }

    // MARK: Header and footer

    func header(_ s: TrainingSnapshot, theme: Theme, width: Int) -> StatusBar {
        var segments: [(text: String, style: Style)] = [(" " + context.scenario.title, theme.title)]
        segments.append(("epoch \(NumberFormat.grouped(s.epoch))", .plain))
        let m = s.metrics
        // Train / test; on a narrow screen without the spaces around the slash.
        let slash = width < 100 ? "/" : " / "
        var loss = "loss \(NumberFormat.loss(m.train.meanLoss))"
        if let t = m.test { loss += slash + NumberFormat.loss(t.meanLoss) }
        segments.append((loss, .plain))
        if let a = m.train.accuracy {
            var acc = "acc \(NumberFormat.percent(a))"
            if let t = m.test?.accuracy { acc += slash + NumberFormat.percent(t) }
            segments.append((acc, .plain))
        }
        segments.append((s.status == .running ? "\(NumberFormat.compact(s.stepsPerSecond, significant: 3)) steps/s" : "\(NumberFormat.grouped(s.stepCount)) steps", theme.muted))
        var state: Style = switch s.status {
        case .running: theme.good.bold
        case .paused: theme.warning.bold
        case .diverged: theme.error
        case .done: theme.accent
        }
        if context.timelineStatus != nil { state = theme.accent.bold } else if context.trouble != nil { state = theme.warning.bold }
        var name = context.statusName
        if self.state.speed > 0 && s.status == .running { name += " (\(self.state.speed)/s)" }
        // A long title, then a long status, give way to the numbers: epoch, loss and accuracy
        // stay in view.
        let essential = segments.dropFirst().prefix(m.train.accuracy == nil ? 2 : 3).reduce(0) { $0 + displayWidth($1.text) + 2 }
        let statusRoom = width - essential - 10
        if displayWidth(name) > statusRoom { name = truncate(name, to: Swift.max(8, statusRoom), glyphs: theme.glyphs) }
        let numbers = essential + displayWidth(name) + 2
        segments[0].text = " " + truncate(context.scenario.title, to: Swift.max(8, width - numbers - 2), glyphs: theme.glyphs)
        return StatusBar(segments: segments, right: (name + " ", state), background: theme.bar)
    }


    /// The footer: the notice of the last action if there is one, else the keys that matter
    /// now; help and quit (the last two hints) always stay.
    static func drawFooter(_ hints: [(key: String, action: String)], notice: String?, theme: Theme, into buffer: inout Buffer, area: Rect) {
        var keys = hints
        var x = area.x + 1
        if let notice {
            keys = Array(hints.suffix(2))
            x += buffer.put(truncate(notice, to: Swift.max(1, area.width - 14), glyphs: theme.glyphs), x: x, y: area.y, style: theme.accent, clip: area) + 2
        }
        KeyHints(keys, keep: 2).render(into: &buffer, area: Rect(x: x, y: area.y, width: Swift.max(0, area.right - x), height: 1), theme: theme)
    }

    // MARK: Panels

    private func drawMain(_ s: TrainingSnapshot, theme: Theme, into buffer: inout Buffer, area: Rect) -> MapArea? {
        let network = s.network
        let dataset = context.dataset
        let points = context.points, sampler = context.sampler
        switch state.main {
        case .map:
            var right: String = switch dataset.classCount {
            case nil: dataset.outputWidth > 1 ? "output F1(x)" : "output F(x)"
            case 2?: "P(class 1)" + (state.discretize ? ", hard" : "")
            case let k?: "\(k) classes" + (state.discretize ? ", hard" : "")
            }
            // 3 or more inputs: the map is the plane x1 by x2 through the others' medians.
            if let x3 = context.slice.first {
                right += context.slice.count == 1 ? ", at x3 = \(NumberFormat.compact(x3, significant: 2))" : ", x3..x\(dataset.dimension) at medians"
            }
            Panel(title: "Decision map", rightTitle: right).render(into: &buffer, area: area, theme: theme)
            let inner = Panel.inner(area)
            let shown = state.showTest ? points : points.filter { !$0.isTest }
            var map = Views.decisionMap(network, dataset: dataset, points: shown, sampler: sampler, area: inner, theme: theme,
                                        threshold: context.configuration.threshold)
            map.discretize = state.discretize
            map.showTest = state.showTest
            if let chosen = state.selectedPoint, chosen < points.count { map.marked = (points[chosen].x, points[chosen].y) }
            if state.editing { map.marked = (state.editCursor.x, state.editCursor.y) }
            map.render(into: &buffer, area: inner, theme: theme)
            return MapArea(plot: DecisionMap.plotArea(inner), x: map.x, y: map.y)
        case .units:
            let inner = Panel.inner(area)
            let shapes = network.shapes.dropLast()
            let count = shapes.reduce(0) { $0 + $1.units }
            // Tiles no smaller than 10x4 cells: with many units, the first ones that fit.
            let tileArea = Thumbnails.tileArea(inner)
            var size = Thumbnails.fit(count: count, in: tileArea)
            var shown = count
            if size.width < 10 || size.height < 4 {
                size = (10, 4)
                shown = Swift.min(count, Swift.max(1, (tileArea.width + 1) / 11) * Swift.max(1, tileArea.height / 5))
            }
            Panel(title: "Each hidden unit", rightTitle: shown < count ? "the first \(shown) of \(count) units" : "a over the plane")
                .render(into: &buffer, area: area, theme: theme)
            guard size.width > 0, tileArea.width >= size.width, tileArea.height > size.height else { return nil }
            let pixelRows = theme.glyphs.unicode && theme.hasColor ? size.height * 2 : size.height
            let sample = sampler.sample(network, columns: size.width, rows: pixelRows, x: dataset.domain.x, y: dataset.domain.y, withUnits: true)
            var tiles: [Thumbnails.Tile] = []
            for shape in shapes {
                for i in 0..<shape.units where tiles.count < shown {
                    let values = sample.unitValues[shape.index][i]
                    // Each tile on its own scale: -1...1 after dividing by its largest |a|.
                    var peak: Float = 0
                    for v in values where v.isFinite { peak = Swift.max(peak, Swift.abs(v)) }
                    let scale = peak > 0 ? 1 / peak : 1
                    let nonNegative = values.allSatisfy { !($0 < 0) }
                    let scaled = values.map { nonNegative ? $0 * scale * 2 - 1 : $0 * scale }
                    tiles.append(.init(label: "a(\(shape.l + 1))_\(i + 1)", values: scaled, columns: size.width, rows: pixelRows))
                }
            }
            var thumbnails = Thumbnails(tiles: tiles, tileSize: size)
            let (dx, dy) = (dataset.domain.x, dataset.domain.y)
            thumbnails.points = points.filter { !$0.isTest }.map {
                (($0.x - dx.lowerBound) / (dx.upperBound - dx.lowerBound), ($0.y - dy.lowerBound) / (dy.upperBound - dy.lowerBound), Swift.max(0, $0.label))
            }
            let names = context.inputNames(theme)
            func range(_ r: ClosedRange<Double>) -> String { NumberFormat.compact(r.lowerBound, significant: 2) + theme.glyphs.ellipsis + NumberFormat.compact(r.upperBound, significant: 2) }
            if names.count >= 2 { thumbnails.plane = (names[0] + " " + range(dx), names[1] + " " + range(dy)) }
            thumbnails.render(into: &buffer, area: inner, theme: theme)
        case .hidden:
            let layers = network.architecture.hidden.count
            let layer = Swift.min(state.selectedLayer, Swift.max(0, layers - 1))
            Panel(title: "Hidden space a(\(layer + 2))", rightTitle: "i: next pair, up/down: layer").render(into: &buffer, area: area, theme: theme)
            let inner = Panel.inner(area)
            let shown = state.showTest ? points : points.filter { !$0.isTest }
            Views.hiddenSpace(network, dataset: dataset, points: shown, features: context.configuration.features, layer: layer,
                              units: (state.hiddenPair, state.hiddenPair + 1))?.render(into: &buffer, area: inner, theme: theme)
        case .fit:
            let shown = state.showTest ? points : points.filter { !$0.isTest }
            let fit = Views.fitPlots(network, dataset: dataset, points: shown, features: context.configuration.features)
            let right = fit.map { "max error " + NumberFormat.compact($0.maxError, significant: 2) } ?? ""
            Panel(title: "F(x) against y", rightTitle: right).render(into: &buffer, area: area, theme: theme)
            let inner = Panel.inner(area)
            guard let plots = fit?.plots, !plots.isEmpty else {
                TextPanel(text: "This view plots a regression's outputs against their targets; these data have classes (v: the map).")
                    .render(into: &buffer, area: inner, theme: theme)
                return nil
            }
            let columns = Layout.horizontal(plots.map { _ in .fill(1) }, spacing: 1).split(inner)
            let more = dataset.outputWidth > plots.count ? " (outputs 1-\(plots.count) of \(dataset.outputWidth))" : ""
            for (i, (label, plot)) in plots.enumerated() where columns[i].height > 4 {
                let column = columns[i]
                buffer.put(truncate(label + (i == 0 ? more : ""), to: column.width, glyphs: theme.glyphs),
                           x: column.x + 6, y: column.y, style: theme.muted, clip: column)
                plot.render(into: &buffer, area: Rect(x: column.x, y: column.y + 1, width: column.width, height: column.height - 1), theme: theme)
            }
        case .layers:
            let initialization = context.configuration.weightInit ?? .default(for: network.architecture)
            let depth = network.architecture.hidden.count
            Panel(title: "Layers", rightTitle: "init \(initialization), \(depth) hidden layer\(depth == 1 ? "" : "s")").render(into: &buffer, area: area, theme: theme)
            let inner = Panel.inner(area)
            guard depth > 0 else {
                TextPanel(text: "No hidden layer: one neuron has no activations to follow from layer to layer. Add layers in the settings (s).")
                    .render(into: &buffer, area: inner, theme: theme)
                return nil
            }
            LayerTable(rows: Views.layerRows(s), selected: Swift.min(state.selectedLayer, depth - 1)).render(into: &buffer, area: inner, theme: theme)
        case .curve:
            Panel(title: "f(x) and the network's F(x)", rightTitle: context.showsContributions ? "and each unit" : "").render(into: &buffer, area: area, theme: theme)
            let inner = Panel.inner(area)
            var plot = Views.curvePlot(network, dataset: dataset, kind: context.datasetKind, train: context.trainIndices, sampler: sampler,
                                       width: inner.width, units: state.showContributions)
            plot.legend = true
            if state.editing { plot.marked = (state.editCursor.x, state.editCursor.y) }
            plot.render(into: &buffer, area: inner, theme: theme)
        }
        return nil
    }

    private func drawNetwork(_ s: TrainingSnapshot, theme: Theme, into buffer: inout Buffer, area: Rect) {
        let network = s.network
        let arch = network.architecture
        Panel(title: "Network", rightTitle: "\(NumberFormat.grouped(arch.parameterCount)) parameters").render(into: &buffer, area: area, theme: theme)
        let inner = Panel.inner(area)
        let values = context.exampleActivations
        // Each column under its name in the lecture's notation: a(1) the input, a(2) ...
        var layers = [NetworkDiagram.Layer(label: "a(1) in", units: arch.inputs, names: context.inputNames(theme), values: values.first, short: "a(1)")]
        for (i, shape) in network.shapes.enumerated() {
            let f = shape.activation.map { $0.label } ?? arch.output.rawValue
            // The parts in the label (+LN drop 0.8 +skip); the short one keeps the norm (LN, BN).
            let parts = arch.hidden.indices.contains(i) ? arch.hidden[i].partsLabel : ""
            let norm = shape.norm.map { $0 == .batch ? " BN" : " LN" } ?? ""
            layers.append(.init(label: "a(\(shape.l + 1)) \(shape.units) \(f)\(parts)", units: shape.units, values: i + 1 < values.count ? values[i + 1] : nil,
                                short: "a(\(shape.l + 1)) \(shape.units)\(norm)", skipFrom: shape.skipSource.map { $0 + 1 }, dropout: shape.keep < 1))
        }
        var diagram = NetworkDiagram(layers: layers, weights: Views.diagramWeights(network), parameterCount: arch.parameterCount,
                                     highlighted: state.overlay == .none ? state.selectedLayer + 1 : nil)
        if arch.hidden.isEmpty { diagram.highlighted = nil }
        diagram.render(into: &buffer, area: inner, theme: theme)
    }

    private func drawLayer(_ s: TrainingSnapshot, theme: Theme, into buffer: inout Buffer, area: Rect) {
        // The probes are those of the hidden layers (the output layer has no activation probe).
        let hidden = s.probes
        guard !hidden.isEmpty else {
            Panel(title: "Layers").render(into: &buffer, area: area, theme: theme)
            let inner = Panel.inner(area)
            let text = "No hidden layer: each output is one neuron drawing one line (hyperplane). Add a layer in the settings (s)."
            TextPanel(text: text).render(into: &buffer, area: inner, theme: theme)
            return
        }
        let index = Swift.min(state.selectedLayer, hidden.count - 1)
        let probe = hidden[index]
        var right = ""
        if let dead = probe.deadUnits { right = "\(dead)/\(probe.units) dead" }
        else if let sat = probe.saturation { right = "sat \(NumberFormat.percent(sat))" }
        let title = "Layer a(\(probe.layer)): \(probe.units) \(probe.activation.label)" + (hidden.count > 1 ? " (\(index + 1)/\(hidden.count))" : "")
        Panel(title: title, rightTitle: right).render(into: &buffer, area: area, theme: theme)
        let inner = Panel.inner(area)
        let parts = Layout.horizontal([.fill(1), .length(Swift.min(30, inner.width / 2))], spacing: 1).split(inner)
        let h = probe.histogram
        HistogramView(counts: h.counts, lower: h.lower, upper: h.upper, zeros: h.zeros, nonFinite: h.nonFinite)
            .render(into: &buffer, area: parts[0], theme: theme)
        var lines: [Widget] = []
        let history = s.probeHistory.suffix(Views.sparklineEpochs).compactMap { Views.probe($0, layer: probe.layer) }
        if let dead = probe.deadUnits {
            lines.append(Gauge(label: "dead", fraction: Double(dead) / Double(Swift.max(1, probe.units)), text: "\(dead)/\(probe.units)",
                               style: dead > 0 ? theme.warning : nil))
            lines.append(Sparkline(values: history.map { Double($0.deadUnits ?? 0) }, range: 0...Double(Swift.max(1, probe.units))))
        }
        if let sat = probe.saturation {
            lines.append(Gauge(label: "sat", fraction: sat, text: NumberFormat.percent(sat)))
            lines.append(Sparkline(values: history.map { $0.saturation ?? 0 }, range: 0...1))
        }
        lines.append(LabelValue(label: "|grad W|", value: NumberFormat.scientific(probe.gradientNorm, digits: 1)))
        if let ratio = probe.updateRatio {
            lines.append(LabelValue(label: "update/W", value: NumberFormat.scientific(ratio, digits: 1) + " (aim ~1e-3)"))
            // Its history on a log scale, 1e-6 to 1: orders of magnitude are what matter.
            let logs = history.compactMap(\.updateRatio).map { $0 > 0 ? Foundation.log10($0) : -6 }
            if logs.count > 1 { lines.append(Sparkline(values: logs, range: -6...0)) }
        }
        let box = parts[1]
        for (i, widget) in lines.prefix(box.height).enumerated() {
            widget.render(into: &buffer, area: Rect(x: box.x, y: box.y + i, width: box.width, height: 1), theme: theme)
        }
    }

    /// The loss and accuracy charts, and the timeline under them (returned: where its bar is).
    private func drawLoss(_ s: TrainingSnapshot, theme: Theme, into buffer: inout Buffer, area: Rect) -> (bar: Rect, widget: TimelineBar)? {
        var right = ""
        if let a = s.metrics.train.accuracy {
            right = "accuracy \(NumberFormat.percent(a))"
            if let t = s.metrics.test?.accuracy { right += " / \(NumberFormat.percent(t))" }
        }
        Panel(title: "Loss", rightTitle: right).render(into: &buffer, area: area, theme: theme)
        var series = [Views.trainingLoss(s, label: "train")]
        if s.history.contains(where: { $0.test != nil }) {
            series.append(LineChart.Series(label: "test", values: s.history.map { $0.test?.meanLoss ?? .nan }, x: s.history.map { Double($0.epoch) }))
        }
        let inner = context.chartArea(above: Panel.inner(area))
        // Tall enough: accuracy under the loss, on its own 0-100% scale.
        let hasAccuracy = s.history.last?.train.accuracy != nil
        let parts = Layout.vertical(hasAccuracy && inner.height >= 12 ? [.fill(2), .fill(1)] : [.fill(1)]).split(inner)
        var lossChart = LineChart(series: series, logScale: true)
        lossChart.marker = context.lessonEpoch.map { (Double($0), " lesson") }
        lossChart.render(into: &buffer, area: parts[0], theme: theme)
        if parts.count > 1 {
            let x = s.history.map { Double($0.epoch) }
            var accuracy = [LineChart.Series(label: "train accuracy", values: s.history.map { $0.train.accuracy ?? .nan }, x: x)]
            if s.history.contains(where: { $0.test?.accuracy != nil }) {
                accuracy.append(LineChart.Series(label: "test", values: s.history.map { $0.test?.accuracy ?? .nan }, x: x))
            }
            var accuracyChart = LineChart(series: accuracy, yRange: 0...1, percent: true)
            accuracyChart.marker = context.lessonEpoch.map { (Double($0), " lesson") }
            accuracyChart.render(into: &buffer, area: parts[1], theme: theme)
        }
        return context.drawTimeline(under: Panel.inner(area), into: &buffer, theme: theme)
    }

    private func drawLesson(theme: Theme, into buffer: inout Buffer, area: Rect) {
        let inner = Panel.inner(area)
        let text = TextPanel(text: context.scenario.lesson, scroll: state.lessonScroll)
        let total = text.lineCount(width: Swift.max(1, inner.width - 1))
        let right = total > inner.height ? "j/k scroll" : ""
        Panel(title: "Lesson", rightTitle: right).render(into: &buffer, area: area, theme: theme)
        text.render(into: &buffer, area: inner, theme: theme)
    }
}

/// "label value" on one line.
struct LabelValue: Widget {
    var label: String
    var value: String
    func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 0, area.height > 0 else { return }
        let used = buffer.put(label + " ", x: area.x, y: area.y, style: theme.muted, clip: area)
        buffer.put(truncate(value, to: area.width - used, glyphs: theme.glyphs), x: area.x + used, y: area.y, style: .plain, clip: area)
    }
}
