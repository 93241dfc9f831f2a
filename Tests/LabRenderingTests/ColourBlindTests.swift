import GoldenSupport
import LabRendering
import Testing

/// Colours anyone can tell apart: the main screens' classes, regions, points and chart series
/// rendered with the 256- and 16-colour themes, then seen through a simulation of
/// deuteranopia and protanopia (Machado, Oliveira and Fernandes 2009, severity 1.0, on linear
/// RGB), must stay at least `minimum` apart in CIELAB (ΔE*76).
@Suite struct ColourBlindTests {
    static let minimum = ColourVision.minimum
    static func distance(_ a: Color, _ b: Color) -> Double { ColourVision.distance(a, b) }

    static let themes: [(String, Theme)] = [("256", .full), ("16", Theme(colorMode: .sixteen, glyphs: .unicodeSet))]

    /// A map of `classes` classes, each certain on its own band of columns, with a training
    /// and a test point of every class on every band: what the screens draw.
    static func renderedMap(classes: Int, theme: Theme) -> Buffer {
        let columns = 12 * classes, rows = 8
        var values: [Float] = []
        for _ in 0..<rows {
            for c in 0..<columns {
                let k = c / 12
                if classes == 2 { values.append(k == 1 ? 1 : 0) } else { values += (0..<classes).map { $0 == k ? 1 : 0 } }
            }
        }
        var map = DecisionMap(kind: .classes(classes), values: values, columns: columns, rows: rows, x: 0...1, y: 0...1)
        map.axes = false
        for band in 0..<classes {
            for k in 0..<classes {
                let x = (Double(band) + 0.2 + 0.15 * Double(k)) / Double(classes)
                map.points.append(MapPoint(x: x, y: 0.8, label: k))
                map.points.append(MapPoint(x: x, y: 0.3, label: k, isTest: true))
            }
        }
        var buffer = Buffer(width: columns, height: rows / 2)
        map.render(into: &buffer, area: buffer.area, theme: theme)
        return buffer
    }

    @Test(arguments: [2, 3]) func classesRegionsAndPointsStayApart(classes: Int) {
        for (name, theme) in Self.themes {
            let buffer = Self.renderedMap(classes: classes, theme: theme)
            // The regions: the background of the band's first cell (no point there).
            let regions = (0..<classes).map { buffer[12 * $0, 0].style.bg }
            for a in 0..<classes {
                for b in a + 1..<classes {
                    let d = Self.distance(regions[a], regions[b])
                    #expect(d >= Self.minimum, "\(name) colours: the regions of classes \(a) and \(b) are \(d) apart")
                }
            }
            // Every point against the cell it sits on, and the classes' points against each other.
            var pointColors: [Int: Color] = [:]
            for y in 0..<buffer.height {
                for x in 0..<buffer.width {
                    let cell = buffer[x, y]
                    guard let k = "●▲■○△□".firstIndex(of: cell.character).map({ "●▲■○△□".distance(from: "●▲■○△□".startIndex, to: $0) % 3 }) else { continue }
                    let d = Self.distance(cell.style.fg, cell.style.bg)
                    #expect(d >= Self.minimum, "\(name) colours: a class-\(k) point at (\(x), \(y)) is \(d) from its background")
                    pointColors[k] = cell.style.fg
                }
            }
            #expect(pointColors.count == classes, "\(name): every class's points are drawn")
            for a in 0..<classes {
                for b in a + 1..<classes {
                    let d = Self.distance(pointColors[a]!, pointColors[b]!)
                    #expect(d >= Self.minimum, "\(name) colours: the points of classes \(a) and \(b) are \(d) apart")
                }
            }
        }
    }

    @Test func chartSeriesStayApartFromEachOtherAndFromTheClasses() {
        for (name, theme) in Self.themes {
            // Four series, each on its own level, as the compare screen's loss chart draws them.
            let chart = LineChart(series: (0..<4).map { LineChart.Series(label: "n\($0)", values: Array(repeating: Double($0 + 1), count: 40)) })
            var buffer = Buffer(width: 60, height: 14)
            chart.render(into: &buffer, area: buffer.area, theme: theme)
            var seen: [Color] = []
            for y in 1..<13 {
                for x in 6..<60 {
                    let cell = buffer[x, y]
                    if cell.character.unicodeScalars.first.map({ (0x2801...0x28FF).contains($0.value) }) == true, !seen.contains(cell.style.fg) {
                        seen.append(cell.style.fg)
                    }
                }
            }
            #expect(seen.count == 4, "\(name): the four lines are drawn in four colours")
            // With 16 colours the fourth series (magenta) is told from class 1's blue by its dash
            // pattern, not its colour: three colours must carry the rest.
            let distinct = name == "256" ? 4 : 3
            let map = Self.renderedMap(classes: 2, theme: theme)
            let classColors = [map[0, 0].style.bg, map[12, 0].style.bg, theme.pointColor(0, of: 2), theme.pointColor(1, of: 2)]
            for i in 0..<distinct {
                for j in i + 1..<distinct {
                    let d = Self.distance(theme.series(i).fg, theme.series(j).fg)
                    #expect(d >= Self.minimum, "\(name) colours: series \(i) and \(j) are \(d) apart")
                }
                for c in classColors {
                    let d = Self.distance(theme.series(i).fg, c)
                    #expect(d >= Self.minimum, "\(name) colours: series \(i) is \(d) from a class colour")
                }
            }
            // Every series also has its own dash pattern (mono and colour alike).
            #expect(Set((0..<4).map { LineChart.mark($0, theme) }).count == 4)
        }
    }

    @Test func theSimulationIsTheStandardOne() {
        // Pure red and green collapse for a deuteranope (the reason for the test), and a colour
        // is unchanged in normal vision.
        let red = Color.indexed(196), green = Color.indexed(46)
        #expect(Swift.abs(ColourVision.normal.lab(red).0 - 53.2) < 1, "sRGB red has L* 53.2")
        #expect(ColourVision.normal.distance(red, green) > 100 && ColourVision.deuteranopia.distance(red, green) < 0.5 * ColourVision.normal.distance(red, green),
                "red and green come much closer for a deuteranope")
        #expect(Self.distance(.indexed(221), .indexed(172)) < Self.minimum,
                "the old yellow point (221) on the old orange region (172) falls under the bar: the test can fail")
    }
}
