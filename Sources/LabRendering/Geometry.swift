/// A rectangle of terminal cells. Widgets draw inside the rectangle they are given.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    /// Left column.
    public var x: Int
    /// Top row.
    public var y: Int
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// A rectangle; negative sizes count as zero.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = Swift.max(0, width)
        self.height = Swift.max(0, height)
    }

    /// The empty rectangle at the origin.
    public static let zero = Rect(x: 0, y: 0, width: 0, height: 0)

    /// True when it has no cells.
    public var isEmpty: Bool { width == 0 || height == 0 }
    /// Number of cells.
    public var area: Int { width * height }
    /// One past the right column.
    public var right: Int { x + width }
    /// One past the bottom row.
    public var bottom: Int { y + height }

    /// The rectangle shrunk by `dx` columns on each side and `dy` rows top and bottom.
    public func inset(dx: Int, dy: Int) -> Rect {
        Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy)
    }

    /// The part of the rectangle inside `other`.
    public func intersection(_ other: Rect) -> Rect {
        let x0 = Swift.max(x, other.x), y0 = Swift.max(y, other.y)
        let x1 = Swift.min(right, other.right), y1 = Swift.min(bottom, other.bottom)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// True if (px, py) is inside.
    public func contains(_ px: Int, _ py: Int) -> Bool { px >= x && px < right && py >= y && py < bottom }

    /// A `width x height` rectangle centred in this one (clipped to it).
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = Swift.min(w, width), ch = Swift.min(h, height)
        return Rect(x: x + (width - cw) / 2, y: y + (height - ch) / 2, width: cw, height: ch)
    }

    public var description: String { "Rect(\(x), \(y), \(width)x\(height))" }
}

/// `v` rounded and clamped to `lo...hi`; NaN gives `lo`. Plot coordinates go through this, so
/// a huge or non-finite value can never trap in the `Int` conversion.
@inlinable
func clampedInt(_ v: Double, _ lo: Int, _ hi: Int) -> Int {
    guard v == v else { return lo }
    return Int(Swift.max(Double(lo), Swift.min(Double(hi), v.rounded())))
}
