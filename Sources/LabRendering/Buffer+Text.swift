extension Buffer {
    /// The characters of row `y`, trailing spaces removed.
    public func line(_ y: Int) -> String {
        var s = ""
        for x in 0..<width {
            let cell = cells[y * width + x]
            if !cell.isContinuation { s.append(cell.character) }
        }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Every row as plain text, trailing spaces removed (the form golden tests compare).
    public var lines: [String] { (0..<height).map(line) }

    /// The buffer as plain text: rows joined by newlines, no escape codes.
    public var plainText: String { lines.joined(separator: "\n") }

    /// The buffer as text with ANSI colour codes (SGR), reset at the end of every row.
    public var ansiText: String {
        var out = ""
        for y in 0..<height {
            var current = Style.plain
            var row = ""
            var pendingSpaces = ""
            for x in 0..<width {
                let cell = cells[y * width + x]
                if cell.isContinuation { continue }
                // Trailing default-styled spaces are dropped, like `line`.
                if cell.character == " " && cell.style == .plain {
                    pendingSpaces.append(" ")
                    continue
                }
                if !pendingSpaces.isEmpty {
                    if current != .plain { row += "\u{1B}[0m"; current = .plain }
                    row += pendingSpaces
                    pendingSpaces = ""
                }
                if cell.style != current {
                    row += sgr(cell.style)
                    current = cell.style
                }
                row.append(cell.character)
            }
            if current != .plain { row += "\u{1B}[0m" }
            out += row
            if y < height - 1 { out += "\n" }
        }
        return out
    }
}

/// The escape sequence that selects `style` from any state.
func sgr(_ style: Style) -> String {
    var codes = ["0"]
    if style.attributes.contains(.bold) { codes.append("1") }
    if style.attributes.contains(.dim) { codes.append("2") }
    if style.attributes.contains(.underline) { codes.append("4") }
    if style.attributes.contains(.reverse) { codes.append("7") }
    if case .indexed(let n) = style.fg {
        codes.append(n < 8 ? "\(30 + Int(n))" : n < 16 ? "\(90 + Int(n) - 8)" : "38;5;\(n)")
    }
    if case .indexed(let n) = style.bg {
        codes.append(n < 8 ? "\(40 + Int(n))" : n < 16 ? "\(100 + Int(n) - 8)" : "48;5;\(n)")
    }
    return "\u{1B}[" + codes.joined(separator: ";") + "m"
}
