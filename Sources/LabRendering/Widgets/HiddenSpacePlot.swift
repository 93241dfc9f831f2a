import Formatting

/// The data seen from inside a hidden layer: every point drawn at the activations of two of the
/// layer's units, the input plane's grid lines bent through the layer, and the next layer's
/// decision line when it is the output (Olah's "manifolds" picture, ConvNetJS's warped grid).
public struct HiddenSpacePlot: Widget {
    /// One data point at its two activations.
    public struct Point: Sendable {
        public var x: Double, y: Double, label: Int, isTest: Bool
        public init(x: Double, y: Double, label: Int, isTest: Bool = false) {
            self.x = x
            self.y = y
            self.label = label
            self.isTest = isTest
        }
    }

    /// The range of the first unit (across) and the second (up).
    public var x: ClosedRange<Double>
    public var y: ClosedRange<Double>
    public var points: [Point]
    /// The input plane's grid lines mapped through the layer, each a polyline.
    public var lines: [[(x: Double, y: Double)]]
    /// The output's line w1 a1 + w2 a2 + b = 0, when the next layer is the output.
    public var boundary: (w1: Double, w2: Double, b: Double)?
    /// The axes' names ("a(2)_1").
    public var xName: String
    public var yName: String

    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, points: [Point], lines: [[(x: Double, y: Double)]],
                boundary: (w1: Double, w2: Double, b: Double)?, xName: String, yName: String) {
        self.x = x
        self.y = y
        self.points = points
        self.lines = lines
        self.boundary = boundary
        self.xName = xName
        self.yName = yName
    }

    /// The cells the points and lines are drawn in, inside `area` (axes take the rest).
    public static func plotArea(_ area: Rect) -> Rect {
        Rect(x: area.x + 7, y: area.y, width: Swift.max(0, area.width - 7), height: Swift.max(0, area.height - 1 - legendRows(area)))
    }

    /// The legend's rows: two on a narrow plot.
    static func legendRows(_ area: Rect) -> Int { area.width < 70 && area.height >= 12 ? 2 : 1 }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let plot = Self.plotArea(area)
        guard plot.width >= 4, plot.height >= 2 else { return }
        let muted = theme.muted
        func label(_ v: Double) -> String { NumberFormat.compact(v, significant: 2) }
        // Axes: the second unit up the left, the first along the bottom.
        for row in plot.y..<plot.bottom { buffer.set(plot.x - 1, row, theme.glyphs.vertical, muted) }
        buffer.put(truncate(label(y.upperBound), to: 6, glyphs: theme.glyphs), x: area.x, y: plot.y, style: muted, clip: area)
        buffer.put(truncate(label(y.lowerBound), to: 6, glyphs: theme.glyphs), x: area.x, y: plot.bottom - 1, style: muted, clip: area)
        buffer.put(truncate(yName, to: 6, glyphs: theme.glyphs), x: area.x, y: plot.y + plot.height / 2, style: theme.title, clip: area)
        if plot.height >= 5 { buffer.put(String(theme.glyphs.up), x: area.x + 2, y: plot.y + plot.height / 2 - 1, style: muted, clip: area) }
        // The x axis's range and name on one row, the legend under it.
        let bottom = plot.bottom
        buffer.put(label(x.lowerBound), x: plot.x, y: bottom, style: muted, clip: area)
        let hi = label(x.upperBound)
        buffer.put(hi, x: Swift.max(plot.x, plot.right - displayWidth(hi)), y: bottom, style: muted, clip: area)
        let name = xName + " " + theme.glyphs.arrow
        buffer.put(name, x: plot.x + Swift.max(0, (plot.width - displayWidth(name)) / 2), y: bottom, style: theme.title, clip: area)
        drawLegend(&buffer, area: Rect(x: plot.x, y: plot.bottom + 1, width: plot.width, height: Self.legendRows(area)), theme: theme)
        let sx = x.upperBound - x.lowerBound, sy = y.upperBound - y.lowerBound
        guard sx > 0, sy > 0 else { return }
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        func dot(_ px: Double, _ py: Double) -> (Int, Int) {
            (Int(((px - x.lowerBound) / sx * Double(canvas.dotWidth - 1)).rounded()),
             Int(((y.upperBound - py) / sy * Double(canvas.dotHeight - 1)).rounded()))
        }
        // The bent grid (series 1), then the decision line (series 0) over it.
        for line in lines {
            var previous: (Int, Int)?
            for p in line where p.x.isFinite && p.y.isFinite {
                let d = dot(p.x, p.y)
                if let q = previous { canvas.line(q.0, q.1, d.0, d.1, series: 1, pattern: 2) }
                previous = d
            }
        }
        if let b = boundary {
            // Points of w1 a1 + w2 a2 + b = 0 across the plot, as a line where it crosses.
            var previous: (Int, Int)?
            for k in 0...200 {
                let t = Double(k) / 200
                let (px, py): (Double, Double)
                if Swift.abs(b.w2) >= Swift.abs(b.w1) {
                    px = x.lowerBound + t * sx
                    py = -(b.w1 * px + b.b) / b.w2
                } else {
                    py = y.lowerBound + t * sy
                    px = -(b.w2 * py + b.b) / b.w1
                }
                guard px.isFinite, py.isFinite, x.contains(px), y.contains(py) else { previous = nil; continue }
                let d = dot(px, py)
                if let q = previous { canvas.line(q.0, q.1, d.0, d.1, series: 0) } else { canvas.set(d.0, d.1, series: 0) }
                previous = d
            }
        }
        canvas.render(into: &buffer, x: plot.x, y: plot.y, styles: [theme.accent, muted], glyphs: theme.glyphs)
        let classes = (points.map(\.label).max() ?? 1) + 1
        for p in points where p.x.isFinite && p.y.isFinite {
            let column = plot.x + Swift.min(plot.width - 1, Swift.max(0, Int((p.x - x.lowerBound) / sx * Double(plot.width - 1) + 0.5)))
            let row = plot.y + Swift.min(plot.height - 1, Swift.max(0, Int((y.upperBound - p.y) / sy * Double(plot.height - 1) + 0.5)))
            buffer.set(column, row, theme.glyphs.point(class: p.label, test: p.isTest), pointStyle(p.label, Swift.max(2, classes), theme))
        }
    }

    /// The key: the classes as the points are drawn, the output's line, the bent grid.
    private func drawLegend(_ buffer: inout Buffer, area: Rect, theme: Theme) {
        let g = theme.glyphs
        let classes = Swift.max(2, (points.map(\.label).max() ?? 1) + 1)
        var items: [Legend.Item] = (0..<Swift.min(classes, 5)).map { k in
            [(String(g.point(class: k, test: false)), pointStyle(k, classes, theme)), (classes <= 2 ? " class \(k)" : " \(k)", theme.muted)]
        }
        let line = g.unicode ? String(g.braille(0x12)) + String(g.braille(0x12)) : "--"
        if boundary != nil { items.append([(line, theme.accent), (" output P=0.5", theme.muted)]) }
        if !lines.isEmpty { items.append([(String(g.braille(0x12)), theme.muted), (" input grid", theme.muted)]) }
        Legend(items).render(into: &buffer, area: area)
    }

    private func pointStyle(_ k: Int, _ classes: Int, _ theme: Theme) -> Style {
        theme.hasColor ? Style(fg: theme.pointColor(k, of: classes), attributes: .bold) : Style(attributes: .bold)
    }
}
