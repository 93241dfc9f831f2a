/// A legend's items (each a mark and its words, in the styles the panel draws them with)
/// flowed over the rows of `area`: an item that does not fit the row starts the next, one that
/// fits no row is left out whole, never cut. `breakBefore` starts a row at those items when
/// there is more than one row (the map's shading scale).
public struct Legend {
    public typealias Item = [(text: String, style: Style)]

    public var items: [Item]
    public var breakBefore: Set<Int> = []

    public init(_ items: [Item], breakBefore: Set<Int> = []) {
        self.items = items
        self.breakBefore = breakBefore
    }

    /// Draws the items from `area.x + indent`; returns how many were drawn.
    @discardableResult
    public func render(into buffer: inout Buffer, area: Rect, indent: Int = 0) -> Int {
        guard area.width > 0, area.height > 0 else { return 0 }
        let left = area.x + indent
        var x = left, y = area.y, drawn = 0
        for (i, item) in items.enumerated() {
            let width = item.reduce(0) { $0 + displayWidth($1.text) }
            if x + width > area.right || (breakBefore.contains(i) && area.height > 1 && x > left) {
                guard y + 1 < area.bottom else { break }
                y += 1
                x = left
            }
            guard x + width <= area.right else { break }
            for part in item { x += buffer.put(part.text, x: x, y: y, style: part.style, clip: area) }
            x += 2
            drawn += 1
        }
        return drawn
    }
}
