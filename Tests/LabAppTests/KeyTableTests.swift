import Foundation
import GoldenSupport
import LabApp
import LabRendering
import Lessons
import NeuralCore
import Testing

/// The key tables are the only source of keys: what each mode handles is what its help
/// lists, the footer shows only keys that act, and no display text decides anything.
@Suite struct KeyTableTests {
    /// Every key a terminal can send, as far as the lab reads them.
    static let universe: [KeyEvent] = {
        var keys: [KeyEvent] = (32...126).map { .char(Character(UnicodeScalar($0)!)) }
        keys += [.up, .down, .left, .right, .enter, .escape, .tab, .backTab, .backspace, .delete, .pageUp, .pageDown,
                 .home, .end, .control("l"), .control("a"), .function(1), .function(5), .resize, .endOfInput,
                 .click(x: 3, y: 3), .rightClick(x: 3, y: 3), .middleClick(x: 3, y: 3)]
        return keys
    }()

    /// One state for each mode (and the too-small screen).
    static let states: [(name: String, context: KeyContext)] = {
        var out: [(String, KeyContext)] = [("dashboard", KeyContext(state: LabState()))]
        func with(_ name: String, tooSmall: Bool = false, _ change: (inout LabState) -> Void) {
            var s = LabState()
            change(&s)
            out.append((name, KeyContext(state: s, tooSmall: tooSmall)))
        }
        with("help") { $0.overlay = .help }
        with("message") { $0.overlay = .message(title: "t", lines: []) }
        with("save prompt") { $0.overlay = .prompt(.save, text: "") }
        with("clear prompt") { $0.overlay = .prompt(.clearData, text: "") }
        with("settings") { $0.overlay = .settings }
        with("lessons") { $0.overlay = .lessons }
        with("chain") { $0.chain = ChainCursor() }
        with("step-through") { $0.stepping = StepCursor() }
        with("quiz") { $0.stepping = StepCursor(); $0.quiz = QuizState() }
        with("editor") { $0.editing = true }
        with("scrubbing") { $0.scrubStep = 3 }
        with("too small", tooSmall: true) { $0.overlay = .settings }
        return out
    }()

    /// The bindings of the modes active in `context`, in the order they are asked.
    static func active(_ context: KeyContext) -> [KeyBinding] {
        var out: [KeyBinding] = []
        for mode in KeyTable.modes where mode.isActive(context) {
            out += mode.bindings
            if mode.isModal { break }
        }
        return out
    }

    @Test func everyKeyHandledIsListedAndEveryListedKeyIsHandled() {
        for (name, context) in Self.states {
            let bindings = Self.active(context)
            let listed = bindings.filter { $0.help != nil }
            // The too-small screen's help is the request to enlarge it.
            let help = (context.tooSmall ? KeyTable.helpLines(TooSmallMode.self) : KeyTable.helpPages(for: context.state, rows: 100)).joined(separator: "\n")
            for key in Self.universe {
                guard let action = KeyTable.action(for: key, in: context) else {
                    #expect(!listed.contains { $0.pattern.matches(key) }, "\(name): \(key.name) is listed but does nothing")
                    continue
                }
                // The key is listed by a binding of an active mode that means the same.
                let lister = listed.first { $0.pattern.matches(key) }
                #expect(lister != nil, "\(name): \(key.name) acts but no help line lists it")
                if let lister, case .keys = lister.pattern {
                    #expect(lister.action(for: key)?.isSame(as: action) == true, "\(name): \(key.name) does other than its help line says")
                }
            }
            // Every listed binding's help line is in the `?` window, with its key's name.
            for b in listed where b.help?.isEmpty == false {
                #expect(help.contains(b.help!), "\(name): the help does not show \"\(b.help!)\"")
                #expect(help.contains(b.pattern.name), "\(name): the help does not name \(b.pattern.name)")
            }
        }
    }

    @Test func theHelpListsTheCurrentModeFirstAndEveryMode() {
        for (name, context) in Self.states where !context.tooSmall {
            var s = context.state
            s.overlay = .help
            let pages = KeyTable.helpPages(for: s, rows: 18)
            let screen = KeyTable.screenMode(s)
            let first = screen.bindings.first { $0.help?.isEmpty == false }!
            #expect(pages.prefix(18).joined(separator: "\n").contains(first.help!), "\(name): the help starts with its own keys")
            for mode in KeyTable.modes where mode.bindings.contains(where: { $0.help?.isEmpty == false }) && !KeyTable.same(mode, TooSmallMode.self) {
                if !KeyTable.same(mode, screen) { #expect(pages.contains("— \(mode.title) —"), "\(name): no section for \(mode.title)") }
            }
        }
    }

    @Test func theFooterShowsOnlyKeysThatAct() throws {
        let statuses: [TrainingStatus] = [.running, .paused, .diverged]
        for (name, context) in Self.states where !context.tooSmall {
            for status in statuses {
                for panes in [1, 3] {
                    let c = HintContext(state: context.state, status: status, quizPending: context.state.quiz != nil, paneCount: panes, glyphs: .asciiSet)
                    let hints = KeyTable.hints(c)
                    #expect(!hints.isEmpty, "\(name): an empty footer")
                    // The mode whose keys the footer shows: the first active one with a hint now.
                    var modes: [any LabMode.Type] = []
                    for mode in KeyTable.modes where mode.isActive(context) {
                        modes.append(mode)
                        if mode.isModal { break }
                    }
                    let shown = try #require(modes.first { $0.bindings.contains { $0.hint?(c) != nil } })
                    for binding in shown.bindings where binding.hint?(c) != nil {
                        guard case .keys(let keys) = binding.pattern else { continue }
                        for key in keys {
                            #expect(KeyTable.action(for: key, in: context)?.isSame(as: binding.action(for: key)!) == true,
                                    "\(name): the footer offers \(key.name), which does something else")
                        }
                    }
                }
            }
        }
    }

    /// No display text decides anything in the lab: no parsing of symbols or names back.
    @Test func noDisplayTextIsParsed() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/LabApp").standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        let forbidden = [".hasPrefix(", ".hasSuffix(", "symbol ==", ".symbol.", "viewName ==", "title ==", "name == \"", "label == \""]
        for file in files {
            let text = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for f in forbidden { #expect(!code.contains(f), "Sources/LabApp/\(file):\(n + 1): \(f)") }
            }
        }
    }
}

/// Drawing reads the state and the snapshot and writes neither: the same frame whatever was
/// drawn before it, in any order, and the state unchanged.
@Suite struct DrawingReadsTests {
    @Test func aFrameIsAFunctionOfTheStateAndTheSnapshot() throws {
        for name in ["04", "11a", "09b-vanishing-gradients"] {
            let lab = try LabTests.lab(try ShippedLessons.resolve(name).name)
            lab.trainSynchronously(epochs: 3)
            for keys in [[KeyEvent.char("v")], [.char("f")], [.char("f"), .char("u"), .char("n")]] {
                for key in keys { lab.handle(key) }
                let state = lab.state
                let alone = lab.compose(width: 120, height: 40, theme: .unicodeMono)
                // Other sizes and themes in between.
                _ = lab.compose(width: 80, height: 24, theme: .full)
                _ = lab.compose(width: 200, height: 60, theme: .full)
                #expect(lab.state == state, "\(name): drawing changed the state")
                #expect(lab.compose(width: 120, height: 40, theme: .unicodeMono) == alone, "\(name) \(keys): the frame depends on what was drawn before")
            }
        }
    }
}

/// A lesson trains to its epoch, pauses, and shows its claims as `nnlab run` does on that seed.
@Suite struct LessonMomentTests {
    @Test func lesson06aPausesAtItsEpochWithTheRunsClaims() throws {
        let lab = try LabTests.lab("06a-spiral-deep")
        let epochs = lab.scenario.epochs
        lab.trainSynchronously(epochs: epochs - 1)
        lab.tick()
        #expect(lab.state.overlay == .none, "not before the lesson's epoch")
        lab.trainSynchronously(epochs: 1)
        lab.tick()
        guard case .message(let title, let lines) = lab.state.overlay else { Issue.record("no claims shown"); return }
        #expect(title == "The lesson's moment: epoch \(epochs)")
        // The same lines, values and PASS/FAIL as `nnlab run 06a`.
        let run = try ScenarioRunner.run(lab.scenario)
        let expected = run.results.flatMap { $0.line.split(separator: "\n").map(String.init) }
        #expect(Array(lines.prefix(expected.count)) == expected)
        #expect(expected.contains { $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") })
        // The screen shows the same moment: each network's accuracy as the run measured it.
        for (pane, variant) in zip(lab.controller.snapshots, run.runs) {
            #expect(pane.epoch == epochs && pane.metrics.train.accuracy == variant.session.metrics.train.accuracy)
        }
        for (w, h, theme, name) in [(120, 40, Theme.unicodeMono, "unicode"), (80, 24, .plain, "ascii")] {
            let text = lab.compose(width: w, height: h, theme: theme).plainText
            #expect(text.contains("at lesson epoch"))
            if let problem = Golden.check("lesson-moment-06a-\(w)x\(h)-\(name).txt", text) { Issue.record(Comment(rawValue: problem)) }
        }
        // Any key closes it; training on past the epoch says so, and the claims are not shown again.
        lab.handle(.char("x"))
        lab.trainSynchronously(epochs: 1)
        lab.tick()
        #expect(lab.state.overlay == .none)
        #expect(lab.compose(width: 120, height: 40, theme: .plain).plainText.contains("past lesson epoch"))
    }

    @Test func aChangedSettingLeavesTheLessonsMoment() throws {
        let lab = try LabTests.lab()
        lab.handle(.char("]"))
        lab.trainSynchronously(epochs: lab.scenario.epochs)
        lab.tick()
        #expect(lab.state.overlay == .none, "the claims are about the lesson's own learning rate")
        #expect(!lab.compose(width: 120, height: 40, theme: .plain).plainText.contains("lesson epoch"))
    }
}

/// Trouble short of a divergence is said in words, with advice.
@Suite struct TroubleTests {
    @Test func aClimbingLossIsWarnedOfWithinAFewEpochs() throws {
        let lab = try LabTests.lab("05c-circles-hidden-layer") { s in
            s.variants = []
            s.claims = []
            s.configuration.settings.learningRate = 50
            s.configuration.settings.optimizer = .sgd
        }
        var warnedAt: Int?
        for epoch in 1...6 where warnedAt == nil {
            lab.trainSynchronously(epochs: 1)
            lab.tick()
            if lab.compose(width: 120, height: 40, theme: .plain).lines[0].contains("loss rising") { warnedAt = epoch }
        }
        let at = try #require(warnedAt, "no warning in 6 epochs")
        #expect(at <= 4)
        #expect(lab.controller.snapshot.status != .diverged, "a climb, not a divergence")
        let footer = lab.compose(width: 200, height: 60, theme: .plain).lines[59]
        #expect(footer.contains("lower the rate ([), then r"), "the footer says what to try: \(footer)")
        let small = lab.compose(width: 80, height: 24, theme: .plain).lines[23]
        #expect(small.contains("lower the rate ([), then r"), "whole at 80x24: \(small)")
        #expect(lab.compose(width: 80, height: 24, theme: .plain).lines[0].contains("loss rising"), "also at 80x24")
    }

    @Test func aHealthyRunIsNotWarnedOf() throws {
        for name in ["04", "06a", "07b", "05c"] {
            let lab = try LabTests.lab(try ShippedLessons.resolve(name).name)
            lab.trainSynchronously(epochs: 200)
            lab.tick()
            let header = lab.compose(width: 120, height: 40, theme: .plain).lines[0]
            for word in ["loss rising", "saturated", "vanished"] { #expect(!header.contains(word), "\(name): \(header)") }
        }
    }
}
