/// A dot canvas of 2 x 4 dots per cell (braille), for line charts and curves. Each cell keeps
/// the style of the last series that drew a dot in it.
public struct BrailleCanvas: Sendable {
    /// Width in cells.
    public let width: Int
    /// Height in cells.
    public let height: Int
    private var dots: [UInt8]
    private var series: [Int]

    /// An empty canvas of `width x height` cells.
    public init(width: Int, height: Int) {
        self.width = Swift.max(0, width)
        self.height = Swift.max(0, height)
        dots = [UInt8](repeating: 0, count: self.width * self.height)
        series = [Int](repeating: -1, count: self.width * self.height)
    }

    /// Dot columns.
    public var dotWidth: Int { width * 2 }
    /// Dot rows.
    public var dotHeight: Int { height * 4 }

    /// Sets the dot at (dx, dy) (dot units, y down) for series `s`; outside does nothing.
    public mutating func set(_ dx: Int, _ dy: Int, series s: Int) {
        guard dx >= 0, dy >= 0, dx < dotWidth, dy < dotHeight else { return }
        let cell = (dy / 4) * width + dx / 2
        // Unicode braille dot numbering: left column 1,2,3,7; right column 4,5,6,8.
        let bits: [[UInt8]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]
        dots[cell] |= bits[dy % 4][dx % 2]
        series[cell] = s
    }

    /// A line between two dots (Bresenham); `dashed` leaves out every other pair of dots, so
    /// lines stay apart without colour.
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series s: Int, dashed: Bool = false) {
        line(x0, y0, x1, y1, series: s, pattern: dashed ? 1 : 0)
    }

    /// The dash patterns of `line(pattern:)`: dots drawn of each period, by pattern (0 solid,
    /// 1 dashed, 2 dotted, 3 long dashes), so up to four lines stay apart without colour.
    public static let patterns: [(on: Int, period: Int)] = [(1, 1), (2, 4), (1, 3), (4, 6)]

    /// A line between two dots in one of `patterns`, counted from `phase` (pass the dots drawn
    /// so far to continue a pattern across the segments of a polyline); returns the dots
    /// stepped through.
    @discardableResult
    public mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series s: Int, pattern: Int, phase: Int = 0) -> Int {
        let p = Self.patterns[pattern % Self.patterns.count]
        var x = x0, y = y0
        let dx = Swift.abs(x1 - x0), dy = -Swift.abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        var guardSteps = 0
        while guardSteps < 100_000 {
            if (phase + guardSteps) % p.period < p.on { set(x, y, series: s) }
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
            guardSteps += 1
        }
        return guardSteps
    }

    /// Draws the dots into `buffer` at (x, y) with one style per series; cells without dots
    /// are left as they are.
    public func render(into buffer: inout Buffer, x: Int, y: Int, styles: [Style], glyphs: Glyphs) {
        for row in 0..<height {
            for column in 0..<width {
                let i = row * width + column
                guard dots[i] != 0 else { continue }
                let s = series[i]
                let style = s >= 0 && s < styles.count ? styles[s] : .plain
                buffer.set(x + column, y + row, glyphs.braille(dots[i]), style)
            }
        }
    }
}
