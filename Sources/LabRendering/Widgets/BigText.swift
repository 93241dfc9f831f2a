import Formatting

/// Text in block digits three rows tall, for a projector at the back of a room: a 3x5 pixel
/// font drawn with half blocks (two pixel rows per text row; ASCII draws `#`, `"` and `_`).
/// It has the digits, `.`, `,`, `%`, `-`, `+`, `/`, `e` and space; other characters are left
/// out.
public struct BigText: Widget {
    public var text: String
    public var style: Style

    public init(_ text: String, style: Style = .plain) {
        self.text = text
        self.style = style
    }

    /// Rows the text takes.
    public static let height = 3

    /// Each character's five pixel rows (`#` is ink).
    static let font: [Character: [String]] = [
        "0": ["###", "# #", "# #", "# #", "###"], "1": [" # ", "## ", " # ", " # ", "###"],
        "2": ["###", "  #", "###", "#  ", "###"], "3": ["###", "  #", "###", "  #", "###"],
        "4": ["# #", "# #", "###", "  #", "  #"], "5": ["###", "#  ", "###", "  #", "###"],
        "6": ["###", "#  ", "###", "# #", "###"], "7": ["###", "  #", "  #", "  #", "  #"],
        "8": ["###", "# #", "###", "# #", "###"], "9": ["###", "# #", "###", "  #", "###"],
        ".": [" ", " ", " ", " ", "#"], ",": [" ", " ", " ", "#", "#"],
        "%": ["# #", "  #", " # ", "#  ", "# #"], "-": ["   ", "   ", "###", "   ", "   "],
        "+": ["   ", " # ", "###", " # ", "   "], "/": ["  #", "  #", " # ", "#  ", "#  "],
        "e": [" ##", "# #", "###", "#  ", " ##"], " ": [" ", " ", " ", " ", " "],
    ]

    /// The text rows: three strings of equal length.
    public func rows(unicode: Bool) -> [String] {
        var pixels = ["", "", "", "", "", ""]
        for c in text {
            guard let g = Self.font[c] else { continue }
            let gap = pixels[0].isEmpty ? "" : " "
            for r in 0..<5 { pixels[r] += gap + g[r] }
            pixels[5] += gap + String(repeating: " ", count: g[0].count)
        }
        return (0..<3).map { row in
            String(zip(pixels[2 * row], pixels[2 * row + 1]).map { top, bottom -> Character in
                switch (top == "#", bottom == "#") {
                case (true, true): unicode ? "█" : "#"
                case (true, false): unicode ? "▀" : "\""
                case (false, true): unicode ? "▄" : "_"
                case (false, false): " "
                }
            })
        }
    }

    /// Columns the text takes.
    public func width(unicode: Bool) -> Int { rows(unicode: unicode)[0].count }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        for (r, row) in rows(unicode: theme.glyphs.unicode).enumerated() where r < area.height {
            buffer.put(row, x: area.x, y: area.y + r, style: style, clip: area)
        }
    }
}
