import Formatting
/// A matrix or vector of numbers with brackets, one row, column or element highlighted (the
/// step-through shows W(l), a(l), z(l), delta(l) this way). Too wide or too tall: the first
/// rows and columns and "+N".
public struct MatrixTable: Widget {
    public var values: [Double]
    public var rows: Int
    public var cols: Int
    public var highlightRow: Int?
    public var highlightColumn: Int?
    /// Significant digits of every entry (`NumberFormat.significant`).
    public var digits: Int
    /// Entries shown as "?" (the quiz's value not yet answered), by index row by row.
    public var hidden: Set<Int> = []

    public init(values: [Double], rows: Int, cols: Int, highlightRow: Int? = nil, highlightColumn: Int? = nil, digits: Int = 4) {
        self.values = values
        self.rows = rows
        self.cols = cols
        self.highlightRow = highlightRow
        self.highlightColumn = highlightColumn
        self.digits = digits
    }

    /// A number in the table's format: `digits` significant digits, scientific when tiny or huge.
    func format(_ v: Double) -> String { NumberFormat.significant(v, digits: digits) }

    /// Columns the table needs to show everything.
    public var naturalWidth: Int { cols * cellWidth + 3 }

    /// One column: the widest number, at least as wide as "0.000", and a space.
    var cellWidth: Int {
        Swift.max(digits + 1, values.map { displayWidth(format($0)) }.max() ?? 1) + 1
    }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 5, area.height >= 1, rows > 0, cols > 0, values.count >= rows * cols else { return }
        let cellWidth = self.cellWidth
        let fitsCols = (area.width - 3) / cellWidth
        let shownCols = cols <= fitsCols ? cols : Swift.max(0, (area.width - 3 - 4) / cellWidth)
        let shownRows = rows <= area.height ? rows : Swift.max(1, area.height - 1)
        // A highlighted row always shows: the window of rows moves to keep it in view.
        var top = 0
        if let h = highlightRow, h >= 0, h < rows, shownRows < rows {
            top = Swift.min(Swift.max(0, h - shownRows / 2), rows - shownRows)
        }
        let open: Character = theme.glyphs.unicode ? "⎡" : "[", close: Character = theme.glyphs.unicode ? "⎤" : "]"
        for k in 0..<shownRows {
            let r = top + k
            let y = area.y + k
            let (left, right): (Character, Character)
            if theme.glyphs.unicode {
                if rows == 1 { (left, right) = ("[", "]") }
                else if r == 0 { (left, right) = (open, close) }
                else if r == rows - 1 { (left, right) = ("⎣", "⎦") }
                else { (left, right) = ("⎢", "⎥") }
            } else {
                (left, right) = ("[", "]")
            }
            buffer.set(area.x, y, left, theme.muted)
            var x = area.x + 1
            for c in 0..<shownCols {
                let v = values[r * cols + c]
                let text = hidden.contains(r * cols + c) ? "?" : format(v)
                var style: Style = v.isFinite ? .plain : theme.error
                if r == highlightRow || c == highlightColumn { style = theme.accent }
                if r == highlightRow && c == highlightColumn { style = theme.accent.reversed }
                buffer.put(String(repeating: " ", count: cellWidth - displayWidth(text)) + text, x: x, y: y, style: style, clip: area)
                x += cellWidth
            }
            if shownCols < cols { x += buffer.put(" +\(cols - shownCols)", x: x, y: y, style: theme.muted, clip: area) }
            buffer.set(Swift.min(x + 1, area.right - 1), y, right, theme.muted)
        }
        if shownRows < rows {
            let text = top > 0 ? "rows \(top + 1)-\(top + shownRows) of \(rows)" : "+\(rows - shownRows) rows"
            buffer.put(text, x: area.x + 1, y: area.y + shownRows, style: theme.muted, clip: area)
        }
    }
}
