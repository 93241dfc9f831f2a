/// A terminal colour: the terminal's own default, or one of the 256 indexed colours
/// (0-15 the ANSI colours, 16-231 the 6x6x6 cube, 232-255 greys).
public enum Color: Hashable, Sendable {
    /// The terminal's default foreground or background.
    case `default`
    /// An xterm-256 index.
    case indexed(UInt8)

    /// The 16 ANSI colours by name.
    public static let black = Color.indexed(0), red = Color.indexed(1), green = Color.indexed(2),
                      yellow = Color.indexed(3), blue = Color.indexed(4), magenta = Color.indexed(5),
                      cyan = Color.indexed(6), white = Color.indexed(7), brightBlack = Color.indexed(8),
                      brightRed = Color.indexed(9), brightGreen = Color.indexed(10), brightYellow = Color.indexed(11),
                      brightBlue = Color.indexed(12), brightMagenta = Color.indexed(13), brightCyan = Color.indexed(14),
                      brightWhite = Color.indexed(15)

    /// The cube colour nearest to r, g, b in 0...1.
    public static func rgb(_ r: Double, _ g: Double, _ b: Double) -> Color {
        func level(_ v: Double) -> Int {
            // The cube's levels are 0, 95, 135, 175, 215, 255 (NaN counts as 0).
            let x = v.isNaN ? 0 : Swift.min(Swift.max(v, 0), 1) * 255
            if x < 48 { return 0 }
            if x < 115 { return 1 }
            return Swift.min(5, Int((x - 35) / 40))
        }
        return .indexed(UInt8(16 + 36 * level(r) + 6 * level(g) + level(b)))
    }

    /// A grey from 0 (black) to 1 (white), from the 24-step grey ramp (NaN gives black).
    public static func grey(_ v: Double) -> Color {
        .indexed(UInt8(232 + clampedInt(v * 23, 0, 23)))
    }
}

/// Text attributes of a cell.
public struct Attributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bold (or bright).
    public static let bold = Attributes(rawValue: 1)
    /// Dim.
    public static let dim = Attributes(rawValue: 2)
    /// Foreground and background swapped.
    public static let reverse = Attributes(rawValue: 4)
    /// Underlined.
    public static let underline = Attributes(rawValue: 8)
}

/// How text looks: colours and attributes.
public struct Style: Hashable, Sendable {
    /// Foreground colour.
    public var fg: Color
    /// Background colour.
    public var bg: Color
    /// Attributes.
    public var attributes: Attributes

    /// A style; the terminal's defaults unless given.
    public init(fg: Color = .default, bg: Color = .default, attributes: Attributes = []) {
        self.fg = fg
        self.bg = bg
        self.attributes = attributes
    }

    /// The terminal's default style.
    public static let plain = Style()

    /// This style made bold.
    public var bold: Style { var s = self; s.attributes.insert(.bold); return s }
    /// This style made dim.
    public var dim: Style { var s = self; s.attributes.insert(.dim); return s }
    /// This style reversed.
    public var reversed: Style { var s = self; s.attributes.insert(.reverse); return s }
    /// This style with another foreground.
    public func fg(_ c: Color) -> Style { var s = self; s.fg = c; return s }
    /// This style with another background.
    public func bg(_ c: Color) -> Style { var s = self; s.bg = c; return s }
}

/// One terminal cell: a character and its style. A wide character occupies its cell and the
/// next one, which holds a `continuation` cell.
public struct Cell: Hashable, Sendable {
    /// The character shown (a space for an empty cell).
    public var character: Character
    /// Its style.
    public var style: Style
    /// True for the second half of a wide character (draws nothing itself).
    public var isContinuation: Bool

    /// A cell showing `character` in `style`.
    public init(_ character: Character = " ", style: Style = .plain) {
        self.character = character
        self.style = style
        self.isContinuation = false
    }

    /// An empty cell in the default style.
    public static let blank = Cell()

    /// The placeholder right of a wide character.
    public static func continuation(_ style: Style) -> Cell {
        var c = Cell(" ", style: style)
        c.isContinuation = true
        return c
    }
}

/// Columns a character occupies in a terminal: 0 for combining marks and for control
/// characters (C0, DEL, C1: `Buffer.put` leaves them out, so no text can send a terminal an
/// escape sequence), 2 for East Asian wide characters and most emoji, 1 otherwise.
public func displayWidth(_ c: Character) -> Int {
    guard let scalar = c.unicodeScalars.first else { return 0 }
    let v = scalar.value
    if v < 0x300 { return v < 0x20 || (0x7F...0x9F).contains(v) ? 0 : 1 }
    if (0x300...0x36F).contains(v) || (0x200B...0x200F).contains(v) || (0xFE00...0xFE0F).contains(v) { return 0 }
    let wide: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
        0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
        0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]
    return wide.contains { $0.contains(v) } ? 2 : 1
}

/// Columns a string occupies.
public func displayWidth(_ s: String) -> Int { s.reduce(0) { $0 + displayWidth($1) } }
