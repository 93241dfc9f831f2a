import LabRendering

/// Renders `widget` into a `width x height` buffer and returns its lines.
func render(_ widget: any Widget, _ width: Int, _ height: Int, theme: Theme = .plain) -> [String] {
    var buffer = Buffer(width: width, height: height)
    widget.render(into: &buffer, area: buffer.area, theme: theme)
    return buffer.lines
}

let sixteen = Theme(colorMode: .sixteen, glyphs: .unicodeSet)
let allThemes: [Theme] = [.plain, .unicodeMono, .full, sixteen]

/// One of each widget, fed awkward values: NaN, infinities, huge numbers.
let awkwardWidgets: [(String, any Widget)] = [
    ("panel", Panel(title: "A title far longer than any panel is wide", rightTitle: "and a right title")),
    ("text", TextPanel(text: "Word " + String(repeating: "x", count: 200) + " [key] end\n\n  pre", scroll: 5)),
    ("gauge", Gauge(label: "dead", fraction: .nan, text: "NaN")),
    ("gauge over", Gauge(label: "", fraction: 7, text: "700%")),
    ("sparkline", Sparkline(values: [.nan, .infinity, -.infinity, 1e300, -1e300, 0])),
    ("status", StatusBar(segments: [("epoch 1", .plain), (String(repeating: "y", count: 300), .plain)], right: ("running", .plain))),
    ("hints", KeyHints([("space", "pause"), ("?", String(repeating: "h", count: 100))])),
    ("dialog", Dialog(title: "T", lines: [String(repeating: "z", count: 500), ""], hint: "hint")),
    ("settings", SettingsList(rows: (0..<50).map { .init(name: "row \($0)", value: String($0)) }, selected: 49)),
    ("line", LineChart(series: [.init(label: "train", values: [.nan, 1, .infinity, 1e300, -5, 0]), .init(label: "test", values: [])], logScale: true)),
    ("line flat", LineChart(series: [.init(label: "a", values: [2, 2, 2])])),
    ("timeline", TimelineBar(epochs: [0, Int.max / 2, Int.max], shown: 7)),
    ("timeline one", TimelineBar(epochs: [5], shown: 0)),
    ("histogram", HistogramView(counts: [Int.max / 4, 0, 3], lower: .nan, upper: .infinity, zeros: 5, nonFinite: 2)),
    ("histogram many bins", HistogramView(counts: Array(repeating: 1, count: 500), lower: -1, upper: 1)),
    ("network", NetworkDiagram(layers: [.init(label: "in", units: 2, names: ["x1", "a very long feature name"]),
                                        .init(label: "4096 relu", units: 4096, values: [.nan, 1e9, -1e9]),
                                        .init(label: "out", units: 1)],
                               weights: [[.nan, .infinity] + Array(repeating: 0.5, count: 8190), Array(repeating: 1e30, count: 4096)],
                               parameterCount: Int.max)),
    ("matrix", MatrixTable(values: [.nan, .infinity, -.infinity, 1e300, -1e-300, 0] + Array(repeating: 1, count: 394), rows: 20, cols: 20,
                           highlightRow: 99, highlightColumn: -3)),
    ("thumbnails", Thumbnails(tiles: [.init(label: "u1", values: [.nan, 1, -1, 0], columns: 2, rows: 2),
                                      .init(label: "u2", values: [], columns: 0, rows: 0)], tileSize: (6, 3))),
    ("map", { var m = DecisionMap(kind: .classes(2), values: [.nan, 0.5, 1, 0, .infinity, -1], columns: 3, rows: 2, x: -1...1, y: -1...1)
              m.points = [MapPoint(x: .nan, y: 0, label: 1), MapPoint(x: 0, y: 0, label: 7), MapPoint(x: 100, y: 100, label: 0, isTest: true)]
              m.marked = (0, 0)
              return m }()),
    ("map K", DecisionMap(kind: .classes(5), values: [Float](repeating: 0.2, count: 20), columns: 2, rows: 2, x: 0...1, y: 0...1)),
    ("map regression", DecisionMap(kind: .regression(-0...0), values: [1, -1, .nan, 0], columns: 2, rows: 2, x: 0...1, y: 0...1)),
    ("map regression huge", DecisionMap(kind: .regression(-1...1), values: [1e30, -1e30, .greatestFiniteMagnitude, 5], columns: 2, rows: 2, x: 0...1, y: 0...1)),
    ("map empty", DecisionMap(kind: .classes(2), values: [], columns: 0, rows: 0, x: 0...1, y: 0...1)),
    ("curve", CurvePlot(x: 0...1, y: -1...1, curves: [.init(values: [.nan, 0, 1e300, -1e300], label: "f", series: 0)])),
]

/// Renders `widget` and returns each cell's style as a letter of `legend` ("." for a cell of
/// any other style), one string per row: the style half of a golden (ratatui's
/// `Buffer::with_lines` with styles is the model), so a colour regression fails a test.
func styleRows(_ widget: any Widget, _ width: Int, _ height: Int, theme: Theme, legend: [Character: Style]) -> [String] {
    var buffer = Buffer(width: width, height: height)
    widget.render(into: &buffer, area: buffer.area, theme: theme)
    let letters = Dictionary(legend.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
    return (0..<height).map { y in String((0..<width).map { x in letters[buffer[x, y].style] ?? "." }) }
}
