import LabRendering
import Testing

/// Every widget at every size in every theme: no crash, nothing drawn outside its area, ASCII
/// themes draw only ASCII, monochrome themes use no colour.
@Suite struct WidgetSafetyTests {
    static let sizes: [(Int, Int)] = [(0, 0), (1, 1), (2, 1), (1, 5), (5, 3), (13, 7), (40, 12), (80, 24)]

    @Test(arguments: awkwardWidgets.indices)
    func drawsOnlyInsideItsAreaAtEverySize(_ index: Int) {
        let (name, widget) = awkwardWidgets[index]
        for theme in allThemes {
            for (w, h) in Self.sizes {
                let marker = Cell("%", style: .plain)
                var buffer = Buffer(width: w + 4, height: h + 4, fill: marker)
                let area = Rect(x: 2, y: 2, width: w, height: h)
                widget.render(into: &buffer, area: area, theme: theme)
                for y in 0..<buffer.height {
                    for x in 0..<buffer.width where !area.contains(x, y) {
                        #expect(buffer[x, y] == marker, "\(name) \(w)x\(h) drew outside its area at (\(x), \(y))")
                    }
                }
                for y in area.y..<area.bottom {
                    for x in area.x..<area.right {
                        let cell = buffer[x, y]
                        if !theme.glyphs.unicode {
                            #expect(cell.character.unicodeScalars.allSatisfy { $0.isASCII }, "\(name) \(w)x\(h): non-ASCII \(cell.character)")
                        }
                        if !theme.hasColor {
                            #expect(cell.style.fg == .default && cell.style.bg == .default, "\(name) \(w)x\(h): colour in mono")
                        }
                        if theme.colorMode == .sixteen {
                            for color in [cell.style.fg, cell.style.bg] {
                                if case .indexed(let n) = color { #expect(n < 16, "\(name): colour \(n) in 16-colour mode") }
                            }
                        }
                    }
                }
            }
        }
    }

    /// NaN and infinite values are drawn as a visible marker, not as a plausible colour.
    @Test func nonFiniteValuesAreVisible() {
        let map = DecisionMap(kind: .classes(2), values: [.nan, .nan, .nan, .nan], columns: 2, rows: 2, x: 0...1, y: 0...1)
        #expect(render(map, 2, 2).joined().contains("?"))
        #expect(render(Sparkline(values: [1, .nan]), 2, 1) == [" ?"])
        #expect(render(MatrixTable(values: [.nan, .infinity], rows: 1, cols: 2), 20, 1) == ["[   NaN   inf ]"])
        #expect(render(HistogramView(counts: [1, 1], lower: 0, upper: 1, nonFinite: 3), 16, 3).last == "0 NaN: 3       1")
    }
}
