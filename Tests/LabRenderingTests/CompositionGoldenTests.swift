import GoldenSupport
import LabRendering
import Testing

/// Whole compositions of the widgets, compared with golden files line by line
/// (`NNLAB_RECORD_GOLDEN=1 swift test` re-records them after a deliberate change).
@Suite struct CompositionGoldenTests {
    /// A dashboard-like screen built from every widget with fixed numbers.
    static func gallery(width: Int, height: Int, theme: Theme, dialog: Bool = false) -> Buffer {
        var buffer = Buffer(width: width, height: height)
        let rows = Layout.vertical([.length(1), .fill(1), .length(1)]).split(buffer.area)
        StatusBar(segments: [("XOR with two hidden units", theme.title), ("epoch 120", .plain), ("loss 0.0312", .plain)],
                  right: ("running", theme.good)).render(into: &buffer, area: rows[0], theme: theme)
        KeyHints([("space", "pause"), (".", "step"), ("v", "view"), ("s", "settings"), ("?", "help"), ("q", "quit")])
            .render(into: &buffer, area: rows[2], theme: theme)
        let columns = Layout.horizontal([.percentage(45), .fill(1)]).split(rows[1])
        let left = Layout.vertical([.fill(3), .fill(1)]).split(columns[0])
        let right = Layout.vertical([.fill(1), .fill(1), .fill(1)]).split(columns[1])

        Panel(title: "Decision map", rightTitle: "P(y=1)").render(into: &buffer, area: left[0], theme: theme)
        let mapArea = Panel.inner(left[0])
        let size = DecisionMap.gridSize(for: mapArea, theme: theme)
        var values = [Float]()
        for r in 0..<size.rows {
            for c in 0..<size.columns {
                let x = -1 + 2 * (Double(c) + 0.5) / Double(size.columns), y = 1 - 2 * (Double(r) + 0.5) / Double(size.rows)
                values.append(Float(1 / (1 + _exp(-6 * x * y))))
            }
        }
        var map = DecisionMap(kind: .classes(2), values: values, columns: size.columns, rows: size.rows, x: -1...1, y: -1...1)
        map.points = [MapPoint(x: -0.7, y: 0.7, label: 0), MapPoint(x: 0.7, y: 0.7, label: 1), MapPoint(x: -0.7, y: -0.7, label: 1),
                      MapPoint(x: 0.7, y: -0.7, label: 0), MapPoint(x: 0.2, y: -0.5, label: 0, isTest: true)]
        map.render(into: &buffer, area: mapArea, theme: theme)

        Panel(title: "Lesson").render(into: &buffer, area: left[1], theme: theme)
        TextPanel(text: "Two hidden units each draw one line; the output combines them. Press [space] to pause.\n\n  a(2) = f(W(1) a(1) + b(1))")
            .render(into: &buffer, area: Panel.inner(left[1]), theme: theme)

        Panel(title: "Network", rightTitle: "9 parameters").render(into: &buffer, area: right[0], theme: theme)
        NetworkDiagram(layers: [.init(label: "in", units: 2, names: ["x1", "x2"]), .init(label: "2 tanh", units: 2, values: [0.8, -0.3]),
                                .init(label: "1 sigmoid", units: 1, values: [0.9])],
                       weights: [[2.1, -1.9, 1.7, -2.2], [3.0, -2.8]], parameterCount: 9, highlighted: 1)
            .render(into: &buffer, area: Panel.inner(right[0]), theme: theme)

        Panel(title: "Layer 2", rightTitle: "0/2 dead").render(into: &buffer, area: right[1], theme: theme)
        let layer = Layout.horizontal([.fill(2), .fill(1)], spacing: 1).split(Panel.inner(right[1]))
        HistogramView(counts: [3, 9, 4, 1, 0, 2, 7, 12], lower: -1, upper: 1, zeros: 0).render(into: &buffer, area: layer[0], theme: theme)
        let gauges = Layout.vertical([.length(1), .length(1), .length(1)]).split(layer[1])
        Gauge(label: "sat", fraction: 0.25, text: "25%").render(into: &buffer, area: gauges[0], theme: theme)
        Gauge(label: "dead", fraction: 0, text: "0/2").render(into: &buffer, area: gauges[1], theme: theme)
        Sparkline(values: [5, 4, 3, 3, 2, 1, 1, 0.5, 0.2, 0.1]).render(into: &buffer, area: gauges[2], theme: theme)

        Panel(title: "Loss").render(into: &buffer, area: right[2], theme: theme)
        let train = (0..<120).map { 0.7 * _exp(-Double($0) / 30) + 0.03 }
        let test = (0..<120).map { 0.72 * _exp(-Double($0) / 32) + 0.05 }
        LineChart(series: [.init(label: "train", values: train), .init(label: "test", values: test)], logScale: true)
            .render(into: &buffer, area: Panel.inner(right[2]), theme: theme)

        if dialog {
            let d = Dialog(title: "Diverged", lines: ["loss became NaN at epoch 12:", "the learning rate 10 is too high.", "", "Try [ to lower it, then r."], hint: "any key")
            d.render(into: &buffer, area: buffer.area, theme: theme)
        }
        return buffer
    }

    @Test func asciiMono80x24() {
        let text = Self.gallery(width: 80, height: 24, theme: .plain).plainText
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII })
        if let problem = Golden.check("gallery-80x24-ascii.txt", text) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func unicodeMono120x40WithDialog() {
        let text = Self.gallery(width: 120, height: 40, theme: .unicodeMono, dialog: true).plainText
        if let problem = Golden.check("gallery-120x40-unicode-dialog.txt", text) { Issue.record(Comment(rawValue: problem)) }
    }

    @Test func colour256And16AsANSI() {
        for (name, theme) in [("256", Theme.full), ("16", Theme(colorMode: .sixteen, glyphs: .unicodeSet))] {
            let buffer = Self.gallery(width: 80, height: 24, theme: theme)
            if let problem = Golden.check("gallery-80x24-ansi\(name).txt", buffer.ansiText) { Issue.record(Comment(rawValue: problem)) }
            // 256 colours use the xterm-256 codes; 16 colours only the 16 ANSI ones.
            #expect(buffer.ansiText.contains("38;5;") == (name == "256"), "\(name)-colour codes")
            #expect(buffer.ansiText.contains("48;5;") == (name == "256"), "\(name)-colour backgrounds")
        }
    }
}

/// e^x without Foundation (the test fixtures only).
func _exp(_ x: Double) -> Double {
    var term = 1.0, sum = 1.0
    let n = x < 0 ? -x : x
    var k = 1.0
    while k < 60 { term *= n / k; sum += term; k += 1 }
    return x < 0 ? 1 / sum : sum
}
