import Synchronization

/// Paragraphs of text, word-wrapped to the area, scrollable. `[key]` marks a key the reader can
/// press and is drawn highlighted; a line starting with two spaces is kept as it is (formulas).
public struct TextPanel: Widget {
    /// The text; paragraphs are separated by blank lines.
    public var text: String
    /// Lines scrolled past.
    public var scroll: Int

    /// A panel showing `text` from line `scroll`.
    public init(text: String, scroll: Int = 0) {
        self.text = text
        self.scroll = scroll
    }

    /// The last texts wrapped, with their widths: a frame wraps the lesson's text twice (its
    /// length, then its lines), 30 times a second, and it changes only with the lesson or the
    /// size (the lesson text was half of a 200x60 dashboard frame's time). A memo of a pure
    /// function: what is drawn does not depend on it.
    private static let memo = Mutex<[(text: String, width: Int, lines: [String])]>([])
    private static let memoSize = 8

    /// The wrapped lines for a given width.
    public static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        if let hit = memo.withLock({ $0.first { $0.width == width && $0.text == text }?.lines }) { return hit }
        let lines = wrapped(text, width: width)
        memo.withLock { m in
            m.insert((text, width, lines), at: 0)
            if m.count > memoSize { m.removeLast() }
        }
        return lines
    }

    private static func wrapped(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var paragraph: [Substring] = []
        func flush() {
            guard !paragraph.isEmpty else { return }
            var line = ""
            for word in paragraph.joined(separator: " ").split(separator: " ", omittingEmptySubsequences: true) {
                var w = String(word)
                while displayWidth(w) > width {
                    if !line.isEmpty { lines.append(line); line = "" }
                    lines.append(String(w.prefix(width)))
                    w = String(w.dropFirst(width))
                }
                if line.isEmpty { line = w } else if displayWidth(line) + 1 + displayWidth(w) <= width { line += " " + w } else {
                    lines.append(line)
                    line = w
                }
            }
            if !line.isEmpty { lines.append(line) }
            paragraph = []
        }
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if raw.allSatisfy({ $0 == " " || $0 == "\t" }) {
                flush()
                if lines.last != "" && !lines.isEmpty { lines.append("") }
            } else if raw.hasPrefix("  ") {
                flush()
                lines.append(String(raw.prefix(width)))
            } else {
                paragraph.append(raw)
            }
        }
        flush()
        while lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Number of wrapped lines for `width`.
    public func lineCount(width: Int) -> Int { TextPanel.wrap(text, width: width).count }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard !area.isEmpty else { return }
        let scrollbar = 1
        let lines = TextPanel.wrap(text, width: Swift.max(1, area.width - scrollbar))
        let top = Swift.max(0, Swift.min(scroll, Swift.max(0, lines.count - area.height)))
        for (row, line) in lines.dropFirst(top).prefix(area.height).enumerated() {
            drawMarked(line, x: area.x, y: area.y + row, buffer: &buffer, width: area.width - scrollbar, theme: theme)
        }
        if lines.count > area.height && area.height >= 2 {
            // A scroll indicator on the right edge.
            let x = area.right - 1
            for y in area.y..<area.bottom { buffer.set(x, y, theme.glyphs.vertical, theme.frame) }
            let thumb = area.y + (area.height - 1) * top / Swift.max(1, lines.count - area.height)
            buffer.set(x, thumb, theme.glyphs.fullBlock, theme.muted)
            if top > 0 { buffer.set(x, area.y, theme.glyphs.up, theme.muted) }
            if top + area.height < lines.count { buffer.set(x, area.bottom - 1, theme.glyphs.down, theme.muted) }
        }
    }

    /// Draws `line`, highlighting `[key]` spans.
    private func drawMarked(_ line: String, x: Int, y: Int, buffer: inout Buffer, width: Int, theme: Theme) {
        var column = x
        var inKey = false
        var token = ""
        func emit(_ s: String, _ style: Style) {
            column += buffer.put(s, x: column, y: y, style: style, maxWidth: x + width - column)
        }
        for c in line {
            if c == "[" && !inKey { emit(token, .plain); token = "["; inKey = true; continue }
            if c == "]" && inKey {
                // "[v]", "[space]" are keys; "[0, 1]" is an interval.
                let inner = token.dropFirst()
                let isKey = (1...6).contains(inner.count) && !inner.contains(" ") && !inner.contains(",")
                token.append(c)
                emit(token, isKey ? theme.accent : .plain)
                token = ""
                inKey = false
                continue
            }
            token.append(c)
        }
        emit(token, inKey ? .plain : .plain)
    }
}
