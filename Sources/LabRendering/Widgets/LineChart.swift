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
    /// An epoch to mark with a dotted vertical line and its label on the axis row (the
    /// lesson's epoch), or nil.
    public var marker: (x: Double, label: String)?

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
        // Legend with the last values; when not every series fits, without the values (the
        // panel's title or the table has them), then with the names cut: every line drawn
        // is listed.
        let lasts = series.map { s in s.values.last.map { label($0, theme.glyphs) } ?? "-" }
        func width(values: Bool, name: Int) -> Int {
            series.indices.reduce(0) { total, i in
                total + 2 + 1 + Swift.min(name, displayWidth(series[i].label)) + 1 + (values ? displayWidth(lasts[i]) : 0) + 2
            }
        }
        let showValues = width(values: true, name: .max) <= area.width
        var nameRoom = Int.max
        if !showValues && width(values: false, name: .max) > area.width {
            nameRoom = Swift.max(3, (area.width / Swift.max(1, series.count)) - 6)
        }
        var x = area.x
        for (i, s) in series.enumerated() {
            let mark = Self.mark(i, theme)
            let name = truncate(s.label, to: nameRoom, glyphs: theme.glyphs)
            let text = "\(mark) \(name) " + (showValues ? lasts[i] : "") + "  "
            if x + displayWidth(text) > area.right + 2 { break }
            buffer.put(mark, x: x, y: area.y, style: theme.series(i))
            x += displayWidth(mark)
            x += buffer.put(" \(name) ", x: x, y: area.y, style: theme.muted, clip: area)
            x += buffer.put((showValues ? lasts[i] : "") + " ", x: x, y: area.y, style: theme.series(i).bold, clip: area) + (showValues ? 1 : 0)
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
        var markerColumn: Int?
        if let m = marker, m.x.isFinite, m.x >= xLo, m.x <= xHi {
            let column = plot.x + clampedInt((m.x - xLo) / (xHi - xLo) * Double(plot.width - 1), 0, plot.width - 1)
            markerColumn = column
            for row in plot.y..<plot.bottom where buffer[column, row].character == " " {
                buffer.set(column, row, theme.glyphs.unicode ? "┊" : ":", theme.accent)
            }
        }
        let muted = theme.muted
        for row in plot.y..<plot.bottom { buffer.set(plot.x - 1, row, theme.glyphs.vertical, muted) }
        buffer.put(truncate(yText(hi), to: axis - 1, glyphs: theme.glyphs), x: area.x, y: plot.y, style: muted)
        buffer.put(truncate(yText(lo), to: axis - 1, glyphs: theme.glyphs), x: area.x, y: plot.bottom - 1, style: muted)
        let bottom = area.bottom - 1
        buffer.put(NumberFormat.compact(xLo, significant: 3), x: plot.x, y: bottom, style: muted, clip: area)
        // The label is the last epoch drawn (the range is one wider when there is only one).
        let lastX = xs.max() ?? xHi
        let last = Swift.abs(lastX) < 1e15 ? NumberFormat.grouped(Int(lastX.rounded())) : NumberFormat.compact(lastX, significant: 3)
        var right = (logScale ? "log scale, " : "") + "epoch " + last
        if displayWidth(right) > plot.width - 4 { right = last }
        buffer.put(right, x: Swift.max(plot.x, plot.right - displayWidth(right)), y: bottom, style: muted, clip: area)
        // The marker's label under its line, where the axis labels leave room.
        if let column = markerColumn, let m = marker {
            let text = (theme.glyphs.unicode ? "▲" : "^") + m.label
            let start = Swift.min(column, plot.right - displayWidth(text))
            let free = (start - 1..<start + displayWidth(text) + 1).allSatisfy { $0 < area.x || $0 >= area.right || buffer[$0, bottom].character == " " }
            if free && start >= plot.x { buffer.put(text, x: start, y: bottom, style: theme.accent, clip: area) }
            else if buffer[column, bottom].character == " " { buffer.set(column, bottom, theme.glyphs.unicode ? "▲" : "^", theme.accent) }
        }
    }
}
