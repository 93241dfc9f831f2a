import Formatting
import LabRendering
import Lessons
import NeuralCore

/// One drawn screen, and what the next key needs to know about it: where the map's plot is
/// and which part of the plane it shows (a click chooses the point under it), and whether the
/// screen was too small to draw (then only q acts). Screens are values that make frames; the
/// lab's reducer reads the last frame and never what drawing left behind.
public struct Frame: Sendable {
    /// The cells to show.
    public var buffer: Buffer
    /// The decision map on this frame, if one was drawn.
    public var map: MapArea?
    /// True when the terminal is smaller than the smallest screen (the frame asks to enlarge).
    public var isTooSmall = false
    /// The timeline's bar on this frame, if one was drawn (a click on it shows that checkpoint).
    public var timeline: (bar: Rect, widget: TimelineBar)?
    /// The minibatch view on this frame: the rows it shows, its lines, and the first line of
    /// each matrix (the keys scroll by them).
    public var batch: (rows: Int, lines: Int, blocks: [Int])?

    /// A blank frame of `width` x `height`.
    public init(width: Int, height: Int) {
        buffer = Buffer(width: width, height: height)
    }
}

/// Where a decision map was drawn and which region of the plane it shows.
public struct MapArea: Sendable, Equatable {
    /// The plot's cells on the screen.
    public var plot: Rect
    /// The plane's x range across the plot.
    public var x: ClosedRange<Double>
    /// The plane's y range, top to bottom reversed (y grows upwards).
    public var y: ClosedRange<Double>

    /// The point of the plane at the centre of screen cell (`column`, `row`), or nil outside
    /// the plot.
    public func point(column: Int, row: Int) -> (x: Double, y: Double)? {
        guard plot.contains(column, row) else { return nil }
        return (x.lowerBound + (Double(column - plot.x) + 0.5) / Double(plot.width) * (x.upperBound - x.lowerBound),
                y.upperBound - (Double(row - plot.y) + 0.5) / Double(plot.height) * (y.upperBound - y.lowerBound))
    }

    /// Cells per unit of the plane, across and down (so distances in cells mean the same both
    /// ways).
    public var cellsPerUnit: (x: Double, y: Double) {
        (Double(plot.width) / (x.upperBound - x.lowerBound), Double(plot.height) / (y.upperBound - y.lowerBound))
    }
}

/// Everything a screen draws, read from the lab for one frame. Screens only read it; the grid
/// samplers are scratch whose results are values of their own (`GridSample`).
struct ScreenContext {
    let scenario: Scenario
    let configuration: SessionConfiguration
    let dataset: Dataset
    let trainIndices: [Int]
    /// The data's points: training points, then test points.
    let points: [MapPoint]
    let snapshot: TrainingSnapshot
    let state: LabState
    /// The step-through's trace of the chosen example (when the step-through is open).
    let trace: Trace?
    /// How far the trace being made on another thread has come (gradient-check entries done,
    /// in all), while the step-through waits for it.
    var traceProgress: (done: Int, total: Int)? = nil
    /// The settings panel's rows (when it is open).
    let settingRows: [SettingRow]
    let sampler: GridSampler
    /// a(l) of every layer for the chosen example (or the first): the diagram's node shading.
    let exampleActivations: [[Double]]
    /// Every network, in pane order (one on the dashboard).
    var panes: [PaneView] = []
    /// The number the step-through's quiz waits for, if any.
    var quizQuestion: Quiz.Question?
    /// The checkpoints' memory budget in MB (the help states it).
    var checkpointMegabytes = Timeline.defaultBudget >> 20
    /// "at lesson epoch", "past lesson epoch", or nil.
    var lessonStatus: String?
    /// The lesson's epoch, when the lab stops there (the charts mark it).
    var lessonEpoch: Int?
    /// Trouble short of a divergence (the header warns of it).
    var trouble: Trouble?
    /// The focused network's timeline (made once a frame: the header, the chart and the bar read it).
    var timeline: TimelineBar?
    /// The minibatch view's pass (when it is open).
    var batch: BatchTrace?

    /// The generated data set's kind (nil for a file).
    /// Where maps of 3 or more inputs cut x3, x4, ... (the sampler's slice; empty otherwise).
    var slice: [Double] { sampler.slice }

    var datasetKind: DatasetKind? {
        if case .generated(let spec) = configuration.data { return spec.kind }
        return nil
    }

    /// The network's input for a data point (its features; x alone for 1-D data; every
    /// coordinate for 3 or more).
    func input(of p: MapPoint) -> [Double] { dataset.input(of: p, features: configuration.features) }

    /// The input units' names for the network diagram.
    func inputNames(_ theme: Theme) -> [String] {
        switch dataset.dimension {
        case 1: ["x"]
        case 2: configuration.features.features.map { $0.label(unicode: theme.glyphs.unicode) }
        default: (1...dataset.dimension).map { theme.glyphs.unicode ? "x" + String($0).map { subscriptDigit($0) }.joined() : "x\($0)" }
        }
    }

    /// True when the curve view can show each hidden unit's contribution.
    var canShowContributions: Bool { Views.canShowContributions(snapshot.network.architecture, dataset: dataset) }

    /// The timeline of `snapshot`'s checkpoints with the one at `scrubStep` marked, or nil when
    /// it keeps none.
    static func timeline(of snapshot: TrainingSnapshot, scrubStep: Int?) -> TimelineBar? {
        let checkpoints = snapshot.checkpoints
        guard !checkpoints.isEmpty else { return nil }
        return TimelineBar(epochs: checkpoints.map(\.epoch), shown: scrubStep.flatMap { checkpoints.index(atOrBefore: $0) })
    }

    /// A chart panel's `inner` area less the timeline's row: the timeline takes a row of its
    /// own when the chart keeps three, else it goes over the epoch axis's labels.
    func chartArea(above inner: Rect) -> Rect {
        guard timeline != nil, inner.height >= 4 else { return inner }
        return Rect(x: inner.x, y: inner.y, width: inner.width, height: inner.height - 1)
    }

    /// Draws the timeline on the last row of a chart panel's `inner` area (after the chart);
    /// returns where its bar is, for clicks.
    func drawTimeline(under inner: Rect, into buffer: inout Buffer, theme: Theme) -> (bar: Rect, widget: TimelineBar)? {
        guard let timeline, inner.height > 0 else { return nil }
        let row = Rect(x: inner.x, y: inner.bottom - 1, width: inner.width, height: 1)
        timeline.render(into: &buffer, area: row, theme: theme)
        return timeline.layout(in: row, theme: theme).map { ($0.bar, timeline) }
    }

    /// The header's status while scrubbing or just after resuming ("checkpoint 37/212",
    /// "resumed: 280 epochs dropped"), or nil for the training status.
    var timelineStatus: String? {
        if let bar = timeline, let shown = bar.shown { return "checkpoint \(shown + 1)/\(bar.epochs.count)" }
        if let r = snapshot.rewind, snapshot.stepCount == r.step, snapshot.status == .paused {
            return "back here, \(NumberFormat.grouped(r.droppedEpochs)) later epoch\(r.droppedEpochs == 1 ? "" : "s") dropped; space plays"
        }
        return nil
    }

    /// True when the curve view draws each hidden unit's contribution.
    var showsContributions: Bool { Views.showsContributions(state, canShowContributions: canShowContributions) }

    /// The footer's keys now, from the key tables of the modes active now.
    func footerHints(_ theme: Theme) -> [(key: String, action: String)] {
        let architecture = snapshot.network.architecture
        let otherViews = dataset.dimension == 1 ? Views.canShowContributions(architecture, dataset: dataset) : !architecture.hidden.isEmpty
        var context = HintContext(state: state, status: snapshot.status, quizPending: quizQuestion != nil,
                                  paneCount: panes.count, glyphs: theme.glyphs, hasOtherViews: otherViews, classCount: dataset.classCount)
        context.hiddenLayers = architecture.hidden.count
        return KeyTable.hints(context)
    }

    /// The header's status: the timeline's, or training's with the lesson's moment.
    var statusName: String {
        if state.editing {
            // The editor says so, and where its cursor is, in the header.
            let c = state.editCursor
            let at = dataset.dimension == 1 ? "x=\(NumberFormat.compact(c.x, significant: 3)) y=\(NumberFormat.compact(c.y, significant: 3))"
                : "(\(NumberFormat.compact(c.x, significant: 3)), \(NumberFormat.compact(c.y, significant: 3)))"
            return "editing \(at)" + (state.editToTest ? " test" : "")
        }
        return timelineStatus ?? ([snapshot.status.name + (trouble.map { ": " + $0.short } ?? "")] + (lessonStatus.map { [$0] } ?? [])).joined(separator: " ")
    }

    /// The footer's words: the last action's notice, else the advice on a trouble.
    var footerNotice: String? { state.notice ?? trouble?.advice }

    /// The main panel's name.
    var viewName: String { Views.mainViewName(state, canShowContributions: canShowContributions) }
}

/// One network as the compare screen shows it.
struct PaneView {
    /// Its name ("relu", "network 1").
    let name: String
    /// How it differs from the others ("activation relu"), or "".
    let differs: String
    let snapshot: TrainingSnapshot
    let sampler: GridSampler
    /// Its logistic output's decision threshold.
    var threshold = 0.5

    /// "relu (activation relu)".
    var title: String { differs.isEmpty ? name : "\(name) (\(differs))" }

    /// Dead units over the hidden layers, if any layer can have them (ReLU family).
    var deadUnits: Int? {
        let counts = snapshot.probes.compactMap(\.deadUnits)
        return counts.isEmpty ? nil : counts.reduce(0, +)
    }

    /// The hidden units of the layers that can die ("dead 2/16").
    var unitsThatCanDie: Int { snapshot.probes.filter { $0.deadUnits != nil }.reduce(0) { $0 + $1.units } }

    /// The name a line shows: the variant's name, or how it differs when the name is only a
    /// value ("4" of `--vary layers=4,8`).
    var label: String {
        let bare = name.allSatisfy { $0.isNumber || ".-+ex,".contains($0) }
        return bare && !differs.isEmpty ? differs : name
    }
}

/// A screen of the lab: header, body and footer drawn from a `ScreenContext` into a `Frame`.
protocol Screen {
    /// What the screen draws.
    var context: ScreenContext { get }
    /// Draws the screen's header, body and footer rows into `frame` (the map's area included).
    func draw(into frame: inout Frame, header: Rect, body: Rect, footer: Rect, theme: Theme)
}

extension Screen {
    var state: LabState { context.state }

    /// The screen at `width` x `height` (at least `Lab.minimumSize`), the open overlay on top.
    func render(width: Int, height: Int, theme: Theme) -> Frame {
        var frame = Frame(width: width, height: height)
        let rows = Layout.vertical([.length(1), .fill(1), .length(1)]).split(frame.buffer.area)
        draw(into: &frame, header: rows[0], body: rows[1], footer: rows[2], theme: theme)
        return frame
    }
}

/// The subscript form of a decimal digit (x₃).
private func subscriptDigit(_ c: Character) -> String {
    guard let v = c.wholeNumberValue else { return String(c) }
    return String(Character(Unicode.Scalar(0x2080 + UInt32(v))!))
}
