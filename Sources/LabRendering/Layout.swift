/// How much of a rectangle a region takes.
public enum Constraint: Hashable, Sendable {
    /// Exactly n cells (less if there is not room).
    case length(Int)
    /// A percentage of the whole.
    case percentage(Int)
    /// At least n cells; shares the leftover like `fill(1)`.
    case min(Int)
    /// A share of what is left, by weight.
    case fill(Int)
}

/// Splits a rectangle into regions along one direction; widgets never compute their own
/// position.
public struct Layout: Sendable {
    /// Along which axis regions follow each other.
    public enum Direction: Sendable { case horizontal, vertical }

    /// The axis.
    public let direction: Direction
    /// One constraint per region.
    public let constraints: [Constraint]
    /// Empty cells between regions.
    public let spacing: Int

    /// Regions one below the other.
    public static func vertical(_ constraints: [Constraint], spacing: Int = 0) -> Layout {
        Layout(direction: .vertical, constraints: constraints, spacing: spacing)
    }

    /// Regions side by side.
    public static func horizontal(_ constraints: [Constraint], spacing: Int = 0) -> Layout {
        Layout(direction: .horizontal, constraints: constraints, spacing: spacing)
    }

    /// The regions, in order; together they never exceed `rect`.
    public func split(_ rect: Rect) -> [Rect] {
        let n = constraints.count
        guard n > 0 else { return [] }
        let total = direction == .vertical ? rect.height : rect.width
        var available = Swift.max(0, total - spacing * (n - 1))
        var sizes = [Int](repeating: 0, count: n)
        // Fixed sizes first, in order, as long as there is room.
        for (i, c) in constraints.enumerated() {
            let want: Int
            switch c {
            case .length(let l): want = Swift.max(0, l)
            case .percentage(let p): want = Swift.max(0, total * p / 100)
            case .min(let m): want = Swift.max(0, m)
            case .fill: want = 0
            }
            sizes[i] = Swift.min(want, available)
            available -= sizes[i]
        }
        // The rest goes to fill and min regions by weight.
        let weights = constraints.map { c -> Int in
            switch c {
            case .fill(let w): Swift.max(0, w)
            case .min: 1
            default: 0
            }
        }
        let weightSum = weights.reduce(0, +)
        if weightSum > 0 && available > 0 {
            var given = 0
            var lastWeighted = 0
            for i in 0..<n where weights[i] > 0 {
                let share = available * weights[i] / weightSum
                sizes[i] += share
                given += share
                lastWeighted = i
            }
            sizes[lastWeighted] += available - given
        }
        var out: [Rect] = []
        var offset = direction == .vertical ? rect.y : rect.x
        for size in sizes {
            switch direction {
            case .vertical: out.append(Rect(x: rect.x, y: offset, width: rect.width, height: size))
            case .horizontal: out.append(Rect(x: offset, y: rect.y, width: size, height: rect.height))
            }
            offset += size + spacing
        }
        return out
    }
}
