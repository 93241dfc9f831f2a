import LabRendering
import Lessons

/// What the main panel shows (`v` cycles): a lesson's `view: main:` choices.
public typealias MainView = ViewSettings.MainPanel

/// A window over the dashboard.
public enum Overlay: Equatable, Sendable {
    case none
    /// The `?` help: every mode's keys, the current screen's first (`LabState.helpScroll`).
    case help
    /// The settings panel (`s`, Tab).
    case settings
    /// The lesson picker (`l`).
    case lessons
    /// A message (divergence, an error); any key closes it.
    case message(title: String, lines: [String])
    /// A file name being typed for `w` (save) or `o` (load).
    case prompt(PromptKind, text: String)
}

/// What a prompt asks for.
public enum PromptKind: String, Sendable {
    case save, load
    /// The file to save to exists: enter replaces it, esc keeps it.
    case replace
    /// Where `S` saves the points (CSV).
    case saveData
    /// The CSV file to save to exists: enter replaces it.
    case replaceData
    /// `C` while editing: enter clears every point, esc keeps them.
    case clearData
    /// `F`: where the screen is written (.txt, .ans or .svg).
    case exportFrame
}

/// A point of the data's plane (or, for a 1-D function, x and y).
public struct PlanePoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// Everything the lab shows besides the training itself: the views, overlays and selections.
/// Changed only by the modes' actions (`Lab.handle(_:in:)`), so every key's effect is testable
/// without a terminal.
public struct LabState: Sendable, Equatable {
    public var main: MainView = .map
    /// Hidden units' contributions in the curve view.
    public var showContributions = true
    public var overlay: Overlay = .none
    public var showTest = true
    public var discretize = false
    /// First line of the lesson text shown.
    public var lessonScroll = 0
    /// The hidden layer the layer panel shows and `+`/`-` change (0 = the first hidden layer).
    public var selectedLayer = 0
    /// Selected row of the settings panel.
    public var settingsRow = 0
    /// Selected row of the lesson picker.
    public var lessonRow = 0
    /// First line of the help window shown.
    public var helpScroll = 0
    /// A one-line notice in the footer ("learning rate 0.3", "locked by the lesson").
    public var notice: String?
    /// Settings the lesson locked.
    public var locked: Set<Lock> = []
    /// Training speed limit in steps per second (0: no limit).
    public var speed = 0
    /// Set when the lab should end.
    public var quit = false
    /// The example chosen by a click on the map: the network diagram shades its activations
    /// and the step-through starts from it.
    public var selectedPoint: Int?
    /// The step-through screen (`f`), when open.
    public var stepping: StepCursor?
    /// The divergence message was shown for the current run (it opens once per divergence).
    public var divergenceShown = false
    /// The network that keys change, on the compare screen (0 = the first).
    public var focus = 0
    /// The chain-rule screen, when open: the point x and how many of its lines are shown.
    public var chain: ChainCursor?
    /// The step-through's quiz (`Q`), when on.
    public var quiz: QuizState?
    /// The hidden-space view's pair of units: (n, n+1) of the selected layer (`i` moves on).
    public var hiddenPair = 0
    /// Presentation mode: the maps and big numbers only, high contrast.
    public var present = false
    /// Data editing (`E`): the cursor's keys place and remove points.
    public var editing = false
    /// The data editor's cursor on the plane.
    public var editCursor = PlanePoint(x: 0, y: 0)
    /// New points join the test set instead of the training set (`T` while editing).
    public var editToTest = false
    /// Scrubbing back through training: the step of the checkpoint shown (nil: the latest).
    public var scrubStep: Int?
    /// Training is going back to this step (`b`); the checkpoint stays on screen until it has.
    public var resuming: Int?

    public init() {}

    /// True if the settings `lock` guards may not be changed.
    public func isLocked(_ lock: Lock) -> Bool { locked.contains(lock) || locked.contains(.all) }
}

/// Where the step-through is: which example, which computation, unit or vector mode.
public struct StepCursor: Sendable, Equatable {
    /// Index into the lab's map points (training points, then test points).
    public var point = 0
    /// The computation shown (index into the trace's entries).
    public var index = 0
    /// Unit mode: one unit's sum written out.
    public var unitMode = false
    /// The unit unit mode shows (0-based).
    public var unit = 0
    /// The minibatch view (`m`): the first line of the vectorised pass shown, or nil for the
    /// one example.
    public var batchScroll: Int?
    public init(point: Int = 0) { self.point = point }
}

/// Where the chain-rule screen is: the point x, and the lines shown so far.
public struct ChainCursor: Sendable, Equatable {
    public var x = 1.0
    /// Lines shown, over both examples (forward, then local derivatives, then the paths).
    public var shown = 1
    public init() {}
}

/// A direction on the map, for moving the step-through's point cursor.
public enum Direction: Sendable, Equatable {
    case up, down, left, right
}
