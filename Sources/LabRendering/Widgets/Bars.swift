/// A horizontal bar with a label and a value: "dead  ████▌     3/8".
public struct Gauge: Widget {
    public var label: String
    /// 0...1 (clamped; NaN draws an empty bar and the text says so).
    public var fraction: Double
    /// The value as text, right-aligned.
    public var text: String
    /// Style of the filled part.
    public var style: Style?

    public init(label: String, fraction: Double, text: String, style: Style? = nil) {
        self.label = label
        self.fraction = fraction
        self.text = text
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 0, area.height > 0 else { return }
        let y = area.y
        var x = area.x
        if !label.isEmpty { x += buffer.put(label + " ", x: x, y: y, style: theme.muted, clip: area) }
        let textWidth = displayWidth(text)
        let barWidth = area.right - x - textWidth - 1
        if barWidth > 0 {
            let f = fraction.isFinite ? Swift.min(Swift.max(fraction, 0), 1) : 0
            let eighths = Int((f * Double(barWidth) * 8).rounded())
            let pieces = theme.glyphs.horizontalEighths
            let fill = style ?? theme.accent
            for i in 0..<barWidth {
                let e = Swift.min(8, Swift.max(0, eighths - i * 8))
                buffer.set(x + i, y, e == 0 ? (theme.glyphs.unicode ? " " : ".") : pieces[e], e == 0 ? theme.muted : fill)
            }
            x += barWidth + 1
        }
        buffer.put(text, x: Swift.max(x, area.right - textWidth), y: y, style: .plain, clip: area)
    }
}

/// A row of eighth blocks showing a series' shape (values scaled to their own range).
public struct Sparkline: Widget {
    public var values: [Double]
    /// Fixed range; nil: the values' own minimum to maximum.
    public var range: ClosedRange<Double>?
    public var style: Style?

    public init(values: [Double], range: ClosedRange<Double>? = nil, style: Style? = nil) {
        self.values = values
        self.range = range
        self.style = style
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 0, area.height > 0, !values.isEmpty else { return }
        let shown = Array(values.suffix(area.width))
        let finite = shown.filter(\.isFinite)
        let lo = range?.lowerBound ?? finite.min() ?? 0
        let hi = range?.upperBound ?? finite.max() ?? 1
        let span = hi > lo ? hi - lo : 1
        let blocks = theme.glyphs.eighths
        for (i, v) in shown.enumerated() {
            let x = area.x + area.width - shown.count + i
            guard v.isFinite else { buffer.set(x, area.y, "?", theme.error); continue }
            let level = clampedInt((v - lo) / span * 7, 0, 7) + 1
            buffer.set(x, area.y, blocks[Swift.min(8, Swift.max(1, level))], style ?? theme.series(0))
        }
    }
}

/// One line of labelled segments: the lab's header ("epoch 120  loss 0.031 ...").
public struct StatusBar: Widget {
    /// Segments from left to right; later ones are dropped first when there is no room.
    public var segments: [(text: String, style: Style)]
    /// Right-aligned segment (the state: running, paused, diverged).
    public var right: (text: String, style: Style)?
    /// Background of the whole bar.
    public var background: Style

    public init(segments: [(text: String, style: Style)], right: (text: String, style: Style)? = nil, background: Style = .plain) {
        self.segments = segments
        self.right = right
        self.background = background
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 0, area.height > 0 else { return }
        buffer.fill(Rect(x: area.x, y: area.y, width: area.width, height: 1), with: Cell(" ", style: background))
        // A segment without its own background takes the bar's, so the bar is one band.
        func onBar(_ s: Style) -> Style { s.bg == .default ? s.bg(background.bg) : s }
        var limit = area.right
        if let right {
            let w = displayWidth(right.text)
            if w + 1 <= area.width {
                limit = area.right - w - 1
                buffer.put(right.text, x: area.right - w, y: area.y, style: onBar(right.style))
            }
        }
        var x = area.x
        for segment in segments {
            let w = displayWidth(segment.text)
            if x + w > limit { break }
            buffer.put(segment.text, x: x, y: area.y, style: onBar(segment.style))
            x += w + 2
        }
    }
}

/// The keys that matter now: "space pause  . step  e epoch  ? help".
public struct KeyHints: Widget {
    public var hints: [(key: String, action: String)]
    /// The last `keep` hints (help, quit) are never dropped: when the line is too short, the
    /// hints before them go first, from the end.
    public var keep: Int

    public init(_ hints: [(key: String, action: String)], keep: Int = 0) {
        self.hints = hints
        self.keep = keep
    }

    /// Columns `hints` take, two spaces between.
    static func width(_ hints: ArraySlice<(key: String, action: String)>) -> Int {
        hints.reduce(0) { $0 + displayWidth($1.key) + 1 + displayWidth($1.action) + 2 } - (hints.isEmpty ? 0 : 2)
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 0, area.height > 0 else { return }
        let kept = Swift.min(Swift.max(0, keep), hints.count)
        var shown = hints[...]
        var droppable = hints.count - kept
        while droppable > 0 && Self.width(shown) > area.width {
            shown.remove(at: shown.startIndex + droppable - 1)
            droppable -= 1
        }
        var x = area.x
        for (key, action) in shown {
            let w = displayWidth(key) + 1 + displayWidth(action)
            if x + w > area.right { break }
            x += buffer.put(key, x: x, y: area.y, style: theme.accent)
            x += buffer.put(" " + action, x: x, y: area.y, style: theme.muted)
            x += 2
        }
    }
}

/// A centred box over the screen: a title, lines of text, and a hint line.
public struct Dialog: Widget {
    public var title: String
    public var lines: [String]
    public var hint: String

    public init(title: String, lines: [String], hint: String = "") {
        self.title = title
        self.lines = lines
        self.hint = hint
    }

    /// The box the dialog takes inside `area`.
    public func frame(in area: Rect) -> Rect {
        let widest = ([title, hint] + lines).map(displayWidth).max() ?? 0
        return area.centered(width: widest + 6, height: lines.count + (hint.isEmpty ? 2 : 4))
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let box = frame(in: area)
        guard box.width >= 4, box.height >= 3 else { return }
        Panel(title: title, focused: true).render(into: &buffer, area: box, theme: theme)
        let inner = Panel.inner(box).inset(dx: 1, dy: 0)
        for (i, line) in lines.prefix(inner.height).enumerated() {
            buffer.put(truncate(line, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: inner.y + i, style: .plain)
        }
        if !hint.isEmpty && inner.height >= lines.count + 2 {
            buffer.put(truncate(hint, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: inner.bottom - 1, style: theme.muted)
        }
    }
}

/// Rows of "name    value" with one selected row; locked rows are dimmed. Scrolls to keep
/// the selection visible.
public struct SettingsList: Widget {
    public struct Row: Sendable {
        public var name: String
        public var value: String
        public var locked: Bool
        public var isHeading: Bool
        public init(name: String, value: String, locked: Bool = false, isHeading: Bool = false) {
            self.name = name
            self.value = value
            self.locked = locked
            self.isHeading = isHeading
        }
    }

    public var rows: [Row]
    public var selected: Int

    public init(rows: [Row], selected: Int) {
        self.rows = rows
        self.selected = selected
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width > 0, area.height > 0, !rows.isEmpty else { return }
        let top = Swift.max(0, Swift.min(selected - area.height / 2, rows.count - area.height))
        let nameWidth = Swift.min((rows.map { displayWidth($0.name) }.max() ?? 0) + 2, area.width / 2)
        for (row, item) in rows.enumerated().dropFirst(top).prefix(area.height) {
            let y = area.y + row - top
            let isSelected = row == selected
            var style: Style = item.isHeading ? theme.title : (item.locked ? theme.muted : .plain)
            if isSelected { style = theme.selection }
            if isSelected { buffer.fill(Rect(x: area.x, y: y, width: area.width, height: 1), with: Cell(" ", style: style)) }
            buffer.put(truncate(item.name, to: nameWidth - 1, glyphs: theme.glyphs), x: area.x, y: y, style: style)
            var value = item.value
            if item.locked { value += theme.glyphs.unicode ? " 🔒" : " (locked)" }
            if !item.isHeading && isSelected && !item.locked { value = "< " + value + " >" }
            buffer.put(truncate(value, to: area.width - nameWidth - 1, glyphs: theme.glyphs), x: area.x + nameWidth, y: y, style: style)
        }
        // Scroll marks where rows are hidden above or below.
        if top > 0 { buffer.set(area.right - 1, area.y, theme.glyphs.up, theme.accent) }
        if top + area.height < rows.count { buffer.set(area.right - 1, area.bottom - 1, theme.glyphs.down, theme.accent) }
    }
}
