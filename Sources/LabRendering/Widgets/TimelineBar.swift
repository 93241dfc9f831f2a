import Formatting

/// The training timeline: one row, a tick per column that holds a checkpoint (its epoch on the
/// same scale as the loss chart's x axis), the checkpoint shown marked, and a label on the right
/// ("37/212 epoch 120" while scrubbing, else how many checkpoints there are).
public struct TimelineBar: Widget {
    /// The checkpoints' epochs, oldest first.
    public var epochs: [Int]
    /// The checkpoint shown (nil: the latest, training is not being scrubbed).
    public var shown: Int?

    public init(epochs: [Int], shown: Int?) {
        self.epochs = epochs
        self.shown = shown
    }

    /// The label on the right.
    public var label: String {
        guard let shown, shown < epochs.count else {
            return epochs.count == 1 ? "1 checkpoint" : "\(epochs.count) checkpoints"
        }
        return "\(shown + 1)/\(epochs.count) epoch \(NumberFormat.grouped(epochs[shown]))"
    }

    /// The bar's cells in `area` and the label's text, or nil when there is no room or nothing
    /// to show.
    public func layout(in area: Rect, theme: Theme) -> (bar: Rect, text: String)? {
        guard area.width >= 12, area.height >= 1, !epochs.isEmpty else { return nil }
        var text = label
        let hint = shown == nil ? (theme.glyphs.unicode ? " ← back" : " < back") : ""
        if displayWidth(text + hint) + 8 <= area.width { text += hint }
        let bar = Rect(x: area.x, y: area.y, width: area.width - displayWidth(text) - 1, height: 1)
        return bar.width >= 4 ? (bar, text) : nil
    }

    /// The epoch at column `x` of `bar` (a click on the bar), on the scale the ticks are drawn on.
    public func epoch(atColumn x: Int, bar: Rect) -> Double? {
        guard let first = epochs.first, let last = epochs.last, bar.width > 1, x >= bar.x, x < bar.right else { return nil }
        return Double(first) + Double(x - bar.x) / Double(bar.width - 1) * (Double(last) - Double(first))
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard let (bar, text) = layout(in: area, theme: theme), let first = epochs.first, let last = epochs.last else { return }
        let span = Swift.max(1, Double(last) - Double(first))
        func column(_ epoch: Int) -> Int {
            let x = (Double(epoch) - Double(first)) / span * Double(bar.width - 1)
            return bar.x + (x.isFinite ? Swift.min(bar.width - 1, Swift.max(0, Int(x))) : 0)
        }
        let unicode = theme.glyphs.unicode
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), with: Cell(" "))
        for x in bar.x..<bar.right { buffer.set(x, bar.y, unicode ? "─" : "-", theme.muted) }
        for e in epochs { buffer.set(column(e), bar.y, unicode ? "┼" : "+", theme.muted) }
        let marked = shown ?? epochs.count - 1
        if marked < epochs.count {
            buffer.set(column(epochs[marked]), bar.y, unicode ? "◆" : "#", shown == nil ? theme.muted.bold : theme.accent.bold)
        }
        buffer.put(text, x: bar.right + 1, y: area.y, style: shown == nil ? theme.muted : theme.accent, clip: area)
    }
}
