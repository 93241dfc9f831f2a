import Formatting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
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

    /// The legend's entries: one per label, with the marks of every series drawn under it
    /// (the units' parts alternate two series under one label).
    private func legendEntries(_ theme: Theme) -> [(marks: [Int], label: String)] {
        var entries: [(marks: [Int], label: String)] = []
        for curve in curves.sorted(by: { $0.series < $1.series }) where !curve.label.isEmpty {
            if let i = entries.firstIndex(where: { $0.label == curve.label }) {
                if !entries[i].marks.contains(curve.series) { entries[i].marks.append(curve.series) }
            } else {
                entries.append(([curve.series], curve.label))
            }
        }
        return entries
    }

    /// The y interval drawn: `y`, widened to take in the curves (a network's F that overshoots
    /// the data is shown, not clipped flat), at most three times as tall as `y`.
    public var shownY: ClosedRange<Double> {
        var lo = y.lowerBound, hi = y.upperBound
        let span = hi - lo
        for curve in curves {
            for v in curve.values where v.isFinite {
                lo = Swift.min(lo, v)
                hi = Swift.max(hi, v)
            }
        }
        lo = Swift.max(lo, y.lowerBound - span)
        hi = Swift.min(hi, y.upperBound + span)
        // Round the widened ends outwards to two significant digits, for readable axis labels.
        func round(_ v: Double, up: Bool) -> Double {
            guard v != 0, v.isFinite else { return v }
            let step = pow(10, (log10(Swift.abs(v)).rounded(.down)) - 1)
            return (up ? (v / step).rounded(.up) : (v / step).rounded(.down)) * step
        }
        return (lo < y.lowerBound ? round(lo, up: false) : lo)...(hi > y.upperBound ? round(hi, up: true) : hi)
    }

    /// Draws into `area`.
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 8, area.height > 3 else { return }
        let entries = legendEntries(theme)
        let legendWidth = entries.reduce(0) { $0 + $1.marks.count * 3 + displayWidth($1.label) + 2 } + (points.isEmpty ? 0 : 8)
        let legendRows = legend ? (legendWidth > area.width - 6 && area.height >= 12 ? 2 : 1) : 0
        let plot = Rect(x: area.x + 6, y: area.y, width: area.width - 6, height: area.height - 2 - legendRows)
        guard !plot.isEmpty else { return }
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        let y = shownY
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
            var phase = 0
            for (i, v) in curve.values.enumerated() {
                let dx = clampedInt(Double(i) / Double(curve.values.count - 1) * Double(canvas.dotWidth - 1), 0, canvas.dotWidth - 1)
                guard let dy = dotY(v) else { previous = nil; continue }
                let clamped = Swift.min(Swift.max(dy, -1), canvas.dotHeight)
                // Each series has its dash pattern (the legend's mark), continued along the curve.
                if let (px, py) = previous {
                    phase += canvas.line(px, py, dx, clamped, series: curve.series, pattern: curve.series % 4, phase: phase)
                } else {
                    canvas.set(dx, clamped, series: curve.series)
                }
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
            var items: [Legend.Item] = entries.map { entry in
                entry.marks.map { (LineChart.mark($0, theme) + " ", theme.series($0)) } + [(entry.label, muted)]
            }
            if !points.isEmpty { items.append([(String(theme.glyphs.braille(0x12)) + " ", muted), ("data", muted)]) }
            Legend(items).render(into: &buffer, area: Rect(x: area.x, y: area.bottom - legendRows, width: area.width, height: legendRows), indent: plot.x - area.x)
        }
    }
}
