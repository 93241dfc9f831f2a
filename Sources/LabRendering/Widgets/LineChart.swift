#if canImport(Glibc)
import Formatting
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Series over epochs in braille (training and test loss, accuracy), with axes, a legend and
/// the last values.
public struct LineChart: Widget {
    /// One line.
    public struct Series: Sendable {
        public var label: String
        /// y values; x is `x[i]` if given, else the index.
        public var values: [Double]
        public var x: [Double]?
        public init(label: String, values: [Double], x: [Double]? = nil) {
            self.label = label
            self.values = values
            self.x = x
        }
    }

    public var series: [Series]
    /// Logarithmic y axis (non-positive values are left out).
    public var logScale = false
    /// Fixed y range (nil: fitted to the data).
    public var yRange: ClosedRange<Double>?
    /// Format of values in the legend and axis.
    public var percent = false

    public init(series: [Series], logScale: Bool = false, yRange: ClosedRange<Double>? = nil, percent: Bool = false) {
        self.series = series
        self.logScale = logScale
        self.yRange = yRange
        self.percent = percent
    }

    private func label(_ v: Double, _ glyphs: Glyphs) -> String {
        percent ? NumberFormat.fixed(v * 100, decimals: 0) + "%" : NumberFormat.compact(v, significant: 2, nan: glyphs.notANumber, infinity: glyphs.infinity)
    }

    /// The legend's mark of series `i`: its own dash pattern, the one the line is drawn with,
    /// in colour and without (series are told apart by shape as well as by colour).
    public static func mark(_ i: Int, _ theme: Theme) -> String {
        let solid = String(theme.glyphs.horizontal) + String(theme.glyphs.horizontal)
        guard i % 4 != 0 else { return solid }
        return (theme.glyphs.unicode ? ["╌╌", "┈┈", "━━"] : ["- ", ". ", "=="])[i % 4 - 1]
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 12, area.height >= 3 else { return }
        // Legend with the last values.
        var x = area.x
        for (i, s) in series.enumerated() {
            let last = s.values.last.map { label($0, theme.glyphs) } ?? "-"
            let mark = Self.mark(i, theme)
            let text = "\(mark) \(s.label) \(last)  "
            if x + displayWidth(text) > area.right { break }
            buffer.put(mark, x: x, y: area.y, style: theme.series(i))
            x += displayWidth(mark)
            x += buffer.put(" \(s.label) ", x: x, y: area.y, style: theme.muted)
            x += buffer.put(last + "  ", x: x, y: area.y, style: theme.series(i).bold)
        }
        func transform(_ v: Double) -> Double? {
            guard v.isFinite else { return nil }
            if logScale { return v > 0 ? log10(v) : nil }
            return v
        }
        let all = series.flatMap { $0.values.compactMap(transform) }
        var lo = yRange.flatMap { transform($0.lowerBound) } ?? all.min() ?? 0
        var hi = yRange.flatMap { transform($0.upperBound) } ?? all.max() ?? 1
        if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
        func yText(_ t: Double) -> String { label(logScale ? pow(10, t) : t, theme.glyphs) }
        // The axis is as wide as its labels (at most a third of the chart).
        let axis = Swift.min(Swift.max(5, displayWidth(yText(hi)), displayWidth(yText(lo))) + 1, Swift.max(5, area.width / 3))
        let plot = Rect(x: area.x + axis, y: area.y + 1, width: area.width - axis, height: area.height - 2)
        guard !plot.isEmpty else { return }
        let xs = series.flatMap { s in s.x ?? s.values.indices.map(Double.init) }
        let xLo = xs.min() ?? 0, xHi = Swift.max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        var canvas = BrailleCanvas(width: plot.width, height: plot.height)
        for (si, s) in series.enumerated() {
            var previous: (Int, Int)?
            var phase = 0
            for (i, v) in s.values.enumerated() {
                let xv = s.x?[i] ?? Double(i)
                guard let yv = transform(v) else { previous = nil; continue }
                let dx = clampedInt((xv - xLo) / (xHi - xLo) * Double(canvas.dotWidth - 1), -1, canvas.dotWidth)
                let dy = clampedInt((hi - yv) / (hi - lo) * Double(canvas.dotHeight - 1), -1, canvas.dotHeight)
                if let (px, py) = previous { phase += canvas.line(px, py, dx, dy, series: si, pattern: si % 4, phase: phase) } else { canvas.set(dx, dy, series: si) }
                previous = (dx, dy)
            }
        }
        canvas.render(into: &buffer, x: plot.x, y: plot.y, styles: (0..<4).map { theme.series($0) }, glyphs: theme.glyphs)
        let muted = theme.muted
        for row in plot.y..<plot.bottom { buffer.set(plot.x - 1, row, theme.glyphs.vertical, muted) }
        buffer.put(truncate(yText(hi), to: axis - 1, glyphs: theme.glyphs), x: area.x, y: plot.y, style: muted)
        buffer.put(truncate(yText(lo), to: axis - 1, glyphs: theme.glyphs), x: area.x, y: plot.bottom - 1, style: muted)
        let bottom = area.bottom - 1
        buffer.put(NumberFormat.compact(xLo, significant: 3), x: plot.x, y: bottom, style: muted, clip: area)
        let last = Swift.abs(xHi) < 1e15 ? NumberFormat.grouped(Int(xHi.rounded())) : NumberFormat.compact(xHi, significant: 3)
        var right = (logScale ? "log scale, " : "") + "epoch " + last
        if displayWidth(right) > plot.width - 4 { right = last }
        buffer.put(right, x: Swift.max(plot.x, plot.right - displayWidth(right)), y: bottom, style: muted, clip: area)
    }
}
