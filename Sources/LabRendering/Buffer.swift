/// A grid of cells that widgets draw into. Only a terminal backend turns it into output.
public struct Buffer: Equatable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// The cells, row by row.
    public private(set) var cells: [Cell]

    /// A `width x height` buffer filled with `fill`.
    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = Swift.max(0, width)
        self.height = Swift.max(0, height)
        cells = [Cell](repeating: fill, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at (x, y); reading outside gives a blank, writing outside does nothing.
    public subscript(x: Int, y: Int) -> Cell {
        get { x >= 0 && x < width && y >= 0 && y < height ? cells[y * width + x] : .blank }
        set { set(x, y, newValue) }
    }

    /// Puts `cell` at (x, y), keeping wide characters whole: overwriting half of one blanks
    /// its other half.
    public mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        let i = y * width + x
        if cells[i].isContinuation, x > 0 {
            cells[i - 1] = Cell(" ", style: cells[i - 1].style)
        }
        if x + 1 < width, cells[i + 1].isContinuation, !cell.isContinuation {
            cells[i + 1] = Cell(" ", style: cells[i + 1].style)
        }
        cells[i] = cell
    }

    /// Puts `character` in `style` at (x, y).
    public mutating func set(_ x: Int, _ y: Int, _ character: Character, _ style: Style) {
        set(x, y, Cell(character, style: style))
    }

    /// Changes only the style of the cells in `rect` (their characters stay).
    public mutating func setStyle(_ rect: Rect, _ style: Style) {
        let r = rect.intersection(area)
        for y in r.y..<r.bottom {
            for x in r.x..<r.right { cells[y * width + x].style = style }
        }
    }

    /// Fills `rect` with `cell`.
    public mutating func fill(_ rect: Rect, with cell: Cell = .blank) {
        let r = rect.intersection(area)
        for y in r.y..<r.bottom {
            for x in r.x..<r.right { cells[y * width + x] = cell }
        }
    }

    /// Writes `text` from (x, y) on one line, clipped to `clip` (the whole buffer if nil) and
    /// to `maxWidth` columns. A wide character that does not fit is left out. Returns the
    /// columns written.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, maxWidth: Int? = nil, clip: Rect? = nil) -> Int {
        let bounds = (clip ?? area).intersection(area)
        guard y >= bounds.y, y < bounds.bottom else { return 0 }
        let limit = Swift.min(bounds.right, maxWidth.map { x + Swift.max(0, $0) } ?? Int.max)
        var column = x
        for c in text {
            if c == "\n" || c == "\r" { break }
            let w = displayWidth(c)
            if w == 0 { continue }
            if column + w > limit { break }
            if column >= bounds.x {
                set(column, y, Cell(c, style: style))
                if w == 2 { set(column + 1, y, Cell.continuation(style)) }
            }
            column += w
        }
        return Swift.max(0, column - x)
    }

    /// Copies `other` into this buffer with its top-left corner at (x, y).
    public mutating func blit(_ other: Buffer, x: Int, y: Int) {
        for row in 0..<other.height {
            for column in 0..<other.width { set(x + column, y + row, other.cells[row * other.width + column]) }
        }
    }

    /// A cell that changed between two buffers.
    public struct Change: Equatable, Sendable {
        public let x: Int
        public let y: Int
        public let cell: Cell
    }

    /// The cells of this buffer that differ from `previous` (every cell if the sizes differ).
    public func changes(since previous: Buffer?) -> [Change] {
        var out: [Change] = []
        let sameSize = previous.map { $0.width == width && $0.height == height } ?? false
        for y in 0..<height {
            for x in 0..<width {
                let i = y * width + x
                if !sameSize || previous!.cells[i] != cells[i] { out.append(Change(x: x, y: y, cell: cells[i])) }
            }
        }
        return out
    }
}
