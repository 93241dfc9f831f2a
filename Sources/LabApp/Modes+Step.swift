import Formatting
import LabRendering
import NeuralCore

/// The step-through's actions: move through the computations and the examples.
public enum StepAction: ModeAction, Equatable {
    case move(Int), layer(Int), end(Bool), unitMode, unit(Int), point(Direction), cycle(Int), close
    /// A click: the example nearest to it on the map.
    case select(x: Int, y: Int)
    /// The minibatch view on or off.
    case batch

    public var leavesTimeline: Bool {
        switch self {
        case .move, .layer, .end, .unitMode, .unit, .point, .cycle, .close, .select, .batch: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        if case .select(let x, let y) = self { lab.selectPoint(atColumn: x, row: y, in: frame) } else { lab.performStep(self) }
    }
}

/// The step-through (`f`): one example's forward and backward pass, value by value.
public enum StepMode: LabMode {
    public static let title = "Step-through (f)"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool { context.state.overlay == .none && context.state.stepping != nil }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.char("n"), .enter, .char(" ")], StepAction.move(1), "next computation (enter)", hint: "next"),
        KeyBinding([.char("p"), .backspace], StepAction.move(-1), "back one computation", hint: "back"),
        KeyBinding([.char("N")], StepAction.layer(1), "next / previous layer", hint: "layer", hintKeys: .text("N P")),
        KeyBinding([.char("P")], StepAction.layer(-1)),
        KeyBinding([.home], StepAction.end(false), "first / last computation"),
        KeyBinding([.end], StepAction.end(true)),
        KeyBinding([.char("u")], StepAction.unitMode, "unit mode / vector mode", hint: { ($0.state.stepping?.unitMode ?? false) ? "vector mode" : "unit mode" }),
        KeyBinding([.char("j"), .char("+"), .char("=")], StepAction.unit(1), "next / previous unit", hintKeys: .text("j k"),
                   hint: { ($0.state.stepping?.unitMode ?? false) ? "unit" : nil }),
        KeyBinding([.char("k"), .char("-")], StepAction.unit(-1)),
        KeyBinding([.up], StepAction.point(.up), "move to another example", hint: "example", hintKeys: .arrows),
        KeyBinding([.down], StepAction.point(.down)),
        KeyBinding([.left], StepAction.point(.left)),
        KeyBinding([.right], StepAction.point(.right)),
        KeyBinding([.tab], StepAction.cycle(1), "next / previous example"),
        KeyBinding([.backTab], StepAction.cycle(-1)),
        KeyBinding(.click(1), help: "choose the example under the click") { key in
            if case .click(let x, let y) = key { StepAction.select(x: x, y: y) } else { nil }
        },
        KeyBinding([.char("Q")], QuizAction.toggle, "quiz: predict each value, then see it", hint: { $0.state.quiz == nil ? "quiz" : "end quiz" }),
        KeyBinding([.char("m")], StepAction.batch, "a minibatch: m examples at once, the vectorised pass (Z, A, Delta as s_l x m)", hint: "minibatch"),
        KeyBinding([.char("f"), .escape], StepAction.close, "back to the dashboard (esc)", hint: "dashboard"),
        KeyBinding([.char("E")], DashboardAction.startEditing, "edit the data (after esc)"),
        KeyBinding([.char("?"), .function(1)], DashboardAction.openHelp, "help", hint: "help"),
        KeyBinding([.char("q"), .endOfInput], DashboardAction.quit, "quit", hint: "quit"),
    ]
    public static let notes = ["Training is paused while you step; f or esc returns to the dashboard."]
}

/// The minibatch view's actions: scroll through the vectorised pass, or leave it.
public enum BatchAction: ModeAction, Equatable {
    /// Lines down (negative: up).
    case scroll(Int)
    /// The next (or previous) block: a matrix with its formula.
    case block(Int)
    /// A page down (or up).
    case page(Int)
    case end(Bool)

    public var leavesTimeline: Bool { false }
    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) { lab.performBatch(self, frame: frame) }
}

/// The minibatch view (`m` in the step-through): m training examples through the vectorised
/// pass at once, every matrix with its shape, as the lecture's slides write them.
public enum BatchMode: LabMode {
    public static let title = "Minibatch (m in the step-through)"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool {
        context.state.overlay == .none && context.state.stepping?.batchScroll != nil
    }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.char("n"), .enter, .char(" ")], BatchAction.block(1), "next matrix", hint: "next"),
        KeyBinding([.char("p"), .backspace], BatchAction.block(-1), "previous matrix", hint: "back"),
        KeyBinding([.down, .char("j")], BatchAction.scroll(1), "scroll a line", hint: "scroll", hintKeys: .text("up/down")),
        KeyBinding([.up, .char("k")], BatchAction.scroll(-1)),
        KeyBinding([.pageDown], BatchAction.page(1), "page down / up"),
        KeyBinding([.pageUp], BatchAction.page(-1)),
        KeyBinding([.home], BatchAction.end(false), "first / last line"),
        KeyBinding([.end], BatchAction.end(true)),
        KeyBinding([.char("m"), .escape], StepAction.batch, "back to the one example (esc)", hint: "one example", hintKeys: .text("m")),
        KeyBinding([.char("f")], StepAction.close, "back to the dashboard"),
        KeyBinding([.char("?"), .function(1)], DashboardAction.openHelp, "help", hint: "help"),
        KeyBinding([.char("q"), .endOfInput], DashboardAction.quit, "quit", hint: "quit"),
    ]
    public static let notes = ["The examples are the training points from the chosen one on, m = the lesson's batch size (at most 8 shown)."]
}

/// The quiz's actions: on/off, type an answer, erase, submit.
public enum QuizAction: ModeAction, Equatable {
    case toggle, type(Character), erase, submit

    public var leavesTimeline: Bool {
        switch self {
        case .toggle, .type, .erase, .submit: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) { lab.performQuiz(self) }
}

/// The quiz (`Q` in the step-through): keys it does not take go on to the step-through.
public enum QuizMode: LabMode {
    public static let title = "Quiz (Q in the step-through)"
    public static let isModal = false
    public static func isActive(_ context: KeyContext) -> Bool {
        context.state.overlay == .none && context.state.stepping != nil && context.state.quiz != nil
    }
    static func pending(_ word: String) -> @Sendable (HintContext) -> String? { { $0.quizPending ? word : nil } }
    public static let bindings: [KeyBinding] = [
        KeyBinding(.typing("0123456789.-+eE"), help: "type the value you predict", hint: pending("type"), hintKeys: .text("0-9 . - e")) { key in
            if case .char(let c) = key { QuizAction.type(c) } else { nil }
        },
        KeyBinding([.enter], QuizAction.submit, "check it (then: the next computation)", hint: pending("check")),
        KeyBinding([.backspace], QuizAction.erase, "erase a character", hint: pending("erase")),
        .hintOnly([.char("Q")], QuizAction.toggle, hint: pending("end quiz")),
        .hintOnly([.char("?")], DashboardAction.openHelp, hint: pending("help")),
        .hintOnly([.char("q")], DashboardAction.quit, hint: pending("quit")),
    ]
    public static let notes = ["Right within 1% or 0.01; other keys act as in the step-through."]
}

/// The chain-rule screen's actions.
public enum ChainAction: ModeAction, Equatable {
    case step(Int), x(Int), close

    public var leavesTimeline: Bool {
        switch self {
        case .step, .x, .close: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        guard var c = lab.state.chain else { return }
        switch self {
        case .step(let d):
            c.shown = Swift.min(ChainScreen.lineCount(at: c.x), Swift.max(1, c.shown + d))
            lab.state.chain = c
        case .x(let d):
            c.x = Swift.min(10, Swift.max(-10, c.x + 0.5 * Double(d)))
            lab.state.chain = c
            lab.state.notice = "x = \(NumberFormat.compact(c.x, significant: 3))"
        case .close: lab.state.chain = nil
        }
    }
}

/// The chain rule (`K`): the lecture's two examples revealed value by value.
public enum ChainMode: LabMode {
    public static let title = "Chain rule (K)"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool { context.state.overlay == .none && context.state.chain != nil }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.char("n"), .enter, .char(" "), .right], ChainAction.step(1), "show the next value", hint: "next value"),
        KeyBinding([.char("p"), .backspace, .left], ChainAction.step(-1), "hide the last value", hint: "back"),
        KeyBinding([.char("+"), .char("=")], ChainAction.x(1), "x up / down by 0.5", hint: "change x", hintKeys: .text("+ -")),
        KeyBinding([.char("-"), .char("_")], ChainAction.x(-1)),
        KeyBinding([.escape, .char("K")], ChainAction.close, "back to the dashboard (esc)", hint: "the lab", hintKeys: .text("esc")),
        KeyBinding([.char("f")], DashboardAction.stepThrough, "step through an example"),
        KeyBinding([.char("?")], DashboardAction.openHelp, "help", hint: "help"),
        KeyBinding([.char("q"), .endOfInput], DashboardAction.quit, "quit", hint: "quit"),
    ]
}

/// The data editor's actions.
public enum EditAction: ModeAction, Equatable {
    /// Move the cursor (a larger step with `big`).
    case move(dx: Int, dy: Int, big: Bool)
    /// Place a point of a class (a digit) at the cursor.
    case place(Int)
    case remove, clear, toggleTarget, stop
    /// A click: button 1 places class 1, 3 class 0, 2 removes.
    case click(x: Int, y: Int, button: Int)

    public var leavesTimeline: Bool {
        switch self {
        case .move, .place, .remove, .clear, .toggleTarget, .stop, .click: true
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .move(let dx, let dy, let big): lab.moveCursor(dx: dx, dy: dy, big: big)
        case .place(let digit): lab.placePoint(digit)
        case .remove: lab.removeNearest()
        case .clear:
            guard lab.data.dataset.count > 0 else { lab.state.notice = "there are no points to clear"; return }
            lab.state.overlay = .prompt(.clearData, text: "\(NumberFormat.grouped(lab.data.dataset.count)) points")
        case .toggleTarget:
            lab.state.editToTest.toggle()
            lab.state.notice = lab.state.editToTest ? "new points join the test set" : "new points join the training set"
        case .stop: lab.toggleEditing()
        case .click(let x, let y, let button): lab.editClick(x: x, y: y, button: button, in: frame)
        }
    }
}

/// The data editor (`E`): keys it does not take go on to the dashboard.
public enum EditMode: LabMode {
    public static let title = "Data editor (E)"
    public static let isModal = false
    public static func isActive(_ context: KeyContext) -> Bool { context.state.overlay == .none && context.state.editing }
    static func click(_ button: Int) -> @Sendable (KeyEvent) -> (any ModeAction)? {
        { key in
            switch key {
            case .click(let x, let y), .rightClick(let x, let y), .middleClick(let x, let y): EditAction.click(x: x, y: y, button: button)
            default: nil
            }
        }
    }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.up, .char("k")], EditAction.move(dx: 0, dy: 1, big: false), "move the cursor (arrows, hjkl)", hint: "move", hintKeys: .arrows),
        KeyBinding([.down, .char("j")], EditAction.move(dx: 0, dy: -1, big: false)),
        KeyBinding([.left, .char("h")], EditAction.move(dx: -1, dy: 0, big: false)),
        KeyBinding([.right, .char("l")], EditAction.move(dx: 1, dy: 0, big: false)),
        KeyBinding([.char("E"), .escape], EditAction.stop, "stop editing (esc)", hint: "end"),
        KeyBinding([.char("K")], EditAction.move(dx: 0, dy: 1, big: true), "move further (HJKL)"),
        KeyBinding([.char("J")], EditAction.move(dx: 0, dy: -1, big: true)),
        KeyBinding([.char("H")], EditAction.move(dx: -1, dy: 0, big: true)),
        KeyBinding([.char("L")], EditAction.move(dx: 1, dy: 0, big: true)),
        KeyBinding(.digits, help: "place a point of that class (1-D: a point)", hint: { $0.classCount == nil ? "place" : "place class" },
                   hintKeys: .classDigits) { key in
            if case .char(let c) = key, let d = c.wholeNumberValue { EditAction.place(d) } else { nil }
        },
        KeyBinding([.backspace, .delete], EditAction.remove, "remove the nearest point", hint: "remove", hintKeys: .text("bksp")),
        KeyBinding([.char("T")], EditAction.toggleTarget, "new points: training or test set", hint: { $0.state.editToTest ? "add to training" : "add to test" }),
        .hintOnly([.char("S")], DashboardAction.saveData, hint: { _ in "save" }),
        KeyBinding([.char("C")], EditAction.clear, "clear every point (asks)", hint: "clear"),
        KeyBinding(.click(1), help: "place class 1 (1-D: a point)", make: click(1)),
        KeyBinding(.click(3), help: "place class 0", make: click(3)),
        KeyBinding(.click(2), help: "remove the nearest point", make: click(2)),
        .hintOnly([.char("?")], DashboardAction.openHelp, hint: { _ in "help" }),
        .hintOnly([.char("q")], DashboardAction.quit, hint: { _ in "quit" }),
    ]
    public static let notes = ["S saves the points as CSV; other keys act as on the dashboard."]
}
