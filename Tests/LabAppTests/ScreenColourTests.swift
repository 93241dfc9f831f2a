import GoldenSupport
import LabApp
import LabRendering
import Lessons
import Testing

/// The colour-blind check on whole screens as the lab draws them: on the dashboard and the
/// compare screen, with 256 and 16 colours, every data point stands out from its cell, and no
/// chart line has a class's colour (in simulated deuteranopia and protanopia too).
@Suite struct ScreenColourTests {
    static let themes: [(String, Theme)] = [("256", .full), ("16", Theme(colorMode: .sixteen, glyphs: .unicodeSet))]
    static let pointGlyphs: Set<Character> = ["●", "▲", "■", "○", "△", "□"]

    static func check(_ buffer: Buffer, _ name: String, lineRows: Range<Int>, lineColumns: Range<Int>, classes: [Color]) -> (points: Int, lines: Int) {
        var points = 0, lines = 0
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if pointGlyphs.contains(cell.character), cell.style.bg != .default {
                    points += 1
                    let d = ColourVision.distance(cell.style.fg, cell.style.bg)
                    #expect(d >= ColourVision.minimum, "\(name): the point at (\(x), \(y)) is \(d) from its background")
                }
                if lineRows.contains(y), lineColumns.contains(x), cell.character.unicodeScalars.first.map({ (0x2801...0x28FF).contains($0.value) }) == true {
                    lines += 1
                    for c in classes {
                        let d = ColourVision.distance(cell.style.fg, c)
                        #expect(d >= ColourVision.minimum, "\(name): the chart's line at (\(x), \(y)) is \(d) from a class colour")
                    }
                }
            }
        }
        return (points, lines)
    }

    @Test func dashboardAndCompareScreens() throws {
        let lab = try LabTests.lab("05b-circles-polar-feature")
        lab.trainSynchronously(epochs: 20)
        let compare = try LabTests.lab("06a-spiral-deep")
        compare.trainSynchronously(epochs: 20)
        for (name, theme) in Self.themes {
            let classes = [theme.pointColor(0, of: 2), theme.pointColor(1, of: 2), theme.regionColor(0, of: 2, confidence: 1), theme.regionColor(1, of: 2, confidence: 1)]
            // The dashboard at 120x40: the loss panel is the lower right (rows 22-38, columns 60 on).
            let dashboard = lab.compose(width: 120, height: 40, theme: theme)
            let onDashboard = Self.check(dashboard, "\(name) dashboard", lineRows: 23..<38, lineColumns: 64..<119, classes: classes)
            #expect(onDashboard.points > 20 && onDashboard.lines > 20, "\(name): the dashboard's points and loss lines were found (\(onDashboard))")
            // The compare screen: its charts are the bottom rows.
            let screen = compare.compose(width: 120, height: 40, theme: theme)
            let onCompare = Self.check(screen, "\(name) compare", lineRows: 30..<39, lineColumns: 6..<119, classes: classes)
            #expect(onCompare.points > 20 && onCompare.lines > 20, "\(name): the compare screen's points and lines were found (\(onCompare))")
        }
    }
}
