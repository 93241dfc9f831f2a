import LabRendering
import Lessons

/// What the main panel shows (`v` cycles): a lesson's `view: main:` choices.
public typealias MainView = ViewSettings.MainPanel

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
    /// The file to save to exists: enter replaces it, esc keeps it.
    case replace
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
    /// The divergence message was shown for the current run (it opens once per divergence).
    public var divergenceShown = false

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
        ([.char(".")], .step, "one step (a minibatch)"),
        ([.char("e")], .epoch, "one epoch"),
        ([.char("r")], .reset, "reset: same initial weights"),
        ([.char("R")], .newSeed, "new seed: new weights"),
        ([.char("n")], .newData, "new sample of the data"),
        ([.char("v")], .cycleView, "main panel: map/units/curve"),
        ([.char("a")], .nextActivation(1), "next / previous activation"),
        ([.char("A")], .nextActivation(-1), ""),
        ([.char("d")], .nextDataset(1), "next / previous dataset"),
        ([.char("D")], .nextDataset(-1), ""),
        ([.char("]")], .learningRate(1), "learning rate up / down"),
        ([.char("[")], .learningRate(-1), ""),
        ([.char("+"), .char("=")], .units(1), "units in the layer + / -"),
        ([.char("-"), .char("_")], .units(-1), ""),
        ([.up], .selectLayer(-1), "choose the hidden layer"),
        ([.down], .selectLayer(1), ""),
        ([.char("s"), .tab], .openSettings, "settings panel (also tab)"),
        ([.char("l")], .openLessons, "lesson picker"),
        ([.char("w")], .save, "save the model (JSON)"),
        ([.char("o")], .load, "load a model"),
        ([.char("t")], .toggleTest, "test points on / off"),
        ([.char("x")], .toggleDiscretize, "hard class regions on / off"),
        ([.char("j"), .pageDown], .scrollLesson(1), "scroll the lesson (pgup pgdn)"),
        ([.char("k"), .pageUp], .scrollLesson(-1), ""),
        ([.char("?"), .char("h"), .function(1)], .openHelp, "this help"),
        ([.char("f")], .stepThrough, "step through one example"),
        ([.control("l")], .redraw, "redraw the screen"),
        ([.char("q"), .endOfInput], .quit, "quit"),
    ]

    /// The action `key` means in `state`, or nil.
    public static func action(for key: KeyEvent, in state: LabState) -> LabAction? {
        switch state.overlay {
        case .help, .message:
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
        ([.char("n"), .enter, .char(" ")], .stepMove(1), "next computation (enter)"),
        ([.char("p"), .backspace], .stepMove(-1), "back one computation"),
        ([.char("N")], .stepLayer(1), "next / previous layer"),
        ([.char("P")], .stepLayer(-1), ""),
        ([.home], .stepEnd(false), "first / last computation"),
        ([.end], .stepEnd(true), ""),
        ([.char("u")], .stepUnitMode, "unit mode / vector mode"),
        ([.char("j"), .char("+"), .char("=")], .stepUnit(1), "next / previous unit"),
        ([.char("k"), .char("-")], .stepUnit(-1), ""),
        ([.up], .stepPoint(.up), "move to another example"),
        ([.down], .stepPoint(.down), ""),
        ([.left], .stepPoint(.left), ""),
        ([.right], .stepPoint(.right), ""),
        ([.tab], .stepCycle(1), "next / previous example"),
        ([.backTab], .stepCycle(-1), ""),
        ([.char("f"), .escape], .stepClose, "back to the dashboard (esc)"),
        ([.char("?"), .function(1)], .openHelp, "help"),
        ([.char("q"), .endOfInput], .quit, "quit"),
    ]

    static func stepAction(for key: KeyEvent) -> LabAction? {
        if case .click(let x, let y) = key { return .select(x: x, y: y) }
        for entry in stepKeys where entry.keys.contains(key) { return entry.action }
        return nil
    }

    /// The help overlay's lines: one column, or two when `rows` cannot hold one.
    public static func helpLines(rows: Int = 100) -> [String] {
        layout(lines(dashboard), notes: [
            "Settings panel: up/down choose, left/right change, esc closes.",
            "Data and network changes start from new weights; learning rate,",
            "batch size, optimizer and L1/L2 apply while training runs.",
        ], rows: rows)
    }

    /// The help of the step-through screen.
    public static func stepHelpLines(rows: Int = 100) -> [String] {
        layout(lines(stepKeys), notes: ["Training is paused while you step; f or esc returns to the dashboard."], rows: rows)
    }

    static func layout(_ keys: [String], notes: [String], rows: Int) -> [String] {
        if keys.count + notes.count + 1 <= rows { return keys + [""] + notes }
        let half = (keys.count + 1) / 2
        let width = (keys.prefix(half).map(\.count).max() ?? 0) + 2
        var out: [String] = []
        for i in 0..<half {
            let right = i + half < keys.count ? keys[i + half] : ""
            out.append(keys[i].padded(width) + right)
        }
        return out + [""] + notes
    }

    /// An entry without help text shares the line of the entry before it ("] [", "up down").
    static func lines(_ table: [(keys: [KeyEvent], action: LabAction, help: String)]) -> [String] {
        // The first key of an entry, and the first of each merged entry's ("j k", "] [").
        var merged: [(keys: [String], help: String)] = []
        for entry in table {
            if entry.help.isEmpty, !merged.isEmpty { merged[merged.count - 1].keys += entry.keys.prefix(1).map(\.name) }
            else { merged.append((entry.keys.prefix(1).map(\.name), entry.help)) }
        }
        for i in merged.indices {
            if merged[i].keys == ["up", "down", "left", "right"] { merged[i].keys = ["arrows"] }
            merged[i].keys = merged[i].keys.map { $0 == "shift-tab" ? "S-tab" : $0 }
        }
        let width = Swift.min(12, (merged.map { $0.keys.joined(separator: " ").count }.max() ?? 0) + 2)
        return merged.map { ($0.keys.joined(separator: " ") + " ").padded(width) + $0.help }
    }
}
