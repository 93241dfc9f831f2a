import Formatting
/// Curves y = f(x) over an interval, with data points: the 1-D regression view (the target
/// f, the network's F, and optionally each hidden unit's contribution alpha_i sigma(w_i x + b_i)).
public struct CurvePlot: Sendable {
    /// One curve: values at evenly spaced x over the plot's interval.
    public struct Curve: Sendable {
        public var values: [Double]
        public var label: String
        /// Index into the theme's series styles.
        public var series: Int

        public init(values: [Double], label: String, series: Int) {
            self.values = values
            self.label = label
            self.series = series
        }
    }

    /// The x interval.
    public var x: ClosedRange<Double>
    /// The y interval shown (values outside are clipped).
    public var y: ClosedRange<Double>
    /// Curves, drawn in order (later ones on top).
    public var curves: [Curve]
    /// Data points (x, y), drawn as dots first.
    public var points: [(x: Double, y: Double)] = []
    /// One point drawn as a mark on top (the step-through's example).
    public var marked: (x: Double, y: Double)?
    /// A legend line under the plot.
    public var legend = true

    /// A plot of `curves` over `x` by `y`.
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, curves: [Curve]) {
        self.x = x
        self.y = y
        self.curves = curves
    }

    /// Draws into `area`.
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 8, area.height > 3 else { return }
        let legendRows = legend ? 1 : 0
        let plot = Rect(x: area.x + 6, y: area.y, width: area.width - 6, height: area.height - 2 - legendRows)
        guard !plot.isEmpty else { return }
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let spanX = x.upperBound - x.lowerBound, spanY = y.upperBound - y.lowerBound
        func dotY(_ v: Double) -> Int? {
            guard v.isFinite else { return nil }
            let f = (y.upperBound - v) / spanY
            return clampedInt(f * Double(canvas.dotHeight - 1), -1, canvas.dotHeight)
        }
        for p in points {
            guard p.x.isFinite, let dy = dotY(p.y) else { continue }
            let dx = clampedInt((p.x - x.lowerBound) / spanX * Double(canvas.dotWidth - 1), -1, canvas.dotWidth)
            canvas.set(dx, dy, series: 99)
        }
        for curve in curves where curve.values.count > 1 {
            var previous: (Int, Int)?
            for (i, v) in curve.values.enumerated() {
                let dx = clampedInt(Double(i) / Double(curve.values.count - 1) * Double(canvas.dotWidth - 1), 0, canvas.dotWidth - 1)
                guard let dy = dotY(v) else { previous = nil; continue }
                let clamped = Swift.min(Swift.max(dy, -1), canvas.dotHeight)
                // Without colour, every series but the first is dashed, so the curves stay apart.
                if let (px, py) = previous { canvas.line(px, py, dx, clamped, series: curve.series, dashed: !theme.hasColor && curve.series != 0) } else { canvas.set(dx, clamped, series: curve.series) }
                previous = (dx, clamped)
            }
        }
        var styles = (0..<8).map { theme.series($0) }
        styles += [Style](repeating: theme.muted, count: 100 - styles.count)
        canvas.render(into: &buffer, x: plot.x, y: plot.y, styles: styles, glyphs: theme.glyphs)
        if let m = marked, m.x.isFinite, m.y.isFinite, spanX > 0, spanY > 0 {
            let cx = plot.x + clampedInt((m.x - x.lowerBound) / spanX * Double(plot.width - 1), 0, plot.width - 1)
            let cy = plot.y + clampedInt((y.upperBound - m.y) / spanY * Double(plot.height - 1), 0, plot.height - 1)
            buffer.set(cx, cy, theme.glyphs.cursor, theme.accent.reversed)
        }
        // Axes
        let muted = theme.muted
        for (row, value) in [(plot.y, y.upperBound), (plot.bottom - 1, y.lowerBound)] {
            let label = NumberFormat.compact(value, significant: 2)
            buffer.put(label, x: plot.x - 1 - displayWidth(label), y: row, style: muted, clip: area)
        }
        for row in plot.y..<plot.bottom { buffer.set(plot.x - 1, row, theme.glyphs.vertical, muted) }
        for column in plot.x..<plot.right { buffer.set(column, plot.bottom, theme.glyphs.horizontal, muted) }
        buffer.set(plot.x - 1, plot.bottom, theme.glyphs.bottomLeft, muted)
        let left = NumberFormat.compact(x.lowerBound, significant: 2), right = NumberFormat.compact(x.upperBound, significant: 2)
        buffer.put(left, x: plot.x, y: plot.bottom + 1, style: muted, clip: area)
        buffer.put(right, x: plot.right - displayWidth(right), y: plot.bottom + 1, style: muted, clip: area)
        if legend {
            var column = plot.x
            // The legend lists the curves by series (the network first), each only if it fits.
            for curve in curves.filter({ !$0.label.isEmpty }).sorted(by: { $0.series < $1.series }) {
                guard column + displayWidth(curve.label) + 4 <= area.right else { break }
                let solid = String(theme.glyphs.horizontal) + String(theme.glyphs.horizontal)
                let mark = theme.hasColor || curve.series == 0 ? solid : (theme.glyphs.unicode ? "╌╌" : "- ")
                column += buffer.put(mark, x: column, y: area.bottom - 1, style: theme.series(curve.series), clip: area)
                column += buffer.put(" " + curve.label + "  ", x: column, y: area.bottom - 1, style: muted, clip: area)
            }
            if !points.isEmpty && column + 6 <= area.right { buffer.put(". data", x: column, y: area.bottom - 1, style: muted, clip: area) }
        }
    }
}
