import Formatting
import LabRendering
import NeuralCore

/// The lecture's two chain-rule examples as a screen: each a computation graph drawn as text,
/// its values revealed one line at a time (forward values, then each local derivative, then the
/// product along each path and their sum), with reverse mode and finite differences as checks.
struct ChainScreen: Screen {
    let context: ScreenContext
    let cursor: ChainCursor

    /// The lines of both examples at `x`, in the order `n` reveals them.
    static func lines(at x: Double) -> [[(text: String, kind: ChainRuleReport.LineKind)]] {
        [ChainRuleReport.univariate(at: x).lines, ChainRuleReport.multivariate(at: x).lines]
    }

    /// Lines a full reveal takes.
    static func lineCount(at x: Double) -> Int { lines(at: x).reduce(0) { $0 + $1.count } }

    func draw(into frame: inout Frame, header: Rect, body: Rect, footer: Rect, theme: Theme) {
        let all = Self.lines(at: cursor.x)
        let total = all.reduce(0) { $0 + $1.count }
        StatusBar(segments: [(" The chain rule", theme.title), ("x = \(NumberFormat.compact(cursor.x, significant: 6))", theme.accent),
                             ("\(Swift.min(cursor.shown, total))/\(total) values shown", .plain)],
                  right: ("forward, then backward ", theme.muted), background: theme.bar)
            .render(into: &frame.buffer, area: header, theme: theme)
        DashboardScreen.drawFooter(context.footerHints(theme),
                                   notice: context.footerNotice, theme: theme, into: &frame.buffer, area: footer)
        let wide = body.width >= 150
        let areas = wide ? Layout.horizontal([.fill(1), .fill(1)]).split(body) : Layout.vertical([.fill(1), .fill(1)]).split(body)
        let graphs = [["   x ---> g ---> f"], ["        +--> g1 --+", "   x ---|         +---> f", "        +--> g2 --+"]]
        let titles = ["Example 1: f(g(x)) = 2 g^2 - 3 g + 1, g(x) = x^3 + 2x",
                      "Example 2: f(g1, g2) = 2 g1^2 - 3 g1 g2 + 1, g1 = 3x, g2 = x^2 + 2x"]
        var before = 0
        for (e, area) in areas.enumerated() {
            Panel(title: titles[e], focused: cursor.shown > before && cursor.shown <= before + all[e].count).render(into: &frame.buffer, area: area, theme: theme)
            let inner = Panel.inner(area).inset(dx: 1, dy: 0)
            var y = inner.y
            for g in graphs[e] where y < inner.bottom {
                frame.buffer.put(theme.glyphs.unicode ? g.replacingOccurrences(of: "--->", with: "───▶").replacingOccurrences(of: "-->", with: "──▶")
                                    .replacingOccurrences(of: "---", with: "───").replacingOccurrences(of: "--", with: "──") : g,
                                 x: inner.x, y: y, style: theme.muted, clip: inner)
                y += 1
            }
            y += 1
            // The lines shown so far, under their headings; when they do not fit, the latest stay.
            let headings: [ChainRuleReport.LineKind: String] = [
                .forward: "forward values:", .local: "local derivatives (one per edge):", .path: "backward: the product along each path:",
            ]
            var rows: [(String, Style)] = []
            var lastKind: ChainRuleReport.LineKind?
            for (k, line) in all[e].enumerated() where before + k < cursor.shown {
                if line.kind != lastKind, let heading = headings[line.kind] { rows.append((heading, theme.title)) }
                lastKind = line.kind
                // A long line (the check) wraps at words under its indent, never cut.
                let style = before + k == cursor.shown - 1 ? theme.accent : Style.plain
                let pieces = displayWidth(line.text) + 2 <= inner.width ? [line.text] : TextPanel.wrap(line.text, width: Swift.max(10, inner.width - 4))
                for (n, piece) in pieces.enumerated() {
                    rows.append(((n == 0 ? "  " : "    ") + piece, style))
                }
            }
            for row in rows.suffix(Swift.max(0, inner.bottom - y)) {
                frame.buffer.put(truncate(row.0, to: inner.width, glyphs: theme.glyphs), x: inner.x, y: y, style: row.1, clip: inner)
                y += 1
            }
            before += all[e].count
        }
        OverlayView(context: context).render(into: &frame.buffer, body: body, settingsArea: body, theme: theme)
    }
}
