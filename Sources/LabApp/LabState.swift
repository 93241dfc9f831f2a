import LabRendering
import Lessons

/// What the main panel shows (`v` cycles).
public enum MainView: String, Sendable, CaseIterable {
    /// The decision map with the data points.
    case map
    /// One small map per hidden unit: what each neuron has learned.
    case units
    /// 1-D regression: target f, network F and each hidden unit's contribution.
    case curve
}

/// A window over the dashboard.
public enum Overlay: Equatable, Sendable {
    case none
    /// The `?` help: every key.
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
}

/// Everything the lab shows besides the training itself: the views, overlays and selections.
/// Changed only by `Lab.handle(_:)`, so every key's effect is testable without a terminal.
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
    /// A one-line notice in the footer ("learning rate 0.3", "locked by the lesson").
    public var notice: String?
    /// Settings the lesson locked (names from `ViewSettings.lockable`).
    public var locked: Set<String> = []
    /// Training speed limit in steps per second (0: no limit).
    public var speed = 0
    /// Set when the lab should end.
    public var quit = false
    /// The example chosen by a click on the map: the network diagram shades its activations
    /// and the step-through starts from it.
    public var selectedPoint: Int?
    /// The step-through screen (`f`), when open.
    public var stepping: StepCursor?
    /// The status seen last, to notice a divergence once.
    public var lastStatus = "paused"

    public init() {}

    /// True if `name` may not be changed.
    public func isLocked(_ name: String) -> Bool { locked.contains(name) || locked.contains("all") }
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
    public init() {}
}

/// A direction on the map, for moving the step-through's point cursor.
public enum Direction: Sendable, Equatable {
    case up, down, left, right
}

/// What a key asks the lab to do.
public enum LabAction: Equatable, Sendable {
    case togglePlay, step, epoch, reset, newSeed, newData, quit
    case cycleView, nextActivation(Int), nextDataset(Int), learningRate(Int), units(Int), selectLayer(Int)
    case openSettings, openHelp, openLessons, save, load, toggleTest, toggleDiscretize
    case scrollLesson(Int), redraw, closeOverlay, stepThrough
    case settingsMove(Int), settingsChange(Int)
    case lessonMove(Int), lessonOpen
    case promptType(Character), promptErase, promptConfirm
    case select(x: Int, y: Int)
    case stepMove(Int), stepLayer(Int), stepEnd(Bool), stepUnitMode, stepUnit(Int), stepPoint(Direction), stepCycle(Int), stepClose
}

/// The key table: which action a key means in the current state. One place, listed in the
/// help overlay, tested key by key.
public enum KeyTable {
    /// Keys on the dashboard, with what they do, as the help overlay lists them.
    public static let dashboard: [(keys: [KeyEvent], action: LabAction, help: String)] = [
        ([.char(" ")], .togglePlay, "play / pause"),
        ([.char(".")], .step, "one step (one minibatch)"),
        ([.char("e")], .epoch, "one epoch"),
        ([.char("r")], .reset, "reset to the same initial weights"),
        ([.char("R")], .newSeed, "new seed: new initial weights"),
        ([.char("n")], .newData, "new sample of the data"),
        ([.char("v")], .cycleView, "main panel: map / each unit / curve"),
        ([.char("a")], .nextActivation(1), "next activation (A: previous)"),
        ([.char("A")], .nextActivation(-1), ""),
        ([.char("d")], .nextDataset(1), "next dataset (D: previous)"),
        ([.char("D")], .nextDataset(-1), ""),
        ([.char("]")], .learningRate(1), "learning rate up ([ down)"),
        ([.char("[")], .learningRate(-1), ""),
        ([.char("+"), .char("=")], .units(1), "one more unit in the selected layer (- one fewer)"),
        ([.char("-"), .char("_")], .units(-1), ""),
        ([.up], .selectLayer(-1), "select the previous / next hidden layer (up, down)"),
        ([.down], .selectLayer(1), ""),
        ([.char("s"), .tab], .openSettings, "settings panel (s or tab)"),
        ([.char("l")], .openLessons, "lesson picker"),
        ([.char("w")], .save, "save the model (JSON)"),
        ([.char("o")], .load, "load a model"),
        ([.char("t")], .toggleTest, "show / hide the test points"),
        ([.char("x")], .toggleDiscretize, "discretize the map (hard class regions)"),
        ([.char("j"), .pageDown], .scrollLesson(1), "scroll the lesson text (j k, pgdn pgup)"),
        ([.char("k"), .pageUp], .scrollLesson(-1), ""),
        ([.char("?"), .char("h"), .function(1)], .openHelp, "this help"),
        ([.char("f")], .stepThrough, "step through one example's forward and backward pass"),
        ([.control("l")], .redraw, "redraw the screen"),
        ([.char("q"), .endOfInput], .quit, "quit"),
    ]

    /// The action `key` means in `state`, or nil.
    public static func action(for key: KeyEvent, in state: LabState) -> LabAction? {
        switch state.overlay {
        case .help, .message:
            if key == .char("q") && state.overlay == .help { return .closeOverlay }
            if key == .endOfInput { return .quit }
            return key == .resize ? nil : .closeOverlay
        case .prompt:
            switch key {
            case .enter: return .promptConfirm
            case .escape: return .closeOverlay
            case .backspace: return .promptErase
            case .endOfInput: return .quit
            case .char(let c): return .promptType(c)
            default: return nil
            }
        case .settings:
            switch key {
            case .up, .char("k"): return .settingsMove(-1)
            case .down, .char("j"): return .settingsMove(1)
            case .left, .char("h"), .char("-"): return .settingsChange(-1)
            case .right, .char("l"), .char("+"), .char("="), .enter: return .settingsChange(1)
            case .escape, .char("s"), .tab: return .closeOverlay
            default: break
            }
        case .lessons:
            switch key {
            case .up, .char("k"): return .lessonMove(-1)
            case .down, .char("j"): return .lessonMove(1)
            case .pageUp: return .lessonMove(-10)
            case .pageDown: return .lessonMove(10)
            case .enter: return .lessonOpen
            case .escape, .char("l"): return .closeOverlay
            case .char("q"), .endOfInput: return .quit
            default: return nil
            }
        case .none:
            if state.stepping != nil { return stepAction(for: key) }
        }
        if case .click(let x, let y) = key { return .select(x: x, y: y) }
        // Dashboard keys (also in the settings panel, for those it does not take).
        for entry in dashboard where entry.keys.contains(key) { return entry.action }
        return nil
    }

    /// Keys of the step-through screen, as its help lists them.
    public static let stepKeys: [(keys: [KeyEvent], action: LabAction, help: String)] = [
        ([.char("n"), .enter, .char(" ")], .stepMove(1), "next computation (n, enter, space)"),
        ([.char("p"), .backspace], .stepMove(-1), "back one computation (p, backspace)"),
        ([.char("N")], .stepLayer(1), "next layer (N), previous layer (P)"),
        ([.char("P")], .stepLayer(-1), ""),
        ([.home], .stepEnd(false), "first computation (home), last (end)"),
        ([.end], .stepEnd(true), ""),
        ([.char("u")], .stepUnitMode, "unit mode: one unit's sum written out / whole layers"),
        ([.char("j"), .char("+"), .char("=")], .stepUnit(1), "next unit in unit mode (j), previous (k)"),
        ([.char("k"), .char("-")], .stepUnit(-1), ""),
        ([.up], .stepPoint(.up), "move the example cursor on the map (arrow keys)"),
        ([.down], .stepPoint(.down), ""),
        ([.left], .stepPoint(.left), ""),
        ([.right], .stepPoint(.right), ""),
        ([.tab], .stepCycle(1), "next example (tab), previous (shift-tab)"),
        ([.backTab], .stepCycle(-1), ""),
        ([.char("f"), .escape], .stepClose, "back to the dashboard (f, esc)"),
        ([.char("?"), .function(1)], .openHelp, "help"),
        ([.char("q"), .endOfInput], .quit, "quit"),
    ]

    static func stepAction(for key: KeyEvent) -> LabAction? {
        if case .click(let x, let y) = key { return .select(x: x, y: y) }
        for entry in stepKeys where entry.keys.contains(key) { return entry.action }
        return nil
    }

    /// The help overlay's lines.
    public static var helpLines: [String] {
        var out = lines(dashboard)
        out.append("")
        out.append("In the settings panel: up/down choose, left/right change; esc closes.")
        out.append("Changes to data or network start again from new weights; learning")
        out.append("rate, batch size, optimizer and L1/L2 apply while training runs.")
        return out
    }

    /// The help of the step-through screen.
    public static var stepHelpLines: [String] {
        lines(stepKeys) + ["", "Training is paused while you step; f or esc returns to the dashboard."]
    }

    /// An entry without help text shares the line of the entry before it ("] [", "up down").
    static func lines(_ table: [(keys: [KeyEvent], action: LabAction, help: String)]) -> [String] {
        var merged: [(keys: [String], help: String)] = []
        for entry in table {
            if entry.help.isEmpty, !merged.isEmpty { merged[merged.count - 1].keys += entry.keys.map(\.name) }
            else { merged.append((entry.keys.map(\.name), entry.help)) }
        }
        return merged.map { $0.keys.joined(separator: " ").padding(14) + $0.help }
    }
}

extension String {
    /// The string padded with spaces to `width` columns.
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
