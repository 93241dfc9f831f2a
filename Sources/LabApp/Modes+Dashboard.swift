import Formatting
import LabRendering
import Lessons
import NeuralCore

/// The dashboard's actions: training, settings, views, and the keys that open the other modes.
public enum DashboardAction: ModeAction, Equatable {
    case togglePlay, step, epoch, reset, newSeed, newData, quit
    /// Move a setting on by some choices (a, d, [ ]).
    case change(Setting, Int)
    /// Units of the selected hidden layer (+ -).
    case changeUnits(Int)
    case cycleView, nextHiddenPair, selectLayer(Int), toggleLayers
    case openSettings, openHelp, openLessons, save, load, toggleTest, toggleDiscretize
    case scrollLesson(Int), redraw, stepThrough, togglePresent, exportFrame
    /// Opens the chain-rule screen.
    case chainOpen
    /// Data editing on (`E`); `S` saves the points.
    case startEditing, saveData
    /// A click: an example on the map, or a checkpoint on the timeline's bar.
    case select(x: Int, y: Int)

    public var leavesTimeline: Bool {
        switch self {
        case .togglePlay, .step, .epoch, .reset, .newSeed, .newData, .change, .changeUnits, .load, .startEditing: true
        case .quit, .cycleView, .nextHiddenPair, .selectLayer, .toggleLayers, .openSettings, .openHelp, .openLessons, .save, .toggleTest,
             .toggleDiscretize, .scrollLesson, .redraw, .stepThrough, .togglePresent, .exportFrame, .chainOpen, .saveData, .select: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .togglePlay, .step, .epoch:
            // After the points were cleared the networks still hold the old ones: nothing trains
            // until a training point is placed.
            guard !lab.hasNoTrainingPoints else {
                lab.state.notice = "no training point: place one (E, then 0-9) before training"
                return
            }
            lab.controller.send(self == .togglePlay ? .toggle : self == .step ? .step : .epoch)
        case .quit: lab.state.quit = true
        case .reset: lab.rebuild(lab.configuration, notice: "reset to the same initial weights")
        case .newSeed: lab.drawNewSeed()
        case .newData: lab.drawNewData()
        case .cycleView: lab.cycleView()
        case .toggleLayers: lab.toggleLayersView()
        case .nextHiddenPair: lab.nextHiddenPair()
        case .change(let setting, let d): lab.change(setting, by: d)
        case .changeUnits(let d): lab.change(.units(layer: lab.state.selectedLayer), by: d)
        case .selectLayer(let d): lab.selectLayer(by: d)
        case .openSettings: lab.openSettings()
        case .openHelp:
            lab.state.overlay = .help
            lab.state.helpScroll = 0
        case .openLessons:
            lab.state.overlay = .lessons
            lab.state.lessonRow = ShippedLessons.names.firstIndex(of: lab.scenario.name) ?? 0
        case .save: lab.state.overlay = .prompt(.save, text: Lab.freeName(lab.options.modelPath))
        case .load:
            guard lab.allowed(.network) else { return }
            lab.state.overlay = .prompt(.load, text: lab.options.modelPath)
        case .toggleTest:
            lab.state.showTest.toggle()
            lab.state.notice = lab.state.showTest ? "test points shown" : "test points hidden"
        case .toggleDiscretize:
            lab.state.discretize.toggle()
            lab.state.notice = lab.state.discretize ? "hard class regions" : "confidence shading"
        case .scrollLesson(let d): lab.state.lessonScroll = Swift.max(0, lab.state.lessonScroll + d * 3)
        case .redraw: break
        case .stepThrough:
            lab.state.chain = nil
            lab.openStepThrough()
        case .togglePresent:
            lab.state.present.toggle()
            lab.state.notice = lab.state.present ? "presentation mode: p returns" : "presentation mode off"
        case .exportFrame:
            lab.state.overlay = .prompt(.exportFrame, text: Lab.freeName("\(lab.scenario.name)-epoch\(lab.snapshot.epoch).svg"))
        case .chainOpen:
            lab.state.stepping = nil
            lab.state.chain = ChainCursor()
            lab.state.notice = "the chain rule: n shows the next value, p the one before, + and - change x, esc returns"
        case .startEditing: lab.toggleEditing()
        case .saveData: lab.state.overlay = .prompt(.saveData, text: Lab.freeName("nnlab-data.csv"))
        case .select(let x, let y):
            if let timeline = frame?.timeline, timeline.bar.contains(x, y) {
                if let epoch = timeline.widget.epoch(atColumn: x, bar: timeline.bar) { lab.scrub(toEpoch: epoch) }
                return
            }
            lab.selectPoint(atColumn: x, row: y, in: frame)
        }
    }
}

/// The dashboard: training, settings, views; the keys that open the other modes.
public enum DashboardMode: LabMode {
    public static let title = "Dashboard"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool { true }

    /// The footer's word for space: what it does now (nothing said after a divergence).
    static func playHint(_ c: HintContext) -> String? {
        c.status == .diverged ? nil : c.status == .running ? "pause" : "play"
    }
    static func unlessDiverged(_ word: String) -> @Sendable (HintContext) -> String? {
        { $0.status == .diverged ? nil : word }
    }

    public static let bindings: [KeyBinding] = [
        KeyBinding([.char(" ")], DashboardAction.togglePlay, "play / pause", hint: playHint),
        KeyBinding([.char(".")], DashboardAction.step, "one step (a minibatch)", hint: unlessDiverged("step")),
        KeyBinding([.char("e")], DashboardAction.epoch, "one epoch", hint: unlessDiverged("epoch")),
        KeyBinding([.char("r")], DashboardAction.reset, "reset: same initial weights", hint: "reset"),
        KeyBinding([.char("R")], DashboardAction.newSeed, "new seed: new weights"),
        KeyBinding([.char("n")], DashboardAction.newData, "new sample of the data"),
        KeyBinding([.char("v")], DashboardAction.cycleView, "next view / hidden-space pair", hint: { $0.status == .diverged || !$0.hasOtherViews ? nil : "view" }),
        KeyBinding([.char("i")], DashboardAction.nextHiddenPair),
        KeyBinding([.char("L")], DashboardAction.toggleLayers, "every layer at once",
                   hint: { $0.status == .diverged || $0.hiddenLayers < 3 || $0.paneCount > 1 ? nil : "layers" }),
        KeyBinding([.char("a")], DashboardAction.change(.activation, 1), "next / previous activation", hint: unlessDiverged("activation")),
        KeyBinding([.char("A")], DashboardAction.change(.activation, -1)),
        KeyBinding([.char("d")], DashboardAction.change(.dataset, 1), "next / previous dataset"),
        KeyBinding([.char("D")], DashboardAction.change(.dataset, -1)),
        KeyBinding([.char("]")], DashboardAction.change(.learningRate, 1), "learning rate up / down"),
        KeyBinding([.char("[")], DashboardAction.change(.learningRate, -1), hint: { $0.status == .diverged ? "lower the rate" : nil }),
        KeyBinding([.char("+"), .char("=")], DashboardAction.changeUnits(1), "units in the layer + / -"),
        KeyBinding([.char("-"), .char("_")], DashboardAction.changeUnits(-1)),
        KeyBinding([.up], DashboardAction.selectLayer(-1), "choose the hidden layer"),
        KeyBinding([.down], DashboardAction.selectLayer(1)),
        KeyBinding([.char("s"), .tab], DashboardAction.openSettings, "settings panel (also tab)", hint: "settings"),
        KeyBinding([.char("l")], DashboardAction.openLessons, "lesson picker", hint: "lessons"),
        KeyBinding([.char("w")], DashboardAction.save, "save / load a model (JSON)"),
        KeyBinding([.char("o")], DashboardAction.load),
        KeyBinding([.char("t")], DashboardAction.toggleTest, "test points / hard map"),
        KeyBinding([.char("x")], DashboardAction.toggleDiscretize),
        KeyBinding([.char("j"), .pageDown], DashboardAction.scrollLesson(1), "scroll the lesson"),
        KeyBinding([.char("k"), .pageUp], DashboardAction.scrollLesson(-1)),
        KeyBinding([.char("?"), .char("h"), .function(1)], DashboardAction.openHelp, "this help", hint: "help"),
        KeyBinding([.char("f")], DashboardAction.stepThrough, "step through an example"),
        KeyBinding([.char("p")], DashboardAction.togglePresent, "presentation mode"),
        KeyBinding([.char("K")], DashboardAction.chainOpen, "the chain rule"),
        KeyBinding([.char("F")], DashboardAction.exportFrame, "screen to .txt/.ans/.svg"),
        KeyBinding([.char("E")], DashboardAction.startEditing, "edit / save the points"),
        KeyBinding([.char("S")], DashboardAction.saveData),
        KeyBinding(.click(1), help: "choose an example") { key in
            if case .click(let x, let y) = key { DashboardAction.select(x: x, y: y) } else { nil }
        },
        KeyBinding([.control("l")], DashboardAction.redraw, "redraw the screen"),
        KeyBinding([.char("q"), .endOfInput], DashboardAction.quit, "quit", hint: "quit"),
    ]

    static func timelineNote(_ megabytes: Int) -> String {
        "Timeline: at least 200 checkpoints in \(megabytes) MB; b drops what came after."
    }
    public static let notes = ["New data or network: new weights; rate, batch, optimizer, L1/L2: live."]
}

/// The compare screen's actions: clone, close, focus.
public enum CompareAction: ModeAction, Equatable {
    case clone, closePane, focusPane(Int), nextPane

    public var leavesTimeline: Bool {
        switch self {
        case .clone, .closePane: true
        case .focusPane, .nextPane: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .clone: lab.clonePane()
        case .closePane: lab.closePane()
        case .focusPane(let i): lab.focusPane(i)
        case .nextPane: lab.focusPane(lab.panes.count > 1 ? (lab.state.focus + 1) % lab.panes.count : 0)
        }
    }
}

/// Networks side by side: the keys that clone, close and focus them (on every dashboard).
public enum CompareMode: LabMode {
    public static let title = "Compare"
    public static let isModal = false
    public static func isActive(_ context: KeyContext) -> Bool { true }
    /// Part of the dashboard (the compare screen is a dashboard of several networks).
    public static func isCurrent(_ state: LabState) -> Bool { false }
    static func comparing(_ word: String) -> @Sendable (HintContext) -> String? { { $0.paneCount > 1 ? word : nil } }
    public static let bindings: [KeyBinding] = [
        .hintOnly([.char(" ")], DashboardAction.togglePlay, hint: { $0.paneCount > 1 ? ($0.status == .running ? "pause" : "play") : nil }),
        KeyBinding([.char("g")], CompareAction.nextPane, "next network (1-4)", hint: comparing("next network")),
        KeyBinding([.char("1")], CompareAction.focusPane(0)),
        KeyBinding([.char("2")], CompareAction.focusPane(1)),
        KeyBinding([.char("3")], CompareAction.focusPane(2)),
        KeyBinding([.char("4")], CompareAction.focusPane(3)),
        KeyBinding([.char("c")], CompareAction.clone, "clone / close a network", hint: comparing("clone")),
        KeyBinding([.char("C")], CompareAction.closePane, hint: comparing("close")),
        .hintOnly([.char("p")], DashboardAction.togglePresent, hint: comparing("present")),
        .hintOnly([.char("f")], DashboardAction.stepThrough, hint: comparing("step")),
        .hintOnly([.char("s")], DashboardAction.openSettings, hint: comparing("settings")),
        .hintOnly([.char("r")], DashboardAction.reset, hint: comparing("reset")),
        .hintOnly([.char("?")], DashboardAction.openHelp, hint: comparing("help")),
        .hintOnly([.char("q")], DashboardAction.quit, hint: comparing("quit")),
    ]
    public static let notes = ["The focused network (its frame lit) takes the setting keys; f steps through it."]
}

/// The timeline's actions: scrub through the checkpoints, resume from one.
public enum TimelineAction: ModeAction, Equatable {
    /// Move by some checkpoints (back if negative).
    case scrub(Int)
    /// The first (false) or the latest (true).
    case scrubEnd(Bool)
    /// Train on from the checkpoint shown.
    case resumeHere

    public var leavesTimeline: Bool {
        switch self {
        case .scrub, .scrubEnd, .resumeHere: false
        }
    }

    public var keepsNotice: Bool { false }

    public func perform(on lab: Lab, frame: Frame?) {
        switch self {
        case .scrub(let d): lab.scrub(by: d)
        case .scrubEnd(let latest): lab.scrubToEnd(latest: latest)
        case .resumeHere: lab.resumeFromShown()
        }
    }
}

/// The timeline under the loss chart (on every dashboard; the footer lists it while a
/// checkpoint is shown).
public enum TimelineMode: LabMode {
    public static let title = "Timeline"
    public static let isModal = false
    public static func isActive(_ context: KeyContext) -> Bool { true }
    public static func isCurrent(_ state: LabState) -> Bool { state.scrubStep != nil }
    static func scrubbing(_ word: String) -> @Sendable (HintContext) -> String? { { $0.state.scrubStep != nil ? word : nil } }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.left], TimelineAction.scrub(-1), "one checkpoint back / on", hintKeys: .leftRight, hint: scrubbing("checkpoint")),
        KeyBinding([.right], TimelineAction.scrub(1)),
        KeyBinding([.char("<"), .char(",")], TimelineAction.scrub(-10), "ten checkpoints back/on", hintKeys: .text("< >"), hint: scrubbing("ten")),
        KeyBinding([.char(">")], TimelineAction.scrub(10)),
        KeyBinding([.home], TimelineAction.scrubEnd(false), "first/latest; b goes back here", hint: scrubbing("first")),
        KeyBinding([.end], TimelineAction.scrubEnd(true), hint: scrubbing("latest")),
        KeyBinding([.char("b")], TimelineAction.resumeHere, hint: scrubbing("go back here")),
        .hintOnly([.char(" ")], DashboardAction.togglePlay, hint: scrubbing("play on")),
        .hintOnly([.char("?")], DashboardAction.openHelp, hint: scrubbing("help")),
        .hintOnly([.char("q")], DashboardAction.quit, hint: scrubbing("quit")),
    ]
    public static let notes = ["A click on the bar shows its checkpoint; compared networks move together."]
}

/// Below the smallest screen: only quitting, and closing a window, act.
public enum TooSmallMode: LabMode {
    public static let title = "Too small a terminal"
    public static let isModal = true
    public static func isActive(_ context: KeyContext) -> Bool { context.tooSmall }
    public static let bindings: [KeyBinding] = [
        KeyBinding([.char("q"), .endOfInput], DashboardAction.quit, "quit"),
        KeyBinding([.escape], OverlayAction.close, "close the window open"),
    ]
}
