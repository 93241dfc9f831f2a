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

    public init(tiles: [Tile], tileSize: (width: Int, height: Int)) {
        self.tiles = tiles
        self.tileSize = tileSize
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

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        let (tw, th) = tileSize
        guard tw > 0, th > 0, area.width >= tw, area.height >= th + 1 else { return }
        let perRow = Swift.max(1, (area.width + 1) / (tw + 1))
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
        }
    }
}
