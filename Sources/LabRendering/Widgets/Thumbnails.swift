/// Small heat maps side by side: what each hidden unit computes over the input plane (as
/// TensorFlow Playground shows beside each neuron).
public struct Thumbnails: Widget {
    /// One unit's map.
    public struct Tile: Sendable {
        public var label: String
        /// `rows x columns` values in -1...1 (row 0 at the top).
        public var values: [Float]
        public var columns: Int
        public var rows: Int
        public init(label: String, values: [Float], columns: Int, rows: Int) {
            self.label = label
            self.values = values
            self.columns = columns
            self.rows = rows
        }
    }

    public var tiles: [Tile]
    /// Cells per tile (width, height).
    public var tileSize: (width: Int, height: Int)
    /// Data points drawn on every tile, as fractions of the plane (x across, y up, 0...1);
    /// only when there are few enough to read (at most `maxPoints`).
    public var points: [(x: Double, y: Double, label: Int)] = []
    /// The plane under the tiles, for the legend ("x₁ → -6…6").
    public var plane: (x: String, y: String)?
    /// Points drawn on tiles up to this many (more would cover the map).
    public static let maxPoints = 100

    public init(tiles: [Tile], tileSize: (width: Int, height: Int)) {
        self.tiles = tiles
        self.tileSize = tileSize
    }

    /// Where the tiles go inside `area`: all but the legend's row at the bottom.
    public static func tileArea(_ area: Rect) -> Rect {
        area.height >= 8 ? Rect(x: area.x, y: area.y, width: area.width, height: area.height - 1) : area
    }

    /// The tile size that fits `count` tiles into `area` (square-ish in pixels).
    public static func fit(count: Int, in area: Rect) -> (width: Int, height: Int) {
        guard count > 0, area.width > 2, area.height > 2 else { return (0, 0) }
        var best = (width: 1, height: 1)
        for height in stride(from: Swift.min(area.height - 1, 24), through: 2, by: -1) {
            let width = height * 2
            let perRow = Swift.max(1, (area.width + 1) / (width + 1))
            let rows = (count + perRow - 1) / perRow
            if rows * (height + 1) <= area.height { best = (width, height); break }
        }
        return best
    }

    public func render(into buffer: inout Buffer, area full: Rect, theme: Theme) {
        let area = Self.tileArea(full)
        let (tw, th) = tileSize
        guard tw > 0, th > 0, area.width >= tw, area.height >= th + 1 else { return }
        let perRow = Swift.max(1, (area.width + 1) / (tw + 1))
        if area != full {
            // The legend right under the last row of tiles, flowing over the rows left.
            let used = Swift.min(area.height, (tiles.count + perRow - 1) / perRow * (th + 1))
            drawLegend(&buffer, area: Rect(x: full.x, y: full.y + used, width: full.width, height: full.height - used), theme: theme)
        }
        let halfBlocks = theme.glyphs.unicode && theme.hasColor
        for (n, tile) in tiles.enumerated() {
            let x0 = area.x + (n % perRow) * (tw + 1)
            let y0 = area.y + (n / perRow) * (th + 1)
            guard y0 + th < area.bottom + 1 else { break }
            buffer.put(truncate(tile.label, to: tw, glyphs: theme.glyphs), x: x0, y: y0, style: theme.muted)
            for r in 0..<th - 0 where y0 + 1 + r < area.bottom {
                for c in 0..<tw {
                    func value(_ pr: Int) -> Double {
                        guard tile.columns > 0, tile.rows > 0 else { return .nan }
                        let gc = Swift.min(tile.columns - 1, c * tile.columns / tw)
                        let gr = Swift.min(tile.rows - 1, pr * tile.rows / (th * (halfBlocks ? 2 : 1)))
                        let i = gr * tile.columns + gc
                        return i < tile.values.count ? Double(tile.values[i]) : .nan
                    }
                    let top = value(halfBlocks ? 2 * r : r)
                    let cell: Cell
                    if !top.isFinite {
                        cell = Cell("?", style: theme.error)
                    } else if halfBlocks {
                        let bottom = value(2 * r + 1)
                        cell = Cell(theme.glyphs.upperHalf, style: Style(fg: theme.divergingColor(top), bg: theme.divergingColor(bottom.isFinite ? bottom : 0)))
                    } else if theme.hasColor {
                        cell = Cell(" ", style: Style(bg: theme.divergingColor(top)))
                    } else {
                        let ramp = theme.glyphs.ramp
                        cell = Cell(ramp[Swift.min(ramp.count - 1, clampedInt((top + 1) / 2 * Double(ramp.count - 1), 0, ramp.count - 1))])
                    }
                    buffer.set(x0 + c, y0 + 1 + r, cell)
                }
            }
            guard points.count <= Self.maxPoints else { continue }
            let classes = Swift.max(2, (points.map(\.label).max() ?? 1) + 1)
            for p in points where p.x.isFinite && p.y.isFinite && (0...1).contains(p.x) && (0...1).contains(p.y) {
                let c = Swift.min(tw - 1, Int(p.x * Double(tw))), r = Swift.min(th - 1, Int((1 - p.y) * Double(th)))
                guard y0 + 1 + r < area.bottom else { continue }
                buffer.set(x0 + c, y0 + 1 + r, theme.glyphs.point(class: p.label, test: false), theme.pointStyle(p.label, of: classes, test: false))
            }
        }
    }

    /// The colour scale (each tile on its own: its lowest value to its highest), the plane's
    /// axes and the points' classes.
    private func drawLegend(_ buffer: inout Buffer, area: Rect, theme: Theme) {
        var items: [Legend.Item] = []
        var scale: Legend.Item = [("low ", theme.muted)]
        for v in [-1.0, -0.5, 0, 0.5, 1] {
            if theme.hasColor {
                scale.append((" ", Style(bg: theme.divergingColor(v))))
            } else {
                let ramp = theme.glyphs.ramp
                scale.append((String(ramp[clampedInt((v + 1) / 2 * Double(ramp.count - 1), 0, ramp.count - 1)]), .plain))
            }
        }
        scale.append((" high a, per tile", theme.muted))
        items.append(scale)
        if let plane { items.append([("\(plane.x) \(theme.glyphs.arrow), \(plane.y) \(theme.glyphs.up)", theme.muted)]) }
        if !points.isEmpty && points.count <= Self.maxPoints {
            let classes = Swift.max(2, (points.map(\.label).max() ?? 1) + 1)
            for k in 0..<Swift.min(classes, 5) {
                items.append([(String(theme.glyphs.point(class: k, test: false)), theme.pointStyle(k, of: classes, test: false)), (classes <= 2 ? " class \(k)" : " \(k)", theme.muted)])
            }
        }
        Legend(items).render(into: &buffer, area: area)
    }
}
