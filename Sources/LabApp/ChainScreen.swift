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
    static func lines(at x: Double) -> [[(text: String, kind: Int)]] {
        [ChainRuleReport.univariate(at: x), ChainRuleReport.multivariate(at: x)].map(lines)
    }

    /// Lines a full reveal takes.
    static func lineCount(at x: Double) -> Int { lines(at: x).reduce(0) { $0 + $1.count } }

    static func number(_ v: Double) -> String { NumberFormat.compact(v, significant: 6) }
    static func term(_ v: Double) -> String { v < 0 ? "(\(number(v)))" : number(v) }

    /// One example's lines; kind 0 forward, 1 local derivative, 2 path, 3 sum and checks.
    static func lines(_ r: ChainRuleReport) -> [(text: String, kind: Int)] {
        var out: [(String, Int)] = []
        for l in r.forward { out.append(("\(l.name) = " + (l.formula.isEmpty ? "" : "\(l.formula) = ") + number(l.value), 0)) }
        for l in r.local { out.append(("\(l.name) = \(l.formula) = \(number(l.value))", 1)) }
        for p in r.paths {
            let values = p.factors.enumerated().map { $0.offset == 0 ? number($0.element.value) : term($0.element.value) }.joined(separator: " * ")
            out.append(("path " + p.nodes.joined(separator: " -> ") + ": " + p.factors.map(\.name).joined(separator: " * ") + " = " + values + " = " + number(p.product), 2))
        }
        let sum = r.paths.count > 1
            ? "df/dx = sum over the paths = " + r.paths.enumerated().map { $0.offset == 0 ? number($0.element.product) : term($0.element.product) }.joined(separator: " + ") + " = " + number(r.total)
            : "df/dx = " + number(r.total)
        out.append((sum, 3))
        out.append(("check: reverse mode \(number(r.tape)), finite differences \(number(r.finiteDifference))", 3))
        return out
    }

    func draw(into frame: inout Frame, header: Rect, body: Rect, footer: Rect, theme: Theme) {
        let all = Self.lines(at: cursor.x)
        let total = all.reduce(0) { $0 + $1.count }
        StatusBar(segments: [(" The chain rule", theme.title), ("x = \(Self.number(cursor.x))", theme.accent),
                             ("\(Swift.min(cursor.shown, total))/\(total) values shown", .plain)],
                  right: ("forward, then backward ", theme.muted), background: theme.bar)
            .render(into: &frame.buffer, area: header, theme: theme)
        DashboardScreen.drawFooter([("n", "next value"), ("p", "back"), ("+ -", "change x"), ("esc", "the lab"), ("?", "help"), ("q", "quit")],
                                   notice: state.notice, theme: theme, into: &frame.buffer, area: footer)
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
            let headings = ["forward values:", "local derivatives (one per edge):", "backward: the product along each path:", ""]
            var rows: [(String, Style)] = []
            var lastKind = -1
            for (k, line) in all[e].enumerated() where before + k < cursor.shown {
                if line.kind != lastKind && !headings[line.kind].isEmpty { rows.append((headings[line.kind], theme.title)) }
                lastKind = line.kind
                rows.append(("  " + line.text, before + k == cursor.shown - 1 ? theme.accent : .plain))
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
