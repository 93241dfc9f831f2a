import Formatting
/// Layers as columns of nodes, edges shaded by weight sign and magnitude, nodes by their
/// activation for one example; layer labels and the parameter count.
public struct NetworkDiagram: Widget {
    /// One column of nodes.
    public struct Layer: Sendable {
        /// Under the column: "8 tanh", "x", "1 logistic".
        public var label: String
        public var units: Int
        /// Node names (input features), shown left of the input column.
        public var names: [String]
        /// Each node's value for the selected example, scaled to -1...1 (nil: no shading).
        public var values: [Double]?
        /// The label when `label` does not fit ("a(2) 8" for "a(2) 8 logistic"), or nil.
        public var short: String?
        /// The column whose a a skip connection adds to this one's (drawn as an arc above), or nil.
        public var skipFrom: Int?
        /// True when the layer's units drop out in training (drawn hollow: ○, or x in ASCII).
        public var dropout: Bool
        public init(label: String, units: Int, names: [String] = [], values: [Double]? = nil, short: String? = nil, skipFrom: Int? = nil,
                    dropout: Bool = false) {
            self.label = label
            self.units = units
            self.names = names
            self.values = values
            self.short = short
            self.skipFrom = skipFrom
            self.dropout = dropout
        }
    }

    public var layers: [Layer]
    /// Per gap between columns: units[l+1] x units[l] weights, row-major.
    public var weights: [[Double]]
    /// Total parameters, shown in the corner.
    public var parameterCount: Int
    /// A column to highlight (the step-through's layer in focus), 0-based.
    public var highlighted: Int?

    public init(layers: [Layer], weights: [[Double]], parameterCount: Int, highlighted: Int? = nil) {
        self.layers = layers
        self.weights = weights
        self.parameterCount = parameterCount
        self.highlighted = highlighted
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 8, area.height >= 4, layers.count >= 2 else { return }
        let names = layers[0].names
        let nameWidth = Swift.min(8, names.map(displayWidth).max() ?? 0)
        // Skip connections take the top row for their arcs (when there are 3 rows to spare).
        let arcs = layers.contains { $0.skipFrom != nil } && area.height >= 6 ? 1 : 0
        let plot = Rect(x: area.x + nameWidth + (nameWidth > 0 ? 1 : 0), y: area.y + arcs, width: area.width - nameWidth - (nameWidth > 0 ? 1 : 0),
                        height: area.height - 2 - arcs)
        guard plot.width >= layers.count * 2, plot.height >= 1 else { return }
        let columns = layers.count
        func columnX(_ l: Int) -> Int { plot.x + (columns == 1 ? 0 : l * (plot.width - 1) / (columns - 1)) }
        if arcs > 0 { drawSkips(&buffer, y: area.y, columnX: columnX, theme: theme) }
        // Nodes shown per column: all if they fit, else the first ones and "+N".
        func shown(_ l: Int) -> Int { layers[l].units <= plot.height ? layers[l].units : Swift.max(1, plot.height - 1) }
        // Rows between nodes: spread out when there is room (up to 3), so edges fan out.
        let tallest = (0..<columns).map { shown($0) + (layers[$0].units > shown($0) ? 1 : 0) }.max() ?? 1
        let gap = Swift.max(1, Swift.min(3, (plot.height - 1) / Swift.max(1, tallest - 1)))
        func nodeY(_ l: Int, _ i: Int) -> Int {
            let n = shown(l) + (layers[l].units > shown(l) ? 1 : 0)
            let span = (n - 1) * gap + 1
            return plot.y + (plot.height - span) / 2 + i * gap
        }
        // Edges on a braille canvas; each cell keeps the strongest weight through it.
        var strength = [Double](repeating: 0, count: plot.width * plot.height)
        var sign = [Double](repeating: 0, count: plot.width * plot.height)
        var dots = [UInt8](repeating: 0, count: plot.width * plot.height)
        let peak = Swift.max(weights.flatMap { $0.map { Swift.abs($0).isFinite ? Swift.abs($0) : 0 } }.max() ?? 1, 1e-12)
        for g in 0..<Swift.min(weights.count, columns - 1) {
            let from = layers[g]
            let matrix = weights[g]
            for j in 0..<shown(g + 1) {
                for i in 0..<shown(g) {
                    let k = j * from.units + i
                    guard k < matrix.count else { continue }
                    let w = matrix[k]
                    let s = w.isFinite ? Swift.abs(w) / peak : 1
                    guard s > 0.08 else { continue }
                    let x0 = (columnX(g) - plot.x) * 2 + 2, y0 = (nodeY(g, i) - plot.y) * 4 + 1
                    let x1 = (columnX(g + 1) - plot.x) * 2 - 1, y1 = (nodeY(g + 1, j) - plot.y) * 4 + 1
                    // Without colour a negative weight is drawn dashed (the legend says so).
                    let dashed = !theme.hasColor && w < 0
                    var step = 0
                    rasterize(x0, y0, x1, y1) { dx, dy in
                        step += 1
                        if dashed && step % 4 >= 2 { return }
                        let cx = dx / 2, cy = dy / 4
                        guard cx >= 0, cy >= 0, cx < plot.width, cy < plot.height else { return }
                        let cell = cy * plot.width + cx
                        let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
                        dots[cell] |= bits[dy % 4][dx % 2]
                        if s > strength[cell] { strength[cell] = s; sign[cell] = w.isFinite ? (w < 0 ? -1 : 1) : 0 }
                    }
                }
            }
        }
        for cy in 0..<plot.height {
            for cx in 0..<plot.width where dots[cy * plot.width + cx] != 0 {
                let cell = cy * plot.width + cx
                let style = theme.hasColor ? Style(fg: theme.divergingColor(sign[cell] * (0.35 + 0.65 * strength[cell]))) : (strength[cell] > 0.5 ? .plain : Style(attributes: .dim))
                buffer.set(plot.x + cx, plot.y + cy, theme.glyphs.braille(dots[cell]), style)
            }
        }
        // Nodes.
        for (l, layer) in layers.enumerated() {
            let x = columnX(l)
            let isHighlighted = highlighted == l
            for i in 0..<shown(l) {
                let y = nodeY(l, i)
                var style: Style = isHighlighted ? theme.accent : .plain
                if let v = layer.values, i < v.count {
                    style = theme.hasColor ? Style(fg: theme.divergingColor(v[i]), attributes: .bold) : style
                    if !v[i].isFinite { style = theme.error }
                }
                buffer.set(x, y, layer.dropout ? (theme.glyphs.unicode ? "○" : "x") : (theme.glyphs.unicode ? "●" : "o"), style)
                if l == 0, i < names.count {
                    let name = truncate(names[i], to: nameWidth, glyphs: theme.glyphs)
                    buffer.put(name, x: area.x + nameWidth - displayWidth(name), y: y, style: theme.muted)
                }
            }
            if layer.units > shown(l) {
                let more = "+\(layer.units - shown(l))"
                buffer.put(more, x: Swift.max(area.x, x - displayWidth(more) / 2), y: nodeY(l, shown(l)), style: theme.muted)
            }
            // Label under the column in its own slot (the first from the left edge, the last to
            // the right edge, the others centred), so labels never run into each other.
            let slot = Swift.max(3, area.width / columns - 1)
            let label = truncate(displayWidth(layer.label) > slot ? layer.short ?? layer.label : layer.label, to: slot, glyphs: theme.glyphs)
            let w = displayWidth(label)
            let lx = l == 0 ? area.x : l == columns - 1 ? area.right - w : Swift.min(Swift.max(area.x, x - w / 2), area.right - w)
            buffer.put(label, x: lx, y: area.bottom - 2, style: isHighlighted ? theme.accent : theme.muted, clip: area)
        }
        drawLegend(&buffer, area: Rect(x: area.x, y: area.bottom - 1, width: area.width, height: 1), theme: theme)
    }

    /// Each skip connection as an arc from its source column to the column it adds to:
    /// `╭──────╮` (`+------+` in ASCII); arcs that meet share a `┬`.
    private func drawSkips(_ buffer: inout Buffer, y: Int, columnX: (Int) -> Int, theme: Theme) {
        let unicode = theme.glyphs.unicode
        var row: [Int: Character] = [:]
        for (to, layer) in layers.enumerated() {
            guard let from = layer.skipFrom, from >= 0, from < to else { continue }
            let x0 = columnX(from), x1 = columnX(to)
            for x in (x0 + 1)..<x1 where row[x] == nil { row[x] = unicode ? "─" : "-" }
            for (x, corner) in [(x0, unicode ? "╭" : "+"), (x1, unicode ? "╮" : "+")] as [(Int, Character)] {
                if let old = row[x], old != "─", old != "-", old != corner { row[x] = unicode ? "┬" : "+" } else { row[x] = corner }
            }
        }
        for (x, c) in row { buffer.set(x, y, c, theme.muted) }
    }

    /// The key to the edges (sign and size of a weight, drawn as the edges are) and the
    /// parameter count, on the bottom row.
    private func drawLegend(_ buffer: inout Buffer, area: Rect, theme: Theme) {
        let g = theme.glyphs
        let solid = g.unicode ? String(repeating: String(g.braille(0x12)), count: 2) : "--"
        let dashed = g.unicode ? String(g.braille(0x12)) + " " : "- "
        let items: [[(text: String, style: Style)]] = theme.hasColor ? [
            [(solid, Style(fg: theme.divergingColor(-1))), (" w<0", theme.muted)],
            [(solid, Style(fg: theme.divergingColor(1))), (" w>0", theme.muted)],
            [(solid, Style(fg: theme.divergingColor(0.35))), (" small |w|", theme.muted)],
        ] : [
            [(dashed, .plain), ("w<0", theme.muted)],
            [(solid, .plain), (" w>0", theme.muted)],
            [(solid, Style(attributes: .dim)), (" dim: small |w|", theme.muted)],
        ]
        var parts: [[(text: String, style: Style)]] = []
        if layers.contains(where: { $0.skipFrom != nil }) { parts.append([(g.unicode ? "╭╮" : "++", theme.muted), (" skip", theme.muted)]) }
        if layers.contains(where: \.dropout) { parts.append([(g.unicode ? "○" : "x", .plain), (" dropout", theme.muted)]) }
        let count = "\(NumberFormat.grouped(parameterCount)) parameters"
        var x = area.x
        for item in items + parts {
            let width = item.reduce(0) { $0 + displayWidth($1.text) }
            guard x + width <= area.right - (x == area.x ? 0 : displayWidth(count) + 2) || x == area.x && x + width <= area.right else { break }
            for part in item { x += buffer.put(part.text, x: x, y: area.y, style: part.style, clip: area) }
            x += 2
        }
        if x + displayWidth(count) <= area.right {
            buffer.put(count, x: area.right - displayWidth(count), y: area.y, style: theme.muted)
        }
    }

    private func rasterize(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, _ plot: (Int, Int) -> Void) {
        var x = x0, y = y0
        let dx = Swift.abs(x1 - x0), dy = -Swift.abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        for _ in 0..<10_000 {
            plot(x, y)
            if x == x1 && y == y1 { return }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }
}
