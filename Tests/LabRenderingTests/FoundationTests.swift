import Formatting
import LabRendering
import Testing

@Suite struct FoundationTests {
    @Test func layoutSplitsByConstraints() {
        let area = Rect(x: 0, y: 0, width: 100, height: 30)
        let rows = Layout.vertical([.length(1), .fill(1), .length(1)]).split(area)
        #expect(rows.map(\.height) == [1, 28, 1] && rows.map(\.y) == [0, 1, 29])
        let cols = Layout.horizontal([.percentage(60), .fill(1)], spacing: 1).split(area)
        #expect(cols.map(\.width) == [60, 39] && cols[1].x == 61, "a percentage is of the whole width")
        let weighted = Layout.horizontal([.fill(1), .fill(3)]).split(Rect(x: 0, y: 0, width: 40, height: 1))
        #expect(weighted.map(\.width) == [10, 30])
        let minimum = Layout.vertical([.min(5), .length(3)]).split(Rect(x: 0, y: 0, width: 1, height: 20))
        #expect(minimum.map(\.height) == [17, 3])
        // Over-constrained: regions shrink and never overlap or leave the area.
        let tight = Layout.vertical([.length(10), .length(10), .fill(1)]).split(Rect(x: 0, y: 0, width: 5, height: 12))
        #expect(tight.map(\.height) == [10, 2, 0])
        #expect(Layout.vertical([]).split(area).isEmpty)
    }

    @Test func diffFindsOnlyChangedCells() {
        var a = Buffer(width: 10, height: 3)
        a.put("hello", x: 0, y: 0)
        var b = a
        b.set(4, 2, Cell("x"))
        b.put("j", x: 0, y: 0)
        let changes = b.changes(since: a)
        #expect(changes.map { [$0.x, $0.y] } == [[0, 0], [4, 2]])
        #expect(b.changes(since: b).isEmpty)
        #expect(b.changes(since: nil).count == 30)
        #expect(b.changes(since: Buffer(width: 9, height: 3)).count == 30)
    }

    @Test func ansiTextCarriesColoursAndResets() {
        var b = Buffer(width: 6, height: 2)
        b.put("ab", x: 0, y: 0, style: Style(fg: .indexed(208), bg: .blue, attributes: .bold))
        b.put("c", x: 3, y: 0)
        #expect(b.ansiText == "\u{1B}[0;1;38;5;208;44mab\u{1B}[0m c\n")
        #expect(b.plainText == "ab c\n")
    }

    @Test func coloursFollowTheMode() {
        let full = Theme.full.regionColor(1, of: 2, confidence: 1)
        if case .indexed(let n) = full { #expect(n >= 16) } else { Issue.record("expected an indexed colour") }
        #expect(Theme.full.regionColor(0, of: 2, confidence: 1) != full, "the two classes differ")
        #expect(Theme.full.regionColor(1, of: 2, confidence: 0.2) != full, "confidence shades the colour")
        #expect(Set((0..<5).map { Theme.full.pointColor($0, of: 5) }).count == 5, "five distinct class colours")
        #expect(Theme.plain.regionColor(1, of: 2, confidence: 1) == .default)
    }

    @Test func numbersAreShortAndReadable() {
        #expect(NumberFormat.compact(0.5) == "0.5")
        #expect(NumberFormat.compact(-6) == "-6")
        #expect(NumberFormat.compact(1.234e-5) == "1.23e-05")
        #expect(NumberFormat.compact(.nan) == "NaN" && NumberFormat.compact(-.infinity) == "-inf")
        #expect(NumberFormat.fixed(2.5, decimals: 3, trim: false) == "2.500")
        // A diverging loss: too large for fixed decimals, written in scientific form (no trap).
        #expect(NumberFormat.fixed(1e300, decimals: 4, trim: false) == "1.0000e+300")
        #expect(NumberFormat.fixed(-3e15, decimals: 1) == "-3.0e+15")
        #expect(NumberFormat.percent(0.9833) == "98.3%")
        #expect(NumberFormat.grouped(1234567) == "1,234,567")
        #expect(NumberFormat.scientific(9.999e-3, digits: 2) == "1.00e-02")
        // Subnormals and the ends of the range: the value stored, in every printer.
        #expect(NumberFormat.compact(5e-324) == "4.94e-324")
        #expect(NumberFormat.compact(-5e-324, significant: 6) == "-4.94066e-324")
        let nearly = Double("1e-320")!  // stored as 9.99988671826831e-321
        #expect(NumberFormat.compact(nearly, significant: 6) == "9.99989e-321")
        #expect(NumberFormat.significant(nearly, digits: 4) == "1.000e-320")
        #expect(NumberFormat.scientific(Double.leastNormalMagnitude, digits: 3) == "2.225e-308")
        #expect(NumberFormat.scientific(Double.greatestFiniteMagnitude, digits: 3) == "1.798e+308")
        #expect(NumberFormat.loss(2.5e-310) == "2.5e-310")
        for e in stride(from: -323, through: 307, by: 7) {
            let x = Double("3.7e\(e)")!
            #expect(Double(NumberFormat.scientific(x, digits: 5)).map { abs($0 - x) <= abs(x) * 1e-5 } == true, "3.7e\(e): \(NumberFormat.scientific(x, digits: 5))")
        }
    }
}

/// The palette the README describes: orange and blue for two classes (TensorFlow Playground),
/// orange for negative and blue for positive weights, five distinct class hues.
@Suite struct PaletteTests {
    /// (r, g, b) levels 0...5 of an xterm-256 cube colour.
    static func cube(_ c: Color) -> (Int, Int, Int)? {
        guard case .indexed(let n) = c, n >= 16, n < 232 else { return nil }
        let i = Int(n) - 16
        return (i / 36, (i / 6) % 6, i % 6)
    }

    @Test func twoClassesAreOrangeAndBlue() throws {
        let theme = Theme.full
        let orange = try #require(Self.cube(theme.regionColor(0, of: 2, confidence: 1)))
        let blue = try #require(Self.cube(theme.regionColor(1, of: 2, confidence: 1)))
        #expect(orange.0 > orange.1 && orange.1 > orange.2, "class 0 is orange: \(orange)")
        #expect(blue.2 > blue.1 && blue.1 > blue.0, "class 1 is blue: \(blue)")
        #expect(theme.divergingColor(-1) == theme.regionColor(0, of: 2, confidence: 1), "negative weights are orange")
        #expect(theme.divergingColor(1) == theme.regionColor(1, of: 2, confidence: 1), "positive weights are blue")
        #expect(theme.regionColor(0, of: 2, confidence: 0.1) != theme.regionColor(0, of: 2, confidence: 1), "confidence shades")
    }

    @Test func fiveClassesAreDistinctInEveryColourMode() {
        for theme in [Theme.full, Theme(colorMode: .sixteen, glyphs: .unicodeSet)] {
            let colours = (0..<5).map { theme.pointColor($0, of: 5) }
            #expect(Set(colours).count == 5, "\(theme.colorMode): \(colours)")
        }
        #expect(Theme.plain.regionColor(1, of: 2, confidence: 1) == .default, "monochrome uses no colour")
    }
}
