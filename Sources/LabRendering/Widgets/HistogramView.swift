import Formatting
/// A distribution as vertical eighth-block bars, with the range underneath and the share of
/// exact zeros (dead ReLU outputs) marked.
public struct HistogramView: Widget {
    public var counts: [Int]
    public var lower: Double
    public var upper: Double
    /// Values exactly 0 (also counted in their bin).
    public var zeros: Int
    /// NaN or infinite values.
    public var nonFinite: Int

    public init(counts: [Int], lower: Double, upper: Double, zeros: Int = 0, nonFinite: Int = 0) {
        self.counts = counts
        self.lower = lower
        self.upper = upper
        self.zeros = zeros
        self.nonFinite = nonFinite
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 3, area.height >= 2, !counts.isEmpty else { return }
        let total = counts.reduce(0, +) + nonFinite
        let barsHeight = area.height - 1
        // Merge bins when there are more bins than columns.
        let columns = Swift.min(area.width, counts.count)
        var merged = [Int](repeating: 0, count: columns)
        for (i, c) in counts.enumerated() { merged[i * columns / counts.count] += c }
        let peak = Swift.max(merged.max() ?? 1, 1)
        let width = area.width / columns
        let blocks = theme.glyphs.eighths
        let style = theme.hasColor ? theme.series(1) : Style.plain
        for (i, c) in merged.enumerated() {
            let eighths = Int((Double(c) / Double(peak) * Double(barsHeight * 8)).rounded())
            for row in 0..<barsHeight {
                let level = Swift.min(8, Swift.max(0, eighths - row * 8))
                guard level > 0 else { continue }
                for dx in 0..<width { buffer.set(area.x + i * width + dx, area.y + barsHeight - 1 - row, blocks[level], style) }
            }
        }
        let axisY = area.bottom - 1
        let lo = NumberFormat.compact(lower, significant: 2), hi = NumberFormat.compact(upper, significant: 2)
        buffer.put(lo, x: area.x, y: axisY, style: theme.muted)
        buffer.put(hi, x: area.x + columns * width - displayWidth(hi), y: axisY, style: theme.muted)
        var notes: [String] = []
        if zeros > 0 && total > 0 { notes.append("=0: \(NumberFormat.fixed(Double(zeros) * 100 / Double(total), decimals: 0))%") }
        if nonFinite > 0 { notes.append("NaN: \(nonFinite)") }
        if !notes.isEmpty {
            let note = notes.joined(separator: " ")
            let start = area.x + displayWidth(lo) + 1
            if start + displayWidth(note) < area.x + columns * width - displayWidth(hi) {
                buffer.put(note, x: start, y: axisY, style: nonFinite > 0 ? theme.error : theme.warning)
            }
            // Mark the bin that holds zero.
            if zeros > 0, lower <= 0, upper > 0 {
                let bin = clampedInt(((0 - lower) / (upper - lower) * Double(columns)).rounded(.down), 0, columns - 1)
                buffer.set(area.x + bin * width, area.y, "0", theme.warning)
            }
        }
    }
}
