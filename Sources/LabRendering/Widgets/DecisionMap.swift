import Formatting
/// A data point drawn over a map.
public struct MapPoint: Sendable, Equatable {
    /// Coordinates in data units.
    public var x: Double
    public var y: Double
    /// The class (classification), or -1 for a regression point.
    public var label: Int
    /// The target value of a regression point.
    public var value: Double
    /// True for a test point.
    public var isTest: Bool
    /// Which point of its data set this is (-1: none), for data whose points have more
    /// coordinates than the map shows.
    public var index: Int

    /// A point.
    public init(x: Double, y: Double, label: Int, value: Double = 0, isTest: Bool = false, index: Int = -1) {
        self.x = x
        self.y = y
        self.label = label
        self.value = value
        self.isTest = isTest
        self.index = index
    }
}

/// The network's decision over the input plane as a heat map, with the data on top.
///
/// The caller samples the network on the grid `gridSize(for:theme:)` asks for (two pixels per
/// cell with half blocks) and passes the values: per pixel, P(class 1) for two classes, K
/// probabilities for K classes, or the output for regression.
public struct DecisionMap: Sendable {
    /// What the values mean.
    public enum Kind: Sendable, Equatable {
        /// K classes: 1 value per pixel (P(class 1)) when K = 2, else K.
        case classes(Int)
        /// Real outputs, coloured by value over `range`.
        case regression(ClosedRange<Double>)
    }

    /// What the values mean.
    public var kind: Kind
    /// Pixel values, row 0 at the top.
    public var values: [Float]
    /// Pixel columns of `values`.
    public var columns: Int
    /// Pixel rows of `values`.
    public var rows: Int
    /// The plane shown.
    public var x: ClosedRange<Double>
    public var y: ClosedRange<Double>
    /// Data points drawn on top.
    public var points: [MapPoint] = []
    /// Draw test points too.
    public var showTest = true
    /// Hard class regions instead of confidence shading.
    public var discretize = false
    /// Axis labels and ticks.
    public var axes = true
    /// A point to mark (the step-through's example), in data units.
    public var marked: (x: Double, y: Double)?
    /// A single logistic output's decision threshold: class 1 where P(class 1) > threshold, the
    /// boundary drawn there (0.5: equal misclassification costs).
    public var threshold = 0.5
    /// Points three cells wide, for a projector (presentation mode): the class's colour
    /// around its glyph, or the glyph three times without colour.
    public var largePoints = false

    /// A map of `values` (`columns x rows` pixels) over `x` by `y`.
    public init(kind: Kind, values: [Float], columns: Int, rows: Int, x: ClosedRange<Double>, y: ClosedRange<Double>) {
        self.kind = kind
        self.values = values
        self.columns = columns
        self.rows = rows
        self.x = x
        self.y = y
    }

    /// Width of the y-axis labels.
    static let axisWidth = 5

    /// Rows of the legend under the axes: one when the area has room for it (the map keeps at
    /// least six rows of its own), two on a narrow map.
    public static func legendRows(_ area: Rect, axes: Bool = true) -> Int {
        guard axes, area.width > axisWidth + 12, area.height >= 10 else { return 0 }
        return area.width < 64 && area.height >= 12 ? 2 : 1
    }

    /// The plotting rectangle inside `area` (without axes and legend).
    public static func plotArea(_ area: Rect, axes: Bool = true) -> Rect {
        guard axes, area.width > axisWidth + 4, area.height > 4 else { return area }
        return Rect(x: area.x + axisWidth, y: area.y, width: area.width - axisWidth, height: area.height - 2 - legendRows(area, axes: axes))
    }

    /// The pixel grid to sample for `area`: one pixel per column, two per row with half blocks
    /// (Unicode with colour), one otherwise.
    public static func gridSize(for area: Rect, theme: Theme, axes: Bool = true) -> (columns: Int, rows: Int) {
        let plot = plotArea(area, axes: axes)
        let perRow = theme.glyphs.unicode && theme.hasColor ? 2 : 1
        return (plot.width, plot.height * perRow)
    }

    /// Draws the map into `area`: the regions, the decision boundary (P = 0.5, the boundary
    /// between classes, or F = 0), the points, the axes and a legend of all of them.
    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard !area.isEmpty else { return }
        let plot = Self.plotArea(area, axes: axes)
        guard !plot.isEmpty else { return }
        let halfBlocks = theme.glyphs.unicode && theme.hasColor
        let perRow = halfBlocks ? 2 : 1
        let pixelRows = plot.height * perRow
        var pixels: [Pixel] = []
        pixels.reserveCapacity(plot.width * pixelRows)
        for row in 0..<pixelRows {
            for column in 0..<plot.width { pixels.append(pixel(column, row, plot: plot, perRow: perRow)) }
        }
        // A pixel is on the boundary when its class differs from its right or lower neighbour's.
        func onBoundary(_ column: Int, _ row: Int) -> Bool {
            let p = pixels[row * plot.width + column]
            guard !p.bad else { return false }
            if column + 1 < plot.width, case let q = pixels[row * plot.width + column + 1], !q.bad, q.k != p.k { return true }
            if row + 1 < pixelRows, case let q = pixels[(row + 1) * plot.width + column], !q.bad, q.k != p.k { return true }
            return false
        }
        for row in 0..<plot.height {
            for column in 0..<plot.width {
                let top = pixels[row * perRow * plot.width + column]
                let cell: Cell
                if halfBlocks {
                    let bottom = pixels[(row * perRow + 1) * plot.width + column]
                    if top.bad || bottom.bad {
                        cell = Cell("?", style: theme.error)
                    } else {
                        let fg = onBoundary(column, row * perRow) ? theme.contourColor : color(top, theme)
                        let bg = onBoundary(column, row * perRow + 1) ? theme.contourColor : color(bottom, theme)
                        cell = Cell(theme.glyphs.upperHalf, style: Style(fg: fg, bg: bg))
                    }
                } else if top.bad {
                    cell = Cell("?", style: theme.error)
                } else if onBoundary(column, row) {
                    cell = Cell(theme.glyphs.contour, style: theme.hasColor ? Style(fg: theme.contourColor, bg: color(top, theme), attributes: .bold) : .plain)
                } else if theme.hasColor {
                    cell = Cell(" ", style: Style(bg: color(top, theme)))
                } else {
                    cell = Cell(shade(top, theme), style: .plain)
                }
                buffer.set(plot.x + column, plot.y + row, cell)
            }
        }
        drawPoints(&buffer, plot: plot, theme: theme)
        if axes && plot != area { drawAxes(&buffer, area: area, plot: plot, theme: theme) }
        let legend = Self.legendRows(area, axes: axes)
        if legend > 0 {
            drawLegend(&buffer, area: Rect(x: area.x, y: area.bottom - legend, width: area.width, height: legend), theme: theme)
        }
    }

    /// One pixel's class and confidence (or value), or `bad` for NaN.
    private struct Pixel {
        var k = 0
        var confidence = 0.0
        var value = 0.0
        var bad = false
    }

    private func pixel(_ column: Int, _ row: Int, plot: Rect, perRow: Int) -> Pixel {
        // The grid may be a different size from the plot: sample it proportionally.
        guard columns > 0, rows > 0 else { return Pixel(bad: true) }
        let gc = Swift.min(columns - 1, column * columns / Swift.max(plot.width, 1))
        let gr = Swift.min(rows - 1, row * rows / Swift.max(plot.height * perRow, 1))
        switch kind {
        case .classes(let k) where k <= 2:
            guard gr * columns + gc < values.count else { return Pixel(bad: true) }
            let p = Double(values[gr * columns + gc])
            guard p.isFinite else { return Pixel(bad: true) }
            let t = Swift.min(Swift.max(threshold, 1e-6), 1 - 1e-6)
            let sure = p > t ? (p - t) / (1 - t) : (t - p) / t
            return Pixel(k: p > t ? 1 : 0, confidence: discretize ? 1 : Swift.min(1, sure), value: p)
        case .classes(let k):
            let base = (gr * columns + gc) * k
            guard base + k <= values.count else { return Pixel(bad: true) }
            var best = 0
            var bestValue = -Double.infinity
            for c in 0..<k {
                let v = Double(values[base + c])
                guard v.isFinite else { return Pixel(bad: true) }
                if v > bestValue { bestValue = v; best = c }
            }
            let chance = 1 / Double(k)
            return Pixel(k: best, confidence: discretize ? 1 : Swift.max(0, (bestValue - chance) / (1 - chance)), value: bestValue)
        case .regression(let range):
            guard gr * columns + gc < values.count else { return Pixel(bad: true) }
            let v = Double(values[gr * columns + gc])
            guard v.isFinite else { return Pixel(bad: true) }
            let scale = Swift.max(Swift.abs(range.lowerBound), Swift.abs(range.upperBound), 1e-9)
            var t = v / scale
            if discretize { t = t > 0 ? 1 : -1 }
            return Pixel(k: t > 0 ? 1 : 0, confidence: Swift.min(1, Swift.abs(t)), value: t)
        }
    }

    private var classCount: Int {
        if case .classes(let k) = kind { return k }
        return 2
    }

    private func color(_ p: Pixel, _ theme: Theme) -> Color {
        theme.regionColor(p.k, of: classCount, confidence: p.confidence)
    }

    private func shade(_ p: Pixel, _ theme: Theme) -> Character {
        let ramp = theme.glyphs.ramp
        switch kind {
        case .classes(let k) where k <= 2:
            // Light for class 0, dark for class 1, through the ramp by P(class 1).
            let t = p.k == 1 ? 0.5 + p.confidence / 2 : 0.5 - p.confidence / 2
            return ramp[clampedInt(t * Double(ramp.count - 1), 0, ramp.count - 1)]
        case .classes:
            if p.confidence < 0.15 { return " " }
            let marks = theme.glyphs.unicode ? ["·", "░", "▒", "▓", "█"] as [Character] : [".", ":", "+", "=", "#"]
            return marks[p.k % marks.count]
        case .regression:
            let t = (p.value + 1) / 2
            return ramp[clampedInt(t * Double(ramp.count - 1), 0, ramp.count - 1)]
        }
    }

    private func cellOf(_ px: Double, _ py: Double, plot: Rect) -> (Int, Int)? {
        guard px.isFinite, py.isFinite else { return nil }
        let fx = (px - x.lowerBound) / (x.upperBound - x.lowerBound)
        let fy = (y.upperBound - py) / (y.upperBound - y.lowerBound)
        guard fx >= 0, fx <= 1, fy >= 0, fy <= 1 else { return nil }
        return (plot.x + Swift.min(plot.width - 1, Int(fx * Double(plot.width))),
                plot.y + Swift.min(plot.height - 1, Int(fy * Double(plot.height))))
    }

    private func drawPoints(_ buffer: inout Buffer, plot: Rect, theme: Theme) {
        // Test points first, so training points win a shared cell.
        for pass in [true, false] {
            for p in points where p.isTest == pass && (showTest || !p.isTest) {
                guard let (cx, cy) = cellOf(p.x, p.y, plot: plot) else { continue }
                let k = p.label >= 0 ? p.label : (p.value > 0 ? 1 : 0)
                let glyph = theme.glyphs.point(class: k, test: p.isTest)
                let style = theme.pointStyle(k, of: classCount, test: p.isTest)
                if largePoints {
                    // A block of the class's colour with the glyph in the halo's colour on it.
                    let big = theme.hasColor ? Style(fg: theme.pointHalo, bg: theme.pointColor(k, of: classCount), attributes: .bold) : style
                    for dx in -1...1 where cx + dx >= plot.x && cx + dx < plot.right {
                        buffer.set(cx + dx, cy, theme.hasColor && dx != 0 ? " " : glyph, p.isTest && theme.hasColor ? style : big)
                    }
                } else {
                    buffer.set(cx, cy, glyph, style)
                }
            }
        }
        if let m = marked, let (cx, cy) = cellOf(m.x, m.y, plot: plot) {
            buffer.set(cx, cy, theme.glyphs.cursor, Style(attributes: [.bold, .reverse]))
        }
    }

    private func drawAxes(_ buffer: inout Buffer, area: Rect, plot: Rect, theme: Theme) {
        let style = theme.muted
        let yTicks = [(plot.y, y.upperBound), (plot.y + plot.height / 2, (y.lowerBound + y.upperBound) / 2), (plot.bottom - 1, y.lowerBound)]
        for (row, value) in yTicks {
            let label = NumberFormat.compact(value, significant: 2)
            let w = displayWidth(label)
            buffer.put(label, x: plot.x - 1 - w, y: row, style: style, clip: area)
            buffer.set(plot.x - 1, row, theme.glyphs.teeLeft, style)
        }
        for row in plot.y..<plot.bottom where buffer[plot.x - 1, row].character == " " {
            buffer.set(plot.x - 1, row, theme.glyphs.vertical, style)
        }
        let axisRow = plot.bottom
        for column in plot.x..<plot.right { buffer.set(column, axisRow, theme.glyphs.horizontal, style) }
        buffer.set(plot.x - 1, axisRow, theme.glyphs.bottomLeft, style)
        let xTicks = [(plot.x, x.lowerBound), (plot.x + plot.width / 2, (x.lowerBound + x.upperBound) / 2), (plot.right - 1, x.upperBound)]
        for (i, (column, value)) in xTicks.enumerated() {
            buffer.set(column, axisRow, theme.glyphs.teeDown, style)
            let label = NumberFormat.compact(value, significant: 2)
            let w = displayWidth(label)
            let start = i == 0 ? column : (i == 1 ? column - w / 2 : column - w + 1)
            buffer.put(label, x: start, y: axisRow + 1, style: style, clip: area)
        }
    }

    private typealias LegendItem = Legend.Item

    /// The legend alone, for screens whose maps are too small for their own (the compare
    /// screen at 80x24 shows one for all its maps).
    public func renderLegend(into buffer: inout Buffer, area: Rect, theme: Theme) {
        drawLegend(&buffer, area: area, theme: theme)
    }

    /// The legend: what each glyph and colour of the map means, in the styles the map draws
    /// them with; items that do not fit are left out from the end, never cut.
    private func drawLegend(_ buffer: inout Buffer, area: Rect, theme: Theme) {
        let g = theme.glyphs
        let muted = theme.muted
        let classes = classCount
        var items: [LegendItem] = []
        let shownClasses: [Int]
        switch kind {
        case .classes: shownClasses = Array(0..<classes)
        case .regression: shownClasses = [0, 1]
        }
        // The classes (or, for regression, the sign of the target), as training points.
        for k in shownClasses {
            let name: String = if case .regression = kind { k == 0 ? "y<0" : "y>0" } else { classes <= 2 ? "class \(k)" : "\(k)" }
            items.append([(String(g.point(class: k, test: false)), theme.pointStyle(k, of: classes, test: false)), (" " + name, muted)])
        }
        if showTest && points.contains(where: \.isTest) {
            var item: LegendItem = shownClasses.prefix(3).map { (String(g.point(class: $0, test: true)), theme.pointStyle($0, of: classes, test: true)) }
            item.append((" test", muted))
            items.append(item)
        }
        // The shading: from certain class 0 through undecided to certain class 1.
        let confidences = [1.0, 0.5, 0.0]
        var scale: LegendItem = []
        switch kind {
        case .classes(let k) where k <= 2:
            scale.append(("P(class 1) 0", muted))
            for (i, c) in (confidences + confidences.reversed().dropFirst()).enumerated() {
                let pixel = Pixel(k: i < 3 ? 0 : 1, confidence: discretize ? (c > 0 ? 1 : 0) : c, value: i < 3 ? 0.5 - c / 2 : 0.5 + c / 2)
                scale.append(swatch(pixel, theme))
            }
            scale.append(("1", muted))
        case .classes:
            scale.append(("certain", muted))
            for c in confidences { scale.append(swatch(Pixel(k: 0, confidence: c), theme)) }
            scale.append(("unsure", muted))
        case .regression(let range):
            let m = Swift.max(Swift.abs(range.lowerBound), Swift.abs(range.upperBound))
            scale.append(("F " + NumberFormat.compact(-m, significant: 2), muted))
            for (i, c) in (confidences + confidences.reversed().dropFirst()).enumerated() {
                scale.append(swatch(Pixel(k: i < 3 ? 0 : 1, confidence: c, value: i < 3 ? -c : c), theme))
            }
            scale.append((NumberFormat.compact(m, significant: 2), muted))
        }
        if !discretize || classes > 2 { items.append(scale) }
        let boundary: String = switch kind {
        case .classes(let k) where k <= 2: "P=" + NumberFormat.compact(threshold, significant: 3)
        case .classes: "boundary"
        case .regression: "F=0"
        }
        let contour: (String, Style) = theme.hasColor
            ? (String(g.upperHalf == "#" ? g.contour : g.fullBlock), Style(fg: theme.contourColor))
            : (String(g.contour), .plain)
        items.append([contour, (" " + boundary, muted)])
        if marked != nil { items.append([(String(g.cursor), Style(attributes: [.bold, .reverse])), (" the example", muted)]) }
        // The classes start the first row, the scale the next when there are two.
        let scaleIndex = shownClasses.count + (items.count > shownClasses.count + 2 ? 1 : 0)
        Legend(items, breakBefore: [scaleIndex]).render(into: &buffer, area: area, indent: 1)
    }

    /// One cell of the shading scale, as the map draws that pixel.
    private func swatch(_ p: Pixel, _ theme: Theme) -> (text: String, style: Style) {
        theme.hasColor ? (" ", Style(bg: color(p, theme))) : (String(shade(p, theme)), .plain)
    }
}
