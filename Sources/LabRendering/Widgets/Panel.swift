/// A frame with a title; widgets go in its `inner` rectangle.
public struct Panel: Widget {
    /// The title, drawn on the top edge.
    public var title: String
    /// Text on the right of the top edge (a value, a hint).
    public var rightTitle: String = ""
    /// Draw the frame highlighted (the panel in focus).
    public var focused = false

    /// A panel titled `title`.
    public init(title: String, rightTitle: String = "", focused: Bool = false) {
        self.title = title
        self.rightTitle = rightTitle
        self.focused = focused
    }

    /// The rectangle inside the frame.
    public static func inner(_ area: Rect) -> Rect { area.inset(dx: 1, dy: 1) }

    public func render(into buffer: inout Buffer, area: Rect, theme: Theme) {
        guard area.width >= 2, area.height >= 2 else { return }
        let g = theme.glyphs
        let style = focused ? theme.accent : theme.frame
        buffer.fill(Panel.inner(area))
        for x in area.x + 1..<area.right - 1 {
            buffer.set(x, area.y, g.horizontal, style)
            buffer.set(x, area.bottom - 1, g.horizontal, style)
        }
        for y in area.y + 1..<area.bottom - 1 {
            buffer.set(area.x, y, g.vertical, style)
            buffer.set(area.right - 1, y, g.vertical, style)
        }
        buffer.set(area.x, area.y, g.topLeft, style)
        buffer.set(area.right - 1, area.y, g.topRight, style)
        buffer.set(area.x, area.bottom - 1, g.bottomLeft, style)
        buffer.set(area.right - 1, area.bottom - 1, g.bottomRight, style)
        let room = area.width - 4
        guard room > 0 else { return }
        if !title.isEmpty {
            let t = truncate(" \(title) ", to: room, glyphs: g)
            buffer.put(t, x: area.x + 1, y: area.y, style: focused ? theme.accent : theme.title)
        }
        if !rightTitle.isEmpty {
            let used = title.isEmpty ? 0 : displayWidth(truncate(" \(title) ", to: room, glyphs: g))
            let r = truncate(" \(rightTitle) ", to: room - used - 1, glyphs: g)
            // A right title cut to less than a word is left out.
            let cut = r != " \(rightTitle) "
            if !r.isEmpty && !(cut && r.filter({ $0.isLetter || $0.isNumber }).count < 3) { buffer.put(r, x: area.right - 1 - displayWidth(r), y: area.y, style: theme.muted) }
        }
    }
}
