import Formatting

/// Every hidden layer at once, one row each (Karpathy's "activations & gradients" plots as a
/// table): the activations' histogram as a strip, their mean, standard deviation and saturated
/// or dead share, the standard deviation of dJ/da, the grad:data ratio of W, and the history of
/// log10 update:data with its -3 guide. Columns drop from the right when the area is narrow;
/// rows scroll to keep the selected one in view.
public struct LayerTable: Widget {
    public struct Row: Sendable, Equatable {
        /// "a(3) tanh +LN".
        public var label: String
        /// The activations' histogram counts, left to right.
        public var histogram: [Int]
        public var mean: Double
        public var std: Double
        /// "sat" (tanh, logistic) or "dead" (the ReLU family) and its share, or nil.
        public var share: (name: String, value: Double)?
        /// std of dJ/da, or nil.
        public var gradientStd: Double?
        /// std(grad W) / std(W), or nil.
        public var gradData: Double?
        /// log10 of update:data per epoch (oldest first).
        public var updateLog: [Double]

        public init(label: String, histogram: [Int], mean: Double, std: Double, share: (name: String, value: Double)?,
                    gradientStd: Double?, gradData: Double?, updateLog: [Double]) {
            self.label = label
            self.histogram = histogram
            self.mean = mean
            self.std = std
            self.share = share
            self.gradientStd = gradientStd
            self.gradData = gradData
            self.updateLog = updateLog
        }

        public static func == (a: Row, b: Row) -> Bool {
            a.label == b.label && a.histogram == b.histogram && a.mean == b.mean && a.std == b.std && a.share?.name == b.share?.name
                && a.share?.value == b.share?.value && a.gradientStd == b.gradientStd && a.gradData == b.gradData && a.updateLog == b.updateLog
        }
    }

    public var rows: [Row]
    /// The row to keep in view and highlight (nil: none).
    public var selected: Int?

    public init(rows: [Row], selected: Int? = nil) {
        self.rows = rows
        self.selected = selected
    }

    /// A column: its header, width, and how a row fills it.
    private struct Column {
        var header: String
        var width: Int
        var draw: (Row, inout Buffer, Int, Int, Theme) -> Void
    }

    /// The first row shown so that `selected` is in view with `visible` rows.
    public static func firstRow(count: Int, visible: Int, selected: Int?) -> Int {
        guard count > visible, visible > 0, let s = selected else { return 0 }
        return Swift.min(Swift.max(0, s - visible / 2), count - visible)
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 20, area.height >= 3, !rows.isEmpty else { return }
        // Narrow: the layer's name alone ("a(3)"; the title and the diagram say the rest).
        let narrow = area.width < 60
        func label(_ row: Row) -> String { narrow ? String(row.label.prefix { $0 != " " }) : row.label }
        let labelWidth = Swift.min(area.width >= 90 ? 22 : 14, Swift.max(5, rows.map { displayWidth(label($0)) }.max() ?? 5))
        let histogramWidth = area.width >= 90 ? 20 : area.width >= 60 ? 12 : 6
        func number(_ v: Double?, _ w: Int, significant: Int = 2) -> String {
            guard let v else { return "-" }
            let compact = NumberFormat.compact(v, significant: significant)
            return displayWidth(compact) <= w ? compact : NumberFormat.scientific(v, digits: 1)
        }
        // Activations' mean and spread: three decimals (one from 10 up), so columns line up.
        func fixed(_ v: Double, _ w: Int) -> String {
            let t = NumberFormat.fixed(v, decimals: Swift.abs(v) >= 10 ? 1 : 3, trim: false)
            return displayWidth(t) <= w ? t : NumberFormat.scientific(v, digits: 1)
        }
        func right(_ text: String, _ w: Int) -> String {
            let t = truncate(text, to: w, glyphs: theme.glyphs)
            return String(repeating: " ", count: Swift.max(0, w - displayWidth(t))) + t
        }
        var columns: [Column] = [
            Column(header: "histogram", width: histogramWidth) { row, buffer, x, y, theme in
                let peak = Double(row.histogram.max() ?? 0)
                guard peak > 0 else { return }
                // Resampled to the strip's width: each cell the largest count of its bins.
                let n = row.histogram.count
                let values = (0..<histogramWidth).map { c -> Double in
                    let lo = c * n / histogramWidth, hi = Swift.max(lo + 1, (c + 1) * n / histogramWidth)
                    return Double(row.histogram[lo..<Swift.min(n, hi)].max() ?? 0)
                }
                Sparkline(values: values, range: 0...peak).render(into: &buffer, area: Rect(x: x, y: y, width: histogramWidth, height: 1), theme: theme)
            },
            Column(header: "mean", width: 7) { row, buffer, x, y, _ in _ = buffer.put(right(fixed(row.mean, 7), 7), x: x, y: y) },
            Column(header: "std", width: 6) { row, buffer, x, y, _ in _ = buffer.put(right(fixed(row.std, 6), 6), x: x, y: y) },
            Column(header: rows.contains { $0.share?.name == "dead" } ? (rows.contains { $0.share?.name == "sat" } ? "s/dead" : "dead") : "sat",
                   width: 6) { row, buffer, x, y, theme in
                guard let share = row.share else { _ = buffer.put(right("-", 6), x: x, y: y); return }
                let mixed = rows.contains { $0.share != nil && $0.share?.name != share.name }
                let text = (mixed ? (share.name == "dead" ? "d " : "s ") : "") + NumberFormat.percent(share.value, decimals: 0)
                _ = buffer.put(right(text, 6), x: x, y: y, style: share.value > 0.05 ? theme.warning : .plain)
            },
            Column(header: "dJ/da std", width: 9) { row, buffer, x, y, _ in _ = buffer.put(right(number(row.gradientStd, 9), 9), x: x, y: y) },
            Column(header: "grad:W", width: 8) { row, buffer, x, y, _ in _ = buffer.put(right(number(row.gradData, 8), 8), x: x, y: y) },
        ]
        // What is left goes to the update:data history: log10 from -6 to 0, -3 the guide.
        let used = labelWidth + columns.reduce(0) { $0 + $1.width + 1 }
        let sparkWidth = area.width - used - 1
        if sparkWidth >= 10 {
            columns.append(Column(header: "log10 upd:W (-3)", width: sparkWidth) { row, buffer, x, y, theme in
                let last = row.updateLog.last
                let value = last.map { NumberFormat.fixed($0, decimals: 1) } ?? "-"
                let valueWidth = 5
                let strip = Rect(x: x, y: y, width: sparkWidth - valueWidth - 1, height: 1)
                // The guide: a dotted line at -3 where no history is drawn yet.
                let guide: Character = theme.glyphs.unicode ? "┄" : "-"
                for i in 0..<strip.width { buffer.set(strip.x + i, y, guide, theme.muted) }
                Sparkline(values: row.updateLog, range: -6...0, style: (last ?? -3) > -2 ? theme.warning : nil).render(into: &buffer, area: strip, theme: theme)
                _ = buffer.put(right(value, valueWidth), x: x + sparkWidth - valueWidth, y: y, style: (last ?? -3) > -2 ? theme.warning : .plain)
            })
        }
        // Drop columns from the right until they fit.
        while columns.count > 1 && labelWidth + columns.reduce(0, { $0 + $1.width + 1 }) > area.width { columns.removeLast() }

        var x = area.x + labelWidth + 1
        _ = buffer.put("layer", x: area.x, y: area.y, style: theme.muted)
        for c in columns {
            _ = buffer.put(truncate(c.header, to: c.width, glyphs: theme.glyphs), x: x, y: area.y, style: theme.muted)
            x += c.width + 1
        }
        let visible = area.height - 1 - (rows.count > area.height - 1 ? 1 : 0)
        let first = Self.firstRow(count: rows.count, visible: visible, selected: selected)
        for (k, row) in rows.enumerated().dropFirst(first).prefix(visible) {
            let y = area.y + 1 + k - first
            let isSelected = k == selected
            _ = buffer.put(truncate(label(row), to: labelWidth, glyphs: theme.glyphs), x: area.x, y: y, style: isSelected ? theme.accent : .plain)
            var cx = area.x + labelWidth + 1
            for c in columns {
                c.draw(row, &buffer, cx, y, theme)
                cx += c.width + 1
            }
        }
        if rows.count > visible {
            let text = "layers \(first + 1)-\(first + visible) of \(rows.count) (up/down)"
            _ = buffer.put(truncate(text, to: area.width, glyphs: theme.glyphs), x: area.x, y: area.bottom - 1, style: theme.muted)
        }
    }
}
