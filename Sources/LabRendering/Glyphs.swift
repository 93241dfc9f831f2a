/// The characters widgets draw with: Unicode (box drawing, blocks, braille) or pure ASCII.
public struct Glyphs: Sendable, Equatable {
    /// True for the Unicode set.
    public let unicode: Bool

    /// Box drawing, blocks, braille, arrows.
    public static let unicodeSet = Glyphs(unicode: true)
    /// Only printable ASCII.
    public static let asciiSet = Glyphs(unicode: false)

    public var horizontal: Character { unicode ? "─" : "-" }
    public var vertical: Character { unicode ? "│" : "|" }
    public var topLeft: Character { unicode ? "┌" : "+" }
    public var topRight: Character { unicode ? "┐" : "+" }
    public var bottomLeft: Character { unicode ? "└" : "+" }
    public var bottomRight: Character { unicode ? "┘" : "+" }
    public var teeDown: Character { unicode ? "┬" : "+" }
    public var teeUp: Character { unicode ? "┴" : "+" }
    public var teeRight: Character { unicode ? "├" : "+" }
    public var teeLeft: Character { unicode ? "┤" : "+" }
    public var cross: Character { unicode ? "┼" : "+" }
    /// The upper half block (foreground = top pixel, background = bottom pixel).
    public var upperHalf: Character { unicode ? "▀" : "#" }
    public var fullBlock: Character { unicode ? "█" : "#" }
    public var arrow: String { unicode ? "→" : "->" }
    /// Key names in hints: the arrow keys.
    public var upDownKeys: String { unicode ? "↑↓" : "up/down" }
    public var leftRightKeys: String { unicode ? "←→" : "left/right" }
    public var arrowKeys: String { unicode ? "←↑↓→" : "arrows" }
    public var ellipsis: String { unicode ? "…" : "..." }
    public var bullet: Character { unicode ? "•" : "*" }
    public var cursor: Character { unicode ? "◎" : "@" }
    /// The decision boundary on a map without colour.
    public var contour: Character { unicode ? "•" : "%" }
    public var up: Character { unicode ? "▲" : "^" }
    public var down: Character { unicode ? "▼" : "v" }
    public var check: Character { unicode ? "✓" : "+" }
    public var crossMark: Character { unicode ? "✗" : "x" }
    public var infinity: String { unicode ? "∞" : "inf" }
    public var notANumber: String { "NaN" }
    public var times: String { unicode ? "×" : "x" }
    public var delta: String { unicode ? "δ" : "delta" }

    /// Bar pieces from empty to full in eighths (Unicode) or a coarse ASCII ramp.
    public var eighths: [Character] {
        unicode ? [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] : [" ", " ", ".", ".", ":", ":", "#", "#", "#"]
    }

    /// Horizontal bar pieces from empty to full in eighths.
    public var horizontalEighths: [Character] {
        unicode ? [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"] : [" ", " ", " ", "-", "-", "=", "=", "#", "#"]
    }

    /// Shades from light to dark: used where there is no colour.
    public var shades: [Character] { unicode ? [" ", "░", "▒", "▓", "█"] : [" ", ".", ":", "+", "#"] }

    /// A finer ramp from light to dark (ASCII), for heat maps without colour.
    public var ramp: [Character] { unicode ? [" ", "·", "░", "░", "▒", "▒", "▓", "▓", "█"] : [" ", ".", ":", "-", "=", "+", "*", "#", "@"] }

    /// A training point of class k (filled) or a test point (hollow); ASCII uses upper and lower case.
    public func point(class k: Int, test: Bool) -> Character {
        if unicode {
            let filled: [Character] = ["●", "▲", "■", "◆", "★"], hollow: [Character] = ["○", "△", "□", "◇", "☆"]
            return (test ? hollow : filled)[k % 5]
        }
        let upper: [Character] = ["O", "X", "V", "S", "Z"], lower: [Character] = ["o", "x", "v", "s", "z"]
        return (test ? lower : upper)[k % 5]
    }

    /// A braille character with the given dots set (bit i = dot i+1 of the 2x4 cell, Unicode
    /// order), or an ASCII approximation.
    public func braille(_ dots: UInt8) -> Character {
        if unicode { return Character(Unicode.Scalar(0x2800 + UInt32(dots))!) }
        if dots == 0 { return " " }
        let top = dots & 0b0001_1011 != 0, bottom = dots & 0b1110_0100 != 0
        return top && bottom ? ":" : top ? "'" : "."
    }
}
