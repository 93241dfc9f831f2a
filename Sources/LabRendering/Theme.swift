/// How many colours the output may use.
public enum ColorMode: String, Sendable, CaseIterable {
    /// xterm-256 colours.
    case full = "256"
    /// The 16 ANSI colours.
    case sixteen = "16"
    /// No colours: widgets use shading characters and attributes instead.
    case mono
}

/// Colours and glyphs for every widget, chosen once for a terminal or an output stream.
public struct Theme: Sendable, Equatable {
    /// The colours available.
    public var colorMode: ColorMode
    /// The characters available.
    public var glyphs: Glyphs
    /// For projectors and large rooms: regions at full strength, no dim or grey text, bold
    /// frames (presentation mode).
    public var highContrast = false

    /// A theme.
    public init(colorMode: ColorMode, glyphs: Glyphs, highContrast: Bool = false) {
        self.colorMode = colorMode
        self.glyphs = glyphs
        self.highContrast = highContrast
    }

    /// Plain ASCII, no colour: the form of piped output and of most golden tests.
    public static let plain = Theme(colorMode: .mono, glyphs: .asciiSet)
    /// Unicode without colour.
    public static let unicodeMono = Theme(colorMode: .mono, glyphs: .unicodeSet)
    /// Unicode with 256 colours.
    public static let full = Theme(colorMode: .full, glyphs: .unicodeSet)

    /// True when colours are available.
    public var hasColor: Bool { colorMode != .mono }

    // MARK: Class colours

    /// Base colours (r, g, b in 0...1): Okabe-Ito's colour-blind-safe hues (orange and blue
    /// for two classes, as TensorFlow Playground's; then bluish green, reddish purple and
    /// vermillion). The chart series use other colours (`series`), so a curve is never read
    /// as a class.
    static func classRGB(_ k: Int, of classes: Int) -> (Double, Double, Double) {
        let okabeIto: [(Double, Double, Double)] = [
            (0.90, 0.62, 0.00), (0.00, 0.45, 0.70), (0.00, 0.62, 0.45), (0.80, 0.47, 0.65), (0.84, 0.37, 0.00),
        ]
        return okabeIto[k % okabeIto.count]
    }

    /// The 16-colour classes: yellow and blue, then cyan (apart from both in simulated
    /// deuteranopia and protanopia, where green is not: it reads as yellow).
    static let sixteenClass: [(dim: Color, bright: Color)] = [
        (.yellow, .brightYellow), (.blue, .brightBlue), (.cyan, .brightCyan), (.magenta, .brightMagenta), (.red, .brightRed),
    ]

    /// The colour of a region where the network says class `k` with `confidence` in 0...1
    /// (0 = undecided, 1 = certain): from the background grey to the class's colour.
    public func regionColor(_ k: Int, of classes: Int, confidence: Double) -> Color {
        var c = Swift.min(Swift.max(confidence, 0), 1)
        // A washed-out projector loses pale colours: every decided region at full strength.
        if highContrast { c = c < 0.2 ? c : 1 }
        switch colorMode {
        case .full:
            let (r, g, b) = Self.classRGB(k, of: classes)
            let base = 0.16, t = 0.25 + 0.55 * c
            return .rgb(base + (r - base) * t, base + (g - base) * t, base + (b - base) * t)
        case .sixteen:
            let pair = Self.sixteenClass[k % Self.sixteenClass.count]
            return c < 0.5 ? .brightBlack : (c < 0.85 ? pair.dim : pair.bright)
        case .mono:
            return .default
        }
    }

    /// The colour of a data point of class `k` (stronger than any region colour).
    public func pointColor(_ k: Int, of classes: Int) -> Color {
        switch colorMode {
        case .full:
            let (r, g, b) = Self.classRGB(k, of: classes)
            return .rgb(Swift.min(1, r * 1.15 + 0.1), Swift.min(1, g * 1.15 + 0.1), Swift.min(1, b * 1.15 + 0.1))
        case .sixteen: return Self.sixteenClass[k % Self.sixteenClass.count].bright
        case .mono: return .default
        }
    }

    /// The background of a data point's cell: a dark halo, so a point stands out from every
    /// region colour, its own class's included (an orange point on an orange region).
    public var pointHalo: Color {
        switch colorMode {
        case .full: .grey(0.04)
        case .sixteen: .black
        case .mono: .default
        }
    }

    /// The style of a data point of class `k`, as the map and its legend draw it.
    public func pointStyle(_ k: Int, of classes: Int, test: Bool) -> Style {
        guard hasColor else { return test ? Style(attributes: .dim) : Style(attributes: .bold) }
        return Style(fg: pointColor(k, of: classes), bg: pointHalo, attributes: .bold)
    }

    /// The colour of the decision boundary (P = 0.5, the class boundary, F = 0) on a map.
    public var contourColor: Color {
        switch colorMode {
        case .full: .grey(0.95)
        case .sixteen: .brightWhite
        case .mono: .default
        }
    }

    /// A diverging colour for a value in -1...1 (regression maps, weights): orange for
    /// negative, blue for positive, grey near 0.
    public func divergingColor(_ v: Double) -> Color {
        guard v.isFinite else { return colorMode == .mono ? .default : .brightRed }
        let c = Swift.min(Swift.max(v, -1), 1)
        return regionColor(c < 0 ? 0 : 1, of: 2, confidence: Swift.abs(c))
    }

    // MARK: Text

    /// Panel titles.
    public var title: Style { Style(attributes: .bold) }
    /// Secondary text: axis labels, hints.
    public var muted: Style {
        if highContrast { return .plain }
        return hasColor ? Style(fg: colorMode == .full ? .grey(0.55) : .brightBlack) : Style(attributes: .dim)
    }
    /// Highlighted values.
    public var accent: Style { hasColor ? Style(fg: colorMode == .full ? .indexed(45) : .brightCyan, attributes: .bold) : Style(attributes: .bold) }
    /// Good news (converged, passed).
    public var good: Style { hasColor ? Style(fg: colorMode == .full ? .indexed(78) : .brightGreen) : Style(attributes: .bold) }
    /// Warnings (saturation, dead units).
    public var warning: Style { hasColor ? Style(fg: colorMode == .full ? .indexed(214) : .brightYellow) : Style(attributes: .bold) }
    /// Errors (diverged).
    public var error: Style { hasColor ? Style(fg: colorMode == .full ? .indexed(203) : .brightRed, attributes: .bold) : Style(attributes: [.bold, .reverse]) }
    /// Frames of panels.
    public var frame: Style {
        if highContrast { return Style(attributes: .bold) }
        return hasColor ? Style(fg: colorMode == .full ? .grey(0.4) : .brightBlack) : .plain
    }
    /// The selected row of a list.
    public var selection: Style { Style(attributes: .reverse) }
    /// The background of the header bar.
    public var bar: Style { hasColor ? Style(bg: colorMode == .full ? .grey(0.15) : .black) : .plain }
    /// The colours of chart series, apart from the class colours and from each other in
    /// simulated deuteranopia and protanopia (the colour-blind test measures it): white,
    /// violet, pale yellow and pink with 256 colours; white, bright red, grey and magenta with
    /// 16 (the fourth is told apart from class 1's blue by its dash pattern).
    public static let seriesColors256: [Color] = [.indexed(231), .indexed(99), .indexed(228), .indexed(204)]
    public static let seriesColors16: [Color] = [.brightWhite, .brightRed, .brightBlack, .magenta]

    /// A line in a chart: series 0 (training) and 1 (test), or the networks of the compare
    /// screen. Every series also has its own dash pattern (`LineChart.mark`).
    public func series(_ i: Int) -> Style {
        guard hasColor else { return i == 0 || highContrast ? .plain : Style(attributes: .dim) }
        let colors = colorMode == .full ? Self.seriesColors256 : Self.seriesColors16
        return Style(fg: colors[i % colors.count])
    }
}
