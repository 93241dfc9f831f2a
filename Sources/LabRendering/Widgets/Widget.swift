/// Something that draws itself into a rectangle of a buffer.
public protocol Widget: Sendable {
    /// Draws into `area` of `buffer` (never outside it).
    func render(into buffer: inout Buffer, area: Rect, theme: Theme)
}

extension DecisionMap: Widget {}
extension CurvePlot: Widget {}
