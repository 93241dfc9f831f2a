import LabRendering
import Testing

/// Each widget as text, line by line (the grids were checked by eye once, then pinned).
@Suite struct WidgetTextTests {
    @Test func panel() {
        #expect(render(Panel(title: "Loss", rightTitle: "epoch 12"), 20, 4) == [
            "+ Loss --- epoch...+", "|                  |", "|                  |", "+------------------+",
        ])
        #expect(render(Panel(title: "A very long title indeed", rightTitle: "x"), 20, 3, theme: .unicodeMono) == [
            "┌ A very long…─────┐", "│                  │", "└──────────────────┘",
        ])
        // Cut at the end of a word, not inside one.
        #expect(truncate("update/W 4.3e-05 (aim ~1e-3)", to: 20, glyphs: .asciiSet) == "update/W 4.3e-05...")
        #expect(truncate("abcdefghijklmnop", to: 8, glyphs: .asciiSet) == "abcde...")
        #expect(Panel.inner(Rect(x: 0, y: 0, width: 10, height: 5)) == Rect(x: 1, y: 1, width: 8, height: 3))
    }

    @Test func settingsListMarksHiddenRows() {
        let rows = (0..<10).map { SettingsList.Row(name: "row \($0)", value: "\($0)") }
        let top = render(SettingsList(rows: rows, selected: 0), 20, 4)
        #expect(top.first?.hasSuffix("^") == false && top.last?.hasSuffix("v") == true, "rows below: a mark at the bottom \(top)")
        let middle = render(SettingsList(rows: rows, selected: 5), 20, 4)
        #expect(middle.first?.hasSuffix("^") == true && middle.last?.hasSuffix("v") == true, "rows above and below \(middle)")
        let end = render(SettingsList(rows: rows, selected: 9), 20, 4)
        #expect(end.first?.hasSuffix("^") == true && end.last?.hasSuffix("v") == false, "\(end)")
        #expect(render(SettingsList(rows: Array(rows.prefix(3)), selected: 0), 20, 4).allSatisfy { !$0.hasSuffix("^") && !$0.hasSuffix("v") })
    }

    @Test func textPanelWrapsScrollsAndKeepsFormulas() {
        let text = "One neuron draws one line, and XOR needs two. Press [v] to see.\n\n  z(2) = W(1) a(1) + b(1)\n\nMore text here to scroll down a bit more."
        #expect(render(TextPanel(text: text), 24, 6) == [
            "One neuron draws one   #", "line, and XOR needs    |", "two. Press [v] to see. |", "                       |",
            "  z(2) = W(1) a(1) + b(|", "                       v",
        ])
        #expect(render(TextPanel(text: text, scroll: 99), 24, 6).last == "scroll down a bit more.#")
        #expect(TextPanel.wrap("a b c", width: 3) == ["a b", "c"])
        #expect(TextPanel.wrap("abcdefgh", width: 3) == ["abc", "def", "gh"])
        var buffer = Buffer(width: 24, height: 6)
        TextPanel(text: text).render(into: &buffer, area: buffer.area, theme: .full)
        #expect(buffer[11, 2].character == "[" && buffer[11, 2].style.attributes.contains(.bold), "[v] is highlighted")
    }

    @Test func timelineBar() {
        // Epochs 0-3, 10 and 40 on a 40-column row: the label takes the right, the shown one is marked.
        let epochs = [0, 1, 2, 3, 10, 40]
        // (0, 1 and 2 share the first column.)
        #expect(render(TimelineBar(epochs: epochs, shown: nil), 40, 1) == ["++--+-------------# 6 checkpoints < back"])
        #expect(render(TimelineBar(epochs: epochs, shown: 4), 40, 1) == ["++----#-------------------+ 5/6 epoch 10"])
        #expect(render(TimelineBar(epochs: epochs, shown: 0), 30, 1, theme: .unicodeMono) == ["◆┼──┼────────────┼ 1/6 epoch 0"])
        #expect(TimelineBar(epochs: [0], shown: nil).label == "1 checkpoint")
        #expect(render(TimelineBar(epochs: [], shown: nil), 30, 1) == [""])
    }

    @Test func barsAndLines() {
        #expect(render(Gauge(label: "dead", fraction: 3.0 / 8, text: "3/8"), 24, 1, theme: .unicodeMono) == ["dead █████▋          3/8"])
        #expect(render(Sparkline(values: [0, 1, 2, 3, 4, 5, 6, 7, .nan, 3]), 12, 1, theme: .unicodeMono) == ["  ▁▂▃▄▅▆▇█?▄"])
        #expect(render(StatusBar(segments: [("epoch 12", .plain), ("loss 0.031", .plain), ("acc 98.2%", .plain)], right: ("running", .plain)), 40, 1)
                == ["epoch 12  loss 0.031  acc 98.2%  running"])
        // Without room, later segments are dropped; the state stays.
        #expect(render(StatusBar(segments: [("epoch 12", .plain), ("loss 0.031", .plain), ("acc 98.2%", .plain)], right: ("running", .plain)), 30, 1)
                == ["epoch 12  loss 0.031   running"])
        #expect(render(KeyHints([("space", "pause"), (".", "step"), ("?", "help")]), 40, 1) == ["space pause  . step  ? help"])
    }

    @Test func dialogAndSettings() {
        #expect(render(Dialog(title: "Diverged", lines: ["loss became NaN at epoch 12", "try a smaller learning rate"], hint: "press any key"), 40, 7) == [
            "   + Diverged ---------------------+", "   | loss became NaN at epoch 12   |", "   | try a smaller learning rate   |",
            "   |                               |", "   | press any key                 |", "   +-------------------------------+", "",
        ])
        let rows: [SettingsList.Row] = [.init(name: "Data", value: "", isHeading: true), .init(name: "dataset", value: "circles"),
                                        .init(name: "noise", value: "0%", locked: true), .init(name: "lr", value: "0.03")]
        #expect(render(SettingsList(rows: rows, selected: 1), 30, 4) == ["Data", "dataset  < circles >", "noise    0% (locked)", "lr       0.03"])
        // The selection stays visible when the list scrolls.
        let many = (0..<30).map { SettingsList.Row(name: "r\($0)", value: "\($0)") }
        #expect(render(SettingsList(rows: many, selected: 29), 12, 3).last == "r29  < 29 >")
    }

    @Test func lineChart() {
        let chart = LineChart(series: [.init(label: "train", values: [0.7, 0.5, 0.3, 0.2, 0.1, 0.05])], logScale: true)
        #expect(render(chart, 30, 8) == [
            "-- train 0.05", "0.7  |'':...", "     |     '''...", "     |          '':..", "     |              '':.",
            "     |                  ':.", "0.05 |                     ':.", "      0     log scale, epoch 5",
        ])
        let two = LineChart(series: [.init(label: "train", values: [0.9, 0.1]), .init(label: "test", values: [0.9, 0.5])])
        #expect(render(two, 30, 6, theme: .unicodeMono)[0] == "── train 0.1  ╌╌ test 0.5")
    }

    @Test func histogram() {
        #expect(render(HistogramView(counts: [1, 3, 8, 12, 8, 3, 1], lower: -1, upper: 1), 20, 6) == [
            "      ##", "    ..##..", "    ######", "  ..######..", "..##########..", "-1           1",
        ])
        let relu = render(HistogramView(counts: [40, 2, 5, 8, 10, 12, 6, 3, 1, 0], lower: 0, upper: 2.5, zeros: 38), 20, 6, theme: .unicodeMono)
        #expect(relu.last == "0 =0: 44%        2.5")
        #expect(relu[0].hasPrefix("0█"), "the bin holding exact zeros is marked")
    }

    @Test func matrixTable() {
        // Four significant digits for every entry: a small one is never rounded to 0.
        #expect(render(MatrixTable(values: [1, -0.5, 0.25, 2, 0, -3], rows: 2, cols: 3, highlightRow: 1), 30, 3)
                == ["[   1.000 -0.5000  0.2500 ]", "[   2.000       0  -3.000 ]", ""])
        #expect(render(MatrixTable(values: [1, -0.5, 0.25, 2, 0, .nan, 1e-7, 12345.6, 3], rows: 3, cols: 3), 34, 4, theme: .unicodeMono) == [
            "⎡     1.000   -0.5000    0.2500 ⎤", "⎢     2.000         0       NaN ⎥", "⎣ 1.000e-07 1.235e+04     3.000 ⎦", "",
        ])
        // Too wide and too tall: the first columns and rows, and how many are left out.
        let big = MatrixTable(values: (0..<100).map(Double.init), rows: 10, cols: 10)
        let lines = render(big, 30, 4)
        #expect(lines[0] == "[     0 1.000 2.000 +7 ]")
        #expect(lines[3] == " +7 rows")
        // The highlighted element is reversed.
        var buffer = Buffer(width: 30, height: 2)
        MatrixTable(values: [1, 2, 3, 4], rows: 2, cols: 2, highlightRow: 1, highlightColumn: 0).render(into: &buffer, area: buffer.area, theme: .plain)
        #expect(buffer[6, 1].style.attributes.contains(.reverse))
        #expect(!buffer[6, 0].style.attributes.contains(.reverse))
    }

    @Test func networkDiagram() {
        let net = NetworkDiagram(layers: [.init(label: "2", units: 2, names: ["x1", "x2"]), .init(label: "100 relu", units: 100), .init(label: "3 softmax", units: 3)],
                                 weights: [Array(repeating: 0.5, count: 200), Array(repeating: -0.3, count: 300)], parameterCount: 603)
        let lines = render(net, 40, 8)
        #expect(lines[5] == "                    +95")
        #expect(lines[6] == "2                100 relu      3 softmax", "the first label from the left edge, the last to the right")
        #expect(lines[7] == "- w<0  -- w>0             603 parameters", "the key to the edges: dashed negative, solid positive")
        #expect(lines[2].hasPrefix("x1 o") && lines[3].hasPrefix("x2 o"))
    }

    @Test func decisionMapAndThumbnails() {
        var map = DecisionMap(kind: .classes(2), values: [0, 0.25, 0.75, 1, 0, 0.5, 1, 1], columns: 4, rows: 2, x: 0...1, y: 0...1)
        map.axes = false
        map.points = [MapPoint(x: 0.1, y: 0.9, label: 0), MapPoint(x: 0.9, y: 0.1, label: 1, isTest: true)]
        // P(class 1) 0.75 and 1 shade dark; the boundary (%) runs where P crosses 0.5, between
        // the second and third columns.
        #expect(render(map, 4, 2) == ["O%*@", " %@x"])
        map.discretize = true
        #expect(render(map, 4, 2) == ["O%@@", " %@x"])
        let thumbs = Thumbnails(tiles: (0..<3).map { k in .init(label: "unit \(k + 1)", values: (0..<16).map { Float($0 % 4) / 1.5 - 1 + Float(k) * 0.1 }, columns: 4, rows: 4) },
                                tileSize: Thumbnails.fit(count: 3, in: Rect(x: 0, y: 0, width: 30, height: 6)))
        #expect(render(thumbs, 30, 6)[0] == "unit 1   unit 2   unit 3")
        #expect(render(thumbs, 30, 6)[1] == "  --++@@   --**@@ ..--**@@")
    }
}

@Suite struct MatrixWindowTests {
    /// Unit mode on a wide layer: the highlighted row is shown even far down the matrix.
    @Test func highlightedRowStaysInView() {
        let table = MatrixTable(values: (0..<40).map(Double.init), rows: 40, cols: 1, highlightRow: 30)
        let lines = render(table, 20, 5)
        #expect(lines.contains { $0.contains("30.00") }, "row 31 holds 30")
        #expect(lines.last == " rows 29-32 of 40")
        var buffer = Buffer(width: 20, height: 5)
        table.render(into: &buffer, area: buffer.area, theme: .plain)
        let row = lines.firstIndex { $0.contains("30.00") }!
        #expect(buffer[4, row].style.attributes.contains(.bold), "the highlighted row is emphasised")
    }
}

@Suite struct KeyMarkTests {
    /// "[v]" in a lesson is a key and stands out; "[0, 1]" is an interval and does not.
    @Test func onlyKeysAreHighlighted() {
        var buffer = Buffer(width: 30, height: 1)
        TextPanel(text: "on [0, 1] press [v]").render(into: &buffer, area: buffer.area, theme: .full)
        #expect(buffer[3, 0].character == "[" && !buffer[3, 0].style.attributes.contains(.bold))
        #expect(buffer[16, 0].character == "[" && buffer[16, 0].style.attributes.contains(.bold))
    }
}
