import LabRendering
import NeuralCore

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
        ([.char("v")], .cycleView, "next view / hidden-space pair"),
        ([.char("i")], .nextHiddenPair, ""),
        ([.char("a")], .change(.activation, 1), "next / previous activation"),
        ([.char("A")], .change(.activation, -1), ""),
        ([.char("d")], .change(.dataset, 1), "next / previous dataset"),
        ([.char("D")], .change(.dataset, -1), ""),
        ([.char("]")], .change(.learningRate, 1), "learning rate up / down"),
        ([.char("[")], .change(.learningRate, -1), ""),
        ([.char("+"), .char("=")], .changeUnits(1), "units in the layer + / -"),
        ([.char("-"), .char("_")], .changeUnits(-1), ""),
        ([.up], .selectLayer(-1), "choose the hidden layer"),
        ([.down], .selectLayer(1), ""),
        ([.char("s"), .tab], .openSettings, "settings panel (also tab)"),
        ([.char("l")], .openLessons, "lesson picker"),
        ([.char("w")], .save, "save / load a model (JSON)"),
        ([.char("o")], .load, ""),
        ([.char("t")], .toggleTest, "test points / hard map"),
        ([.char("x")], .toggleDiscretize, ""),
        ([.char("j"), .pageDown], .scrollLesson(1), "scroll the lesson"),
        ([.char("k"), .pageUp], .scrollLesson(-1), ""),
        ([.char("?"), .char("h"), .function(1)], .openHelp, "this help"),
        ([.char("f")], .stepThrough, "step through an example"),
        ([.char("c")], .clone, "clone / close a network"),
        ([.char("C")], .closePane, ""),
        ([.char("g")], .nextPane, "next network (1-4)"),
        ([.char("1")], .focusPane(0), ""),
        ([.char("2")], .focusPane(1), ""),
        ([.char("3")], .focusPane(2), ""),
        ([.char("4")], .focusPane(3), ""),
        ([.char("p")], .togglePresent, "presentation mode"),
        ([.left], .scrub(-1), "one checkpoint back / on"),
        ([.right], .scrub(1), ""),
        ([.char("<"), .char(",")], .scrub(-10), "ten checkpoints back/on"),
        ([.char(">")], .scrub(10), ""),
        ([.home], .scrubEnd(false), "first/latest; b resumes"),
        ([.end], .scrubEnd(true), ""),
        ([.char("b")], .resumeHere, ""),
        ([.char("K")], .chainOpen, "the chain rule"),
        ([.char("F")], .exportFrame, "screen to .txt/.ans/.svg"),
        ([.char("E")], .toggleEditing, "edit / save the points"),
        ([.char("S")], .saveData, ""),
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
            if state.chain != nil {
                switch key {
                case .char("n"), .enter, .char(" "), .right: return .chainStep(1)
                case .char("p"), .backspace, .left: return .chainStep(-1)
                case .char("+"), .char("="): return .chainX(1)
                case .char("-"), .char("_"): return .chainX(-1)
                case .escape, .char("K"): return .chainClose
                case .char("f"): return .stepThrough
                case .char("q"), .endOfInput: return .quit
                case .char("?"): return .openHelp
                default: return nil
                }
            }
            if state.stepping != nil, state.quiz != nil {
                switch key {
                case .char(let c) where "0123456789.-+eE".contains(c): return .quizType(c)
                case .backspace: return .quizErase
                case .enter: return .quizSubmit
                default: break
                }
            }
            if state.stepping != nil { return stepAction(for: key) }
            if state.editing, let action = editAction(for: key) { return action }
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
        ([.char("E")], .toggleEditing, ""),
        ([.char("Q")], .quizToggle, "quiz: predict each value, then see it"),
        ([.char("?"), .function(1)], .openHelp, "help"),
        ([.char("q"), .endOfInput], .quit, "quit"),
    ]

    /// Keys of the data editor (`E`), as the footer and help list them.
    public static let editKeys: [(keys: [KeyEvent], action: LabAction, help: String)] = [
        ([.up, .char("k")], .editMove(dx: 0, dy: 1, big: false), "move the cursor (arrows, hjkl)"),
        ([.down, .char("j")], .editMove(dx: 0, dy: -1, big: false), ""),
        ([.left, .char("h")], .editMove(dx: -1, dy: 0, big: false), ""),
        ([.right, .char("l")], .editMove(dx: 1, dy: 0, big: false), ""),
        ([.char("K")], .editMove(dx: 0, dy: 1, big: true), "move further (HJKL)"),
        ([.char("J")], .editMove(dx: 0, dy: -1, big: true), ""),
        ([.char("H")], .editMove(dx: -1, dy: 0, big: true), ""),
        ([.char("L")], .editMove(dx: 1, dy: 0, big: true), ""),
        ([.backspace, .delete], .editRemove, "remove the nearest point"),
        ([.char("C")], .editClear, "clear every point (asks)"),
        ([.char("T")], .editToggleTarget, "new points: training or test set"),
        ([.char("E"), .escape], .toggleEditing, "stop editing (esc)"),
    ]

    static func editAction(for key: KeyEvent) -> LabAction? {
        switch key {
        case .char(let c) where c.isASCII && c.isNumber: return .editPlace(Int(String(c))!)
        case .click(let x, let y): return .editClick(x: x, y: y, button: 1)
        case .rightClick(let x, let y): return .editClick(x: x, y: y, button: 3)
        case .middleClick(let x, let y): return .editClick(x: x, y: y, button: 2)
        default: break
        }
        for entry in editKeys where entry.keys.contains(key) { return entry.action }
        return nil
    }

    static func stepAction(for key: KeyEvent) -> LabAction? {
        if case .click(let x, let y) = key { return .select(x: x, y: y) }
        for entry in stepKeys where entry.keys.contains(key) { return entry.action }
        return nil
    }

    /// The help overlay's lines: one column, or two when `rows` cannot hold one.
    public static func helpLines(rows: Int = 100, checkpointMegabytes: Int = Timeline.defaultBudget >> 20) -> [String] {
        layout(lines(dashboard), notes: [
            "Timeline: at least 200 checkpoints in \(checkpointMegabytes) MB; b drops what came after.",
            "New data or network: new weights; rate, batch, optimizer, L1/L2: live.",
        ], rows: rows)
    }

    /// The help of the step-through screen.
    public static func stepHelpLines(rows: Int = 100) -> [String] {
        layout(lines(stepKeys), notes: ["Training is paused while you step; f or esc returns to the dashboard."], rows: rows)
    }

    static func layout(_ entries: [(keys: String, help: String)], notes: [String], rows: Int) -> [String] {
        // Each column's keys as wide as its widest (at most 12).
        func format(_ part: ArraySlice<(keys: String, help: String)>) -> [String] {
            let width = Swift.min(12, (part.map(\.keys.count).max() ?? 0) + 2)
            return part.map { ($0.keys + " ").padded(width) + $0.help }
        }
        if entries.count + notes.count + 1 <= rows { return format(entries[...]) + [""] + notes }
        let half = (entries.count + 1) / 2
        let left = format(entries.prefix(half)), right = format(entries.dropFirst(half))
        let width = (left.map(\.count).max() ?? 0) + 2
        var out: [String] = []
        for i in 0..<half {
            out.append(left[i].padded(width) + (i < right.count ? right[i] : ""))
        }
        return out + [""] + notes
    }

    /// An entry without help text shares the line of the entry before it ("] [", "up down").
    static func lines(_ table: [(keys: [KeyEvent], action: LabAction, help: String)]) -> [(keys: String, help: String)] {
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
        return merged.map { ($0.keys.joined(separator: " "), $0.help) }
    }
}
