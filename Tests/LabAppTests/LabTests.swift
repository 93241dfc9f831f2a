import Foundation
import GoldenSupport
import LabApp
import LabRendering
import Lessons
import NeuralCore
import Testing

/// The lab without a terminal: every key's effect on the lab's state, the settings panel, and
/// whole-screen goldens of the dashboard.
@Suite struct LabTests {
    static func lab(_ name: String = ShippedLessons.defaultName, locked: Set<Lock> = [], edit: ((inout Scenario) -> Void)? = nil) throws -> Lab {
        var scenario = try ShippedLessons.load(name)
        edit?(&scenario)
        var options = LabOptions()
        options.paused = true
        options.locked = locked
        return try Lab(scenario: scenario, options: options)
    }

    @Test func keyTableMapsEveryListedKey() {
        let state = LabState()
        func action(_ key: KeyEvent, _ s: LabState) -> (any ModeAction)? { KeyTable.action(for: key, in: s) }
        func means(_ key: KeyEvent, _ s: LabState, _ expected: any ModeAction) -> Bool { action(key, s)?.isSame(as: expected) == true }
        for binding in DashboardMode.bindings {
            guard case .keys(let keys) = binding.pattern, let first = keys.first, let expected = action(first, state) else { continue }
            for key in keys { #expect(means(key, state, expected), "key \(key.name)") }
        }
        #expect(means(.char(" "), state, DashboardAction.togglePlay))
        #expect(means(.char("c"), state, CompareAction.clone))
        #expect(means(.left, state, TimelineAction.scrub(-1)))
        #expect(action(.char("Z"), state) == nil)
        // Overlays take their own keys first.
        var s = state
        s.overlay = .settings
        #expect(means(.down, s, SettingsAction.move(1)))
        #expect(means(.right, s, SettingsAction.change(1)))
        #expect(means(.escape, s, OverlayAction.close))
        #expect(means(.char(" "), s, DashboardAction.togglePlay), "space still plays in the settings panel")
        s.overlay = .help
        #expect(means(.char("x"), s, OverlayAction.close))
        #expect(means(.down, s, HelpAction.scroll(1)), "the help scrolls")
        s.overlay = .prompt(.save, text: "")
        #expect(means(.char("q"), s, PromptAction.type("q")), "typing a file name does not quit")
        #expect(means(.enter, s, PromptAction.confirm))
        // Below the smallest screen q quits and esc closes a window, whatever is open.
        for overlay in [Overlay.none, .help, .settings, .lessons, .prompt(.save, text: "q"), .message(title: "m", lines: [])] {
            s.overlay = overlay
            let small = KeyContext(state: s, tooSmall: true)
            #expect(KeyTable.action(for: .char("q"), in: small)?.isSame(as: DashboardAction.quit) == true, "\(overlay)")
            #expect(KeyTable.action(for: .escape, in: small)?.isSame(as: OverlayAction.close) == true, "\(overlay)")
            #expect(KeyTable.action(for: .char(" "), in: small) == nil)
        }
        // Every help line names its key.
        #expect(KeyTable.helpLines().contains { $0.hasPrefix("space") && $0.contains("play / pause") })
        #expect(KeyTable.helpLines().contains { $0.hasPrefix("] [") })
        // Every key of the table is in the help, also in two columns on a small screen.
        let small = KeyTable.helpLines(rows: 18).joined(separator: "\n")
        #expect(KeyTable.helpLines(rows: 18).count <= 18)
        for b in DashboardMode.bindings { if let help = b.help, !help.isEmpty { #expect(small.contains(help), "\(help)") } }
    }

    /// A lesson with variants opens on its first; hand-set weights survive a reset, and a new
    /// seed or another number of units draws weights instead of failing.
    @Test func variantsAndHandSetWeights() throws {
        let compare = try Self.lab("06a-spiral-deep")
        #expect(compare.configuration.hidden.map(\.units) == [8, 8])
        #expect(compare.scenario.lesson.contains("This lesson compares deep (two hidden layers of 8"))
        let byHand = try Self.lab("18-xor-by-hand")
        let weights: [Float] = [20, 20, -20, -20, -10, 30, 20, 20, -30]
        #expect(byHand.session.network.parameters == weights)
        byHand.handle(.char("r"))
        #expect(byHand.session.network.parameters == weights)
        byHand.handle(.char("R"))
        #expect(byHand.session.network.parameters != weights)
        let grown = try Self.lab("18-xor-by-hand")
        grown.handle(.char("+"))
        #expect(grown.session.architecture.parameterCount == 13 && grown.state.notice?.hasPrefix("cannot") != true)
    }

    @Test func activationDatasetAndUnitsKeys() throws {
        let lab = try Self.lab()
        #expect(lab.configuration.hidden.map(\.activation) == [.logistic])
        lab.handle(.char("a"))
        #expect(lab.configuration.hidden.map(\.activation) == [.tanh])
        #expect(lab.session.architecture.hidden[0].activation == .tanh, "the network itself changed")
        #expect(lab.state.notice?.contains("tanh") == true)
        lab.handle(.char("A"))
        #expect(lab.configuration.hidden.map(\.activation) == [.logistic])

        lab.handle(.char("+"))
        #expect(lab.configuration.hidden[0].units == 3 && lab.session.architecture.parameterCount == 13)
        lab.handle(.char("-"))
        lab.handle(.char("-"))
        lab.handle(.char("-"))
        #expect(lab.configuration.hidden[0].units == 1, "never below one unit")

        lab.handle(.char("d"))
        guard case .generated(let spec) = lab.configuration.data else { Issue.record("data"); return }
        #expect(spec.kind != .xorTable)
        #expect(lab.session.dataset.count == spec.kind.defaultCount)
    }

    @Test func learningRateAppliesLiveAndKeepsWeights() throws {
        let lab = try Self.lab()
        lab.trainSynchronously(epochs: 5)
        let before = lab.session.network.parameters
        let rate = lab.configuration.settings.learningRate
        lab.handle(.char("]"))
        #expect(lab.configuration.settings.learningRate > rate)
        #expect(lab.session.network.parameters == before, "no new weights for a new learning rate")
        lab.handle(.char("["))
        lab.handle(.char("["))
        #expect(lab.configuration.settings.learningRate < rate)
    }

    @Test func resetNewSeedAndNewData() throws {
        let lab = try Self.lab("05c-circles-hidden-layer")
        let initial = lab.session.network.parameters
        lab.trainSynchronously(epochs: 3)
        #expect(lab.session.network.parameters != initial)
        lab.handle(.char("r"))
        #expect(lab.session.network.parameters == initial, "r: the same initial weights, bit for bit")
        #expect(lab.controller.snapshot.epoch == 0)
        let points = lab.points
        lab.handle(.char("n"))
        #expect(lab.points != points, "n: a new sample of the data")
        #expect(lab.session.network.parameters == initial, "same weights on the new sample")
        lab.handle(.char("R"))
        #expect(lab.session.network.parameters != initial, "R: new initial weights")
    }

    @Test func viewsTogglesAndLayerSelection() throws {
        let lab = try Self.lab("06a-spiral-deep")
        #expect(lab.state.main == .map)
        lab.handle(.char("v"))
        #expect(lab.state.main == .units)
        lab.handle(.char("v"))
        #expect(lab.state.main == .hidden)
        lab.handle(.char("v"))
        #expect(lab.state.main == .map)
        let test = lab.state.showTest, hard = lab.state.discretize
        lab.handle(.char("t"))
        lab.handle(.char("x"))
        #expect(lab.state.showTest != test && lab.state.discretize != hard)
        let layers = lab.configuration.hidden.count
        #expect(layers > 1)
        lab.handle(.down)
        #expect(lab.state.selectedLayer == 1)
        lab.handle(.up)
        lab.handle(.up)
        #expect(lab.state.selectedLayer == layers - 1, "wraps around")
        lab.handle(.char("j"))
        #expect(lab.state.lessonScroll == 3)

        let curve = try Self.lab("11b-universal-approximation-3")
        #expect(curve.state.main == .curve)
        let contributions = curve.state.showContributions
        curve.handle(.char("v"))
        #expect(curve.state.main == .curve && curve.state.showContributions != contributions)
    }

    @Test func settingsPanelEditsALayer() throws {
        let lab = try Self.lab()
        lab.handle(.char("s"))
        #expect(lab.state.overlay == .settings)
        let first = lab.state.settingsRow
        #expect(first > 0, "the selection skips the heading")
        // Down to "hidden layers" (the selected row shows "< value >"), then right: one more layer.
        func selected() -> Bool {
            lab.compose(width: 120, height: 40, theme: .plain).lines.contains { $0.contains("hidden layers") && $0.contains("< ") }
        }
        for _ in 0..<40 where !selected() { lab.handle(.down) }
        #expect(selected())
        let layers = lab.configuration.hidden.count
        lab.handle(.right)
        #expect(lab.configuration.hidden.count == layers + 1)
        lab.handle(.left)
        #expect(lab.configuration.hidden.count == layers)
        lab.handle(.escape)
        #expect(lab.state.overlay == .none)
    }

    @Test func lockedSettingsStay() throws {
        let lab = try Self.lab(locked: [.activation, .learningRate])
        let before = lab.configuration
        lab.handle(.char("a"))
        lab.handle(.char("]"))
        #expect(lab.configuration == before)
        #expect(lab.state.notice?.contains("locked") == true)
    }

    @Test func helpLessonsAndQuit() throws {
        let lab = try Self.lab()
        lab.handle(.char("?"))
        #expect(lab.state.overlay == .help)
        lab.handle(.char("z"))
        #expect(lab.state.overlay == .none)
        lab.handle(.char("l"))
        #expect(lab.state.overlay == .lessons)
        lab.handle(.up)
        lab.handle(.enter)
        #expect(lab.state.overlay == .none)
        #expect(lab.scenario.name != ShippedLessons.defaultName)
        #expect(!lab.state.quit)
        lab.handle(.char("q"))
        #expect(lab.state.quit)
    }

    @Test func saveAndLoadAModel() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-lab-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.json").path
        let lab = try Self.lab()
        lab.trainSynchronously(epochs: 20)
        lab.handle(.char("w"))
        guard case .prompt(.save, let text) = lab.state.overlay else { Issue.record("no prompt"); return }
        for _ in text { lab.handle(.backspace) }
        for c in path { lab.handle(.char(c)) }
        lab.handle(.enter)
        #expect(lab.state.notice?.contains("saved") == true)
        let saved: Network<Float> = try ModelFile.load(path)
        #expect(saved.parameters == lab.controller.snapshot.network.parameters)

        // Saving again to the same file asks first; esc keeps the file as it was.
        lab.trainSynchronously(epochs: 5)
        lab.handle(.char("w"))
        guard case .prompt(.save, let again) = lab.state.overlay else { Issue.record("no prompt"); return }
        for _ in again { lab.handle(.backspace) }
        for c in path { lab.handle(.char(c)) }
        lab.handle(.enter)
        #expect(lab.state.overlay == .prompt(.replace, text: path))
        lab.handle(.escape)
        #expect((try ModelFile.load(path) as Network<Float>).parameters == saved.parameters, "esc keeps the saved model")
        // The proposed name never overwrites: m.json exists, so the prompt offers m-2.json.
        var options = LabOptions()
        options.paused = true
        options.modelPath = path
        let third = try Lab(scenario: ShippedLessons.load(ShippedLessons.defaultName), options: options)
        third.handle(.char("w"))
        #expect(third.state.overlay == .prompt(.save, text: dir.appendingPathComponent("m-2.json").path))

        let other = try Self.lab()
        other.handle(.char("o"))
        guard case .prompt(.load, let t) = other.state.overlay else { Issue.record("no prompt"); return }
        for _ in t { other.handle(.backspace) }
        for c in path { other.handle(.char(c)) }
        other.handle(.enter)
        #expect(other.state.notice?.hasPrefix("loading") == true, "the file is read on another thread")
        other.waitForLoading()
        #expect(other.session.network.parameters == saved.parameters)
        // A file that is not a model, and a FIFO (refused at once, never waited on): a
        // message, and the lab keeps its network.
        let fifo = dir.appendingPathComponent("fifo.json").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for bad in ["/nonexistent/model.json", fifo] {
            other.handle(.char("o"))
            for _ in 0..<300 { other.handle(.backspace) }
            for c in bad { other.handle(.char(c)) }
            other.handle(.enter)
            other.waitForLoading()
            guard case .message(let title, let lines) = other.state.overlay else { Issue.record("no message for \(bad)"); return }
            #expect(title.contains("Cannot load"))
            #expect(bad != fifo || lines.joined().contains("a FIFO (named pipe), not a regular file"))
            #expect(other.session.network.parameters == saved.parameters)
            other.handle(.escape)
        }
    }

    /// True when `text` shows a NaN as a number would (the formatter writes "NaN"; any case).
    static func showsNaN(_ text: String) -> Bool {
        text.split { !$0.isLetter }.contains { $0.lowercased() == "nan" }
    }

    @Test func nanIsFoundWhateverItsCase() {
        #expect(Self.showsNaN("loss NaN / 0.3") && Self.showsNaN("x nan") && Self.showsNaN("[NaN,"))
        #expect(!Self.showsNaN("nanometre financial") && !Self.showsNaN("0.25"))
    }

    @Test func divergenceIsExplained() throws {
        let lab = try Self.lab("11a-universal-approximation-1") { s in
            s.variants = []
            s.configuration.settings.learningRate = 1e4
            s.configuration.settings.optimizer = .sgd
        }
        lab.trainSynchronously(epochs: 30)
        lab.tick()
        #expect(lab.controller.snapshot.status == .diverged)
        guard case .message(let title, let lines) = lab.state.overlay else { Issue.record("no message"); return }
        #expect(title == "Training diverged")
        #expect(lines.joined(separator: " ").contains("learning rate"))
        let screen = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(screen.contains("diverged"))
        // The message names NaN in words ("became NaN or infinite"); no number shows as NaN.
        #expect(!Self.showsNaN(screen.replacingOccurrences(of: "became NaN or infinite", with: "")), "no garbage numbers")
    }

    @Test func playPauseOnTheTrainingThread() throws {
        let lab = try Self.lab()
        lab.start()
        defer { lab.stop() }
        #expect(lab.controller.snapshot.status == .paused)
        lab.handle(.char(" "))
        // Waits for the thread, not for a speed: the bound only ends a hang (a slow machine
        // takes longer and still passes).
        let deadline = ContinuousClock.now + .seconds(300)
        while lab.controller.snapshot.epoch < 3 && ContinuousClock.now < deadline { usleep(5000) }
        #expect(lab.controller.snapshot.epoch >= 3, "the epoch counter advances")
        lab.handle(.char(" "))
        while lab.controller.snapshot.status == .running && ContinuousClock.now < deadline { usleep(5000) }
        #expect(lab.controller.snapshot.status == .paused)
    }

    @Test func smallTerminalAsksToEnlarge() throws {
        let lab = try Self.lab()
        let frame = lab.render(width: 60, height: 20, theme: .plain)
        let lines = frame.buffer.lines
        #expect(frame.isTooSmall && frame.map == nil)
        #expect(lines.contains { $0.contains("Please enlarge the terminal") })
        #expect(lines.contains { $0.contains("(now 60x20)") })
        // Keys do nothing there but quit: the screen shows none of what they would change.
        let activation = lab.configuration.hidden.map(\.activation)
        lab.handle(.char("a"), in: frame)
        #expect(lab.configuration.hidden.map(\.activation) == activation)
        lab.handle(.char("q"), in: frame)
        #expect(lab.state.quit)
    }

    /// The dashboard of the default lesson after its training, at three sizes.
    @Test(arguments: [(80, 24, "ascii"), (120, 40, "unicode"), (200, 60, "unicode")])
    func dashboardGolden(_ size: (Int, Int, String)) throws {
        let lab = try Self.lab()
        lab.trainSynchronously(epochs: lab.scenario.epochs)
        #expect(lab.controller.snapshot.metrics.train.accuracy == 1, "the lesson's XOR is learned")
        let theme: Theme = size.2 == "ascii" ? .plain : .unicodeMono
        let text = lab.compose(width: size.0, height: size.1, theme: theme).plainText
        if let problem = Golden.check("dashboard-\(size.0)x\(size.1)-\(size.2).txt", text) { Issue.record(Comment(rawValue: problem)) }
    }

    /// The settings panel's norm, skip and dropout rows change every hidden layer; adding a layer
    /// keeps them (the skip where the widths agree); the network trains with them.
    @Test func settingsChangeNormSkipAndDropout() throws {
        let lab = try Self.lab("06a-spiral-deep") { $0.variants = [] }
        lab.handle(.char("s"))
        // Rows (the cursor starts on dataset): Data, dataset, noise, train share, features, Network, hidden layers, a(2) units,
        // a(2) activation, a(3) units, a(3) activation, activation, norm, skip, dropout keep.
        for _ in 0..<10 { lab.handle(.down) }
        lab.handle(.right)
        #expect(lab.configuration.hidden.map(\.norm) == [.batch, .batch], "\(lab.state.notice ?? "")")
        lab.handle(.right)
        #expect(lab.configuration.hidden.map(\.norm) == [.layer, .layer])
        lab.handle(.down)
        lab.handle(.right)
        #expect(lab.configuration.hidden.map(\.skip) == [0, 1], "\(lab.state.notice ?? "")")
        lab.handle(.down)
        lab.handle(.right)
        #expect(lab.configuration.hidden.map(\.keep) == [0.9, 0.9])
        for _ in 0..<8 { lab.handle(.up) }
        lab.handle(.right)
        let hidden = lab.configuration.hidden
        #expect(hidden.count == 3 && hidden.allSatisfy { $0.norm == .layer && $0.keep == 0.9 } && hidden.map(\.skip) == [0, 1, 1], "\(hidden)")
        #expect(lab.session.architecture.hidden == hidden)
        lab.trainSynchronously(epochs: 3)
        #expect(lab.session.metrics.epoch == 3 && lab.session.metrics.objective.isFinite)
        let text = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(text.contains("layer (all)") && text.contains("a(l+1-1) added in 2 layers") && text.contains("0.9"))
    }

    /// The settings panel's gain row scales glorot's or he's weights; the init row keeps the gain
    /// between glorot and he.
    @Test func settingsChangeTheInitialGain() throws {
        let lab = try Self.lab("06a-spiral-deep") { $0.variants = [] }
        lab.handle(.char("s"))
        for _ in 0..<15 { lab.handle(.down) }
        lab.handle(.right)
        #expect(lab.configuration.weightInit == .he(gain: 5.0 / 3), "\(lab.state.notice ?? "")")
        #expect(lab.compose(width: 120, height: 40, theme: .plain).plainText.contains("1.667 (5/3, for tanh)"))
        lab.handle(.up)
        lab.handle(.left)
        #expect(lab.configuration.weightInit == .glorot(gain: 5.0 / 3), "\(lab.state.notice ?? "")")
        let w = lab.session.network.converted(to: Double.self).W(1)
        let limit = 5.0 / 3 * (6.0 / Double(w.rows + w.cols)).squareRoot()
        #expect(w.values.allSatisfy { abs($0) <= limit * (1 + 1e-6) } && w.values.contains { abs($0) > 0.6 * limit })
    }

    /// The layers view (L) on a 20-layer residual network: every layer's row at 200x60, the
    /// selected one in view at 80x24 (up/down pages it), as golden text; L again goes back.
    @Test func layersViewGolden() throws {
        let lab = try Self.lab("06a-spiral-deep") {
            $0.variants = []
            $0.configuration.hidden = (0..<20).map { _ in HiddenLayer(units: 8, activation: .tanh, norm: .layer, skip: 1) }.withSkip(1, inputs: nil)
            $0.configuration.weightInit = .glorot(gain: 5.0 / 3)
        }
        lab.trainSynchronously(epochs: 4)
        lab.handle(.char("L"))
        #expect(lab.state.main == .layers)
        let large = lab.compose(width: 200, height: 60, theme: .unicodeMono).plainText
        for l in 2...21 { #expect(large.contains("a(\(l)) tanh +LN"), "a(\(l))") }
        #expect(large.contains("init glorot:1.667, 20 hidden layers"))
        if let problem = Golden.check("layers-200x60.txt", large) { Issue.record(Comment(rawValue: problem)) }
        let small = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(small.contains("layers 1-11 of 20 (up/down)"))
        if let problem = Golden.check("layers-80x24-ascii.txt", small) { Issue.record(Comment(rawValue: problem)) }
        for _ in 0..<15 { lab.handle(.down) }
        let paged = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(paged.contains("a(17)") && !paged.contains("a(2) "), "\(paged)")
        lab.handle(.char("L"))
        #expect(lab.state.main == .map)
    }

    /// On the compare screen L says how to see one network's layers (the view shows one), and
    /// a lesson's variant opened alone starts on the layers view its lesson asks for.
    @Test func layersViewOnTheCompareScreenSaysHow() throws {
        let lab = try Self.lab("24-residual-learning")
        #expect(lab.panes.count == 3)
        lab.handle(.char("L"))
        #expect(lab.state.notice == "the layers view shows one network: nnlab open 24-residual-learning --variant plain", "\(lab.state.notice ?? "")")
        let alone = try Self.lab("24-residual-learning") { $0 = try! $0.selecting(variant: "residual") }
        #expect(alone.panes.count == 1 && alone.state.main == .layers)
        #expect(alone.compose(width: 80, height: 24, theme: .plain).plainText.contains("layer "))
    }

    /// The network diagram marks the parts: the norm in the column's label, each skip as an
    /// arc from its source column, dropout's units hollow (x in ASCII), with the legend's key.
    @Test func networkDiagramMarksNormSkipAndDropout() throws {
        let lab = try Self.lab("06a-spiral-deep") {
            $0.variants = []
            $0.configuration.hidden = [HiddenLayer(units: 8, activation: .relu, norm: .batch),
                                       HiddenLayer(units: 8, activation: .relu, norm: .layer, skip: 1, keep: 0.8)]
        }
        let unicode = lab.compose(width: 120, height: 40, theme: .unicodeMono).lines
        let network = unicode.filter { $0.contains("││") }.map { String($0.split(separator: "││").last ?? "") }
        #expect(network.contains { $0.contains("a(2) 8 BN") && $0.contains("a(3) 8 LN") }, "\(network)")
        #expect(network.contains { $0.contains("╭") && $0.contains("╮") && !$0.contains("●") }, "an arc on its own row")
        #expect(network.contains { $0.contains("○") } && network.contains { $0.contains("╭╮ skip") })
        let ascii = lab.compose(width: 120, height: 40, theme: .plain).lines
        // The arc's row: the panel's side, spaces, then +----+ (panel borders have no spaces before their +).
        #expect(ascii.contains { $0.range(of: #"\|\s+\+-{3,}\+\s+\|$"#, options: .regularExpression) != nil }, "\(ascii.joined(separator: "\n"))")
        let plain = try Self.lab("06a-spiral-deep") { $0.variants = [] }.compose(width: 120, height: 40, theme: .unicodeMono).plainText
        #expect(!plain.contains("╭") && !plain.contains("○ dropout"), "a plain network draws no marks")
    }

    @Test func settingsAndHelpGolden() throws {
        let lab = try Self.lab("06a-spiral-deep") { $0.variants = [] }
        lab.trainSynchronously(epochs: 5)
        lab.handle(.char("s"))
        let settings = lab.compose(width: 120, height: 40, theme: .unicodeMono).plainText
        if let problem = Golden.check("dashboard-settings-120x40.txt", settings) { Issue.record(Comment(rawValue: problem)) }
        lab.handle(.escape)
        lab.handle(.char("?"))
        let help = lab.compose(width: 80, height: 24, theme: .plain).plainText
        if let problem = Golden.check("dashboard-help-80x24.txt", help) { Issue.record(Comment(rawValue: problem)) }
    }
}

/// A click on the map chooses the nearest data point; the step-through starts from it.
@Suite struct MouseTests {
    @Test func clickChoosesThePointUnderIt() throws {
        let lab = try LabTests.lab(ShippedLessons.defaultName)
        let frame = lab.render(width: 80, height: 24, theme: .plain)
        let lines = frame.buffer.lines
        // The training points of the XOR table are drawn as O (class 0) and X (class 1).
        var target: (Int, Int)?
        for (y, line) in lines.enumerated() where y > 1 {
            if let i = Array(line).prefix(38).firstIndex(of: "X") { target = (i, y); break }
        }
        guard let (x, y) = target else { Issue.record("no point drawn"); return }
        lab.handle(.click(x: x, y: y))
        #expect(lab.state.selectedPoint == nil, "without the frame it was drawn on, a click means nothing")
        lab.handle(.click(x: x, y: y), in: frame)
        guard let chosen = lab.state.selectedPoint else { Issue.record("nothing chosen"); return }
        #expect(lab.points[chosen].label == 1)
        let marked = lab.compose(width: 80, height: 24, theme: .plain).lines[y]
        #expect(Array(marked)[x] != "X", "the chosen point is marked")
        lab.handle(.char("f"))
        #expect(lab.state.stepping?.point == chosen)
        // A click outside the map changes nothing.
        lab.handle(.escape)
        lab.handle(.click(x: 79, y: 0), in: frame)
        #expect(lab.state.selectedPoint == chosen)
    }
}

/// Every lesson's dashboard at every size: each panel present, every line exactly as wide as
/// the screen, in Unicode and ASCII.
@Suite struct DashboardSizesTests {
    @Test(arguments: ShippedLessons.names)
    func everyLessonAtEverySize(_ name: String) throws {
        let lab = try LabTests.lab(name)
        // A lesson that opens on the chain rule: esc returns to the lab.
        if lab.state.chain != nil { lab.handle(.escape) }
        lab.trainSynchronously(epochs: 2)
        for (w, h) in [(80, 24), (81, 25), (100, 30), (150, 50), (320, 100)] {
            for theme in [Theme.plain, .full] {
                let buffer = lab.compose(width: w, height: h, theme: theme)
                let text = buffer.plainText
                if lab.panes.count > 1 {
                    // The compare screen: every network's map and numbers, the shared charts.
                    // The table's header names its columns, a row per network holds its numbers.
                    #expect(buffer.lines[1].contains("epoch") && buffer.lines[1].contains("loss train"), "\(name) \(w)x\(h): the table's header")
                    for (i, pane) in lab.panes.enumerated() {
                        #expect(text.contains("\(i + 1) \(pane.name)"), "\(name) \(w)x\(h): pane \(pane.name)")
                        #expect(buffer.lines[2 + i].contains("\(i + 1) \(pane.name)") && (buffer.lines[2 + i].contains(".") || buffer.lines[2 + i].contains("diverged")),
                                "\(name) \(w)x\(h): numbers of \(pane.name): \(buffer.lines[2 + i])")
                    }
                    #expect(text.contains("Training loss") && buffer.lines[0].contains("step "), "\(name) \(w)x\(h)")
                } else {
                    for panel in ["Network", "Loss", "Lesson"] { #expect(text.contains(panel), "\(name) \(w)x\(h): \(panel)") }
                    #expect(text.contains("Decision map") || text.contains("f(x) and the network's F(x)"), "\(name) \(w)x\(h): main panel")
                    // The numbers and the way out stay in view at every size.
                    #expect(buffer.lines[0].contains("epoch ") && buffer.lines[0].contains("loss "), "\(name) \(w)x\(h): header")
                }
                #expect(buffer.lines[h - 1].contains("? help") && buffer.lines[h - 1].contains("q quit"), "\(name) \(w)x\(h): footer")
                #expect(!LabTests.showsNaN(text), "\(name) \(w)x\(h)")
            }
        }
        // The units view and the settings panel too; ASCII screens hold only ASCII (key names
        // included: "up/down", not arrows).
        lab.handle(.char("v"))
        lab.handle(.char("s"))
        let settings = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(settings.contains("Settings"))
        #expect(settings.unicodeScalars.allSatisfy { $0.isASCII }, "\(name): non-ASCII in the ASCII settings screen")
        #expect(settings.contains("up/down choose"))
    }
}

/// `d` reaches every data set from lessons with different outputs and losses, and the network
/// follows (softmax for K classes, identity for regression).
@Suite struct DatasetCycleTests {
    @Test(arguments: ["04-xor-two-hidden-units", "07b-spirals-relu", "11a-universal-approximation-1", "02a-perceptron-separable", "14-maxout"])
    func everyDatasetFromLesson(_ name: String) throws {
        let lab = try LabTests.lab(name)
        var seen: Set<String> = []
        for _ in 0..<DatasetKind.allCases.count {
            lab.handle(.char("d"))
            #expect(lab.state.notice?.hasPrefix("cannot") != true, "\(name): \(lab.state.notice ?? "")")
            guard case .generated(let spec) = lab.configuration.data else { continue }
            seen.insert(spec.kind.rawValue)
            let arch = lab.session.architecture
            if spec.kind.isRegression { #expect(arch.output == .identity || arch.output == .logistic) }
            if spec.kind == .spirals { #expect(arch.output == .softmax && arch.outputs == spec.classes) }
            #expect(arch.inputs == (spec.kind.dimension == 2 ? lab.configuration.features.count : spec.kind.dimension))
            _ = lab.compose(width: 80, height: 24, theme: .plain)
        }
        #expect(seen.count == DatasetKind.allCases.count, "\(name): reached \(seen.sorted())")
    }
}

/// Every row of the settings panel changes something, both ways, from lessons of every kind.
@Suite struct SettingsSweepTests {
    @Test(arguments: ["04-xor-two-hidden-units", "07b-spirals-relu", "11c-universal-approximation-10", "02b-perceptron-xor", "14-maxout"])
    func everyRowChanges(_ name: String) throws {
        let lab = try LabTests.lab(name)
        lab.handle(.char("s"))
        var visited = 0
        var lastRow = -1
        while lab.state.settingsRow > lastRow {
            lastRow = lab.state.settingsRow
            let before = lab.compose(width: 120, height: 40, theme: .plain).plainText
            lab.handle(.right)
            let notice = lab.state.notice ?? ""
            #expect(!notice.hasPrefix("cannot"), "\(name) row \(lastRow): \(notice)")
            let after = lab.compose(width: 120, height: 40, theme: .plain).plainText
            #expect(after != before, "\(name) row \(lastRow): right changed nothing (\(notice))")
            lab.handle(.left)
            visited += 1
            lab.handle(.down)
        }
        #expect(visited >= 15, "\(name): \(visited) rows")
    }
}

/// Every key a lesson's text tells students to press ("[v]", "[f]") does something on the
/// dashboard (lessons 11a-c once said [u], which only exists in the step-through).
@Suite struct LessonKeyTests {
    @Test func keysNamedInLessonsExist() throws {
        var mentioned = 0
        for name in ShippedLessons.names {
            let text = try ShippedLessons.load(name).lesson
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
                let inside = rest[rest.index(after: open)..<close]
                rest = rest[rest.index(after: close)...]
                // Only key-like marks: "[v]", "[space]"; not "[0, 1]".
                guard (1...6).contains(inside.count), !inside.contains(" "), !inside.contains(",") else { continue }
                mentioned += 1
                let key: KeyEvent = inside == "space" ? .char(" ") : .char(inside.first!)
                #expect(inside.count == 1 || inside == "space", "\(name): [\(inside)] is not a key name")
                #expect(KeyTable.action(for: key, in: LabState()) != nil, "\(name): the lesson says [\(inside)], which the dashboard does not take")
            }
        }
        #expect(mentioned >= 10, "the lessons name keys")
    }
}

/// The compare screen: networks in lockstep, the focus, cloning, closing, presentation mode,
/// and goldens at three sizes.
@Suite struct CompareTests {
    @Test func lessonWithVariantsOpensSideBySide() throws {
        let lab = try LabTests.lab("09b-vanishing-gradients")
        #expect(lab.panes.map(\.name) == ["logistic", "tanh", "relu"])
        lab.trainSynchronously(epochs: 2)
        let snapshots = lab.controller.snapshots
        #expect(snapshots.count == 3 && Set(snapshots.map(\.stepCount)).count == 1, "the same steps for every network")
        // The same data and split; the same first-layer weights (same shapes, same init).
        #expect(Set(lab.controller.sessions.map(\.trainIndices)).count == 1)
        let w1 = lab.controller.sessions.map { Array($0.initialNetwork.parameters.prefix(16)) }
        #expect(w1[0] == w1[1] && w1[1] == w1[2])
        let text = lab.compose(width: 120, height: 40, theme: .unicodeMono).plainText
        #expect(text.contains("1 logistic") && text.contains("2 tanh") && text.contains("3 relu"))
        #expect(text.contains("activation relu"), "each map says how its network differs")
    }

    @Test func focusCloneAndClose() throws {
        let lab = try LabTests.lab("06a-spiral-deep")
        #expect(lab.state.focus == 0)
        lab.handle(.char("g"))
        #expect(lab.state.focus == 1 && lab.configuration.hidden.map(\.units) == [26])
        // A setting key changes the focused network only.
        lab.handle(.char("a"))
        #expect(lab.panes[1].configuration.hidden[0].activation != .relu)
        #expect(lab.panes[0].configuration.hidden.allSatisfy { $0.activation == .relu })
        #expect(lab.controller.sessions.count == 2 && lab.controller.sessions[1].architecture.hidden[0].activation != .relu)
        // The learning rate is changed live, on the focused network.
        lab.handle(.char("]"))
        #expect(lab.panes[1].configuration.settings.learningRate > lab.panes[0].configuration.settings.learningRate)
        lab.handle(.char("1"))
        #expect(lab.state.focus == 0)
        lab.handle(.char("c"))
        #expect(lab.panes.count == 3 && lab.state.focus == 2 && lab.panes[2].name == "deep-2")
        #expect(lab.panes[2].configuration == lab.panes[0].configuration)
        lab.handle(.char("c"))
        lab.handle(.char("c"))
        #expect(lab.panes.count == 4 && lab.state.notice?.contains("at most 4") == true)
        lab.handle(.char("C"))
        #expect(lab.panes.count == 3 && lab.controller.sessions.count == 3)
        // A new seed and a new sample apply to every network: they keep the same data.
        lab.handle(.char("n"))
        #expect(Set(lab.panes.map { $0.configuration.data }).count == 1)
        lab.handle(.char("C"))
        lab.handle(.char("C"))
        #expect(lab.panes.count == 1 && lab.state.notice?.hasPrefix("closed") == true)
        lab.handle(.char("C"))
        #expect(lab.panes.count == 1 && lab.state.notice?.contains("nothing to close") == true)
        // From one network, c starts comparing.
        let single = try LabTests.lab()
        single.handle(.char("c"))
        #expect(single.panes.map(\.name) == ["first", "first-2"] && single.state.focus == 1)
        // A clone of a clone takes the next number, not a longer name.
        single.handle(.char("c"))
        single.handle(.char("c"))
        #expect(single.panes.map(\.name) == ["first", "first-2", "first-3", "first-4"], "\(single.panes.map(\.name))")
        single.handle(.char("C")); single.handle(.char("C"))
        #expect(single.panes.map(\.name) == ["first", "first-2"] && single.state.focus == 1)
        single.handle(.char("+"))
        let text = single.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(text.contains("layers 3") && text.contains("layers 2"), "the maps say what differs")
    }

    @Test func presentationMode() throws {
        let lab = try LabTests.lab()
        lab.trainSynchronously(epochs: lab.scenario.epochs)
        lab.handle(.char("p"))
        #expect(lab.state.present)
        let small = lab.compose(width: 80, height: 24, theme: .plain)
        #expect(!small.plainText.contains("Lesson") && !small.plainText.contains("q quit"), "no lesson text, no footer")
        if let problem = Golden.check("present-80x24-ascii.txt", small.plainText) { Issue.record(Comment(rawValue: problem)) }
        let compare = try LabTests.lab("09b-vanishing-gradients") { $0.view.paused = true }
        compare.trainSynchronously(epochs: 3)
        compare.handle(.char("p"))
        let large = compare.compose(width: 200, height: 60, theme: .unicodeMono).plainText
        if let problem = Golden.check("present-200x60-unicode.txt", large) { Issue.record(Comment(rawValue: problem)) }
        compare.handle(.char("p"))
        #expect(!compare.state.present)
    }

    @Test(arguments: [(80, 24, "ascii", 2), (80, 24, "ascii", 4), (120, 40, "unicode", 2), (200, 60, "unicode", 4), (120, 40, "ansi256", 2)])
    func compareGolden(_ size: (Int, Int, String, Int)) throws {
        let lab = try LabTests.lab(size.3 == 2 ? "06a-spiral-deep" : "09b-vanishing-gradients")
        if size.3 == 4 {
            lab.handle(.char("c"))
            lab.handle(.char("1"))
        }
        lab.trainSynchronously(epochs: 5)
        #expect(lab.panes.count == size.3)
        let theme: Theme = size.2 == "ascii" ? .plain : (size.2 == "ansi256" ? .full : .unicodeMono)
        let buffer = lab.compose(width: size.0, height: size.1, theme: theme)
        let text = size.2 == "ansi256" ? buffer.ansiText : buffer.plainText
        if let problem = Golden.check("compare-\(size.0)x\(size.1)-\(size.2)-\(size.3).txt", text) { Issue.record(Comment(rawValue: problem)) }
    }
}

/// Data editing without a terminal: keys and clicks place and remove points, the split is
/// kept, training goes on with the new points, and `S` writes a CSV that reads back the same.
@Suite struct DataEditingTests {
    static let sixPoints = "x1,x2,label\n-1,-1,0\n1,1,0\n-1,1,1\n1,-1,1\n-0.5,-0.5,0\n0.5,-0.5,1\n"

    static func labOnFile(_ csv: String, locked: Set<Lock> = []) throws -> (Lab, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-edit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/points.csv"
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        var scenario = try ShippedLessons.load("04-xor-two-hidden-units")
        scenario.variants = []
        scenario.configuration.data = .file(path)
        scenario.configuration.output = nil
        scenario.configuration.loss = nil
        var options = LabOptions()
        options.paused = true
        options.locked = locked
        return (try Lab(scenario: scenario, options: options), dir)
    }

    @Test func keysPlaceAndRemovePointsAndSave() throws {
        let (lab, dir) = try Self.labOnFile(Self.sixPoints)
        let train0 = lab.data.train, test0 = lab.data.test
        #expect(train0.count == 3 && test0.count == 3)
        lab.handle(.char("E"))
        #expect(lab.state.editing && lab.state.editCursor == PlanePoint(x: 0, y: 0))
        lab.handle(.char("1"))
        #expect(lab.data.dataset.count == 7 && lab.data.train == train0 + [6] && lab.data.test == test0)
        lab.handle(.right)
        lab.handle(.right)
        lab.handle(.char("T"))
        lab.handle(.char("0"))
        #expect(lab.data.dataset.count == 8 && lab.data.test == test0 + [7] && lab.data.dataset.label(7) == 0)
        #expect(abs(lab.data.dataset.points[14] - 0.24) < 1e-9 && lab.data.dataset.points[15] == 0)
        // A class the network has no output for is refused.
        lab.handle(.char("7"))
        #expect(lab.data.dataset.count == 8 && lab.state.notice?.contains("classes 0 to 1") == true)
        // Backspace removes the point nearest to the cursor: the one just placed.
        lab.handle(.backspace)
        #expect(lab.data.dataset.count == 7 && lab.data.test == test0 && lab.data.train == train0 + [6])
        // Training goes on with the new points.
        lab.trainSynchronously(epochs: 2)
        #expect(lab.session.dataset.count == 7 && lab.session.trainIndices == train0 + [6] && lab.session.trainer.epoch == 2)
        // A rebuild (another activation) keeps the edited points and their split.
        lab.handle(.char("E"))
        lab.handle(.char("a"))
        #expect(lab.session.dataset.count == 7 && lab.session.trainIndices == lab.data.train)
        // S saves them as CSV, exactly.
        let saved = dir + "/saved.csv"
        lab.handle(.char("S"))
        guard case .prompt(.saveData, let text) = lab.state.overlay else { Issue.record("no prompt"); return }
        for _ in text { lab.handle(.backspace) }
        for c in saved { lab.handle(.char(c)) }
        lab.handle(.enter)
        let csv = try String(contentsOfFile: saved, encoding: .utf8)
        #expect(csv == "x1,x2,label\n-1.0,-1.0,0\n1.0,1.0,0\n-1.0,1.0,1\n1.0,-1.0,1\n-0.5,-0.5,0\n0.5,-0.5,1\n0.0,0.0,1\n")
        let back = try Dataset.load(csv: saved)
        #expect(back.points == lab.data.dataset.points && back.classCount == 2 && (0..<7).map(back.label) == (0..<7).map(lab.data.dataset.label))
        // Saving again over it asks first.
        lab.handle(.char("S"))
        guard case .prompt(.saveData, let again) = lab.state.overlay else { Issue.record("no prompt"); return }
        for _ in again { lab.handle(.backspace) }
        for c in saved { lab.handle(.char(c)) }
        lab.handle(.enter)
        #expect(lab.state.overlay == .prompt(.replaceData, text: saved))
        lab.handle(.escape)
        // C asks, then clears; training pauses until a point is placed.
        lab.handle(.char("E"))
        lab.handle(.char("C"))
        #expect(lab.state.overlay == .prompt(.clearData, text: "7 points"))
        lab.handle(.enter)
        #expect(lab.data.dataset.count == 0 && lab.state.notice?.contains("training paused") == true)
        // Nothing trains on the points that were cleared: space, . and e are refused.
        let steps = lab.controller.snapshot.stepCount
        for key in [KeyEvent.char(" "), .char("."), .char("e")] {
            lab.handle(.escape)
            lab.handle(key)
            #expect(lab.state.notice?.hasPrefix("no training point") == true, "\(key.name): \(lab.state.notice ?? "")")
        }
        usleep(100_000)
        #expect(lab.controller.snapshot.stepCount == steps && lab.controller.snapshot.status != .running)
        // A point placed after the clear goes to the set T chooses (here still the test set),
        // not to both; T back to training, and the next one trains.
        lab.handle(.char("E"))
        #expect(lab.state.editToTest)
        lab.handle(.char("1"))
        #expect(lab.data.dataset.count == 1 && lab.data.train == [] && lab.data.test == [0])
        lab.handle(.char("T"))
        lab.handle(.right)
        lab.handle(.char("0"))
        #expect(lab.data.dataset.count == 2 && lab.data.train == [1] && lab.data.test == [0])
        lab.handle(.escape)
        lab.handle(.char("."))
        #expect(lab.state.notice?.hasPrefix("no training point") != true)
        _ = lab.compose(width: 80, height: 24, theme: .plain)
    }

    @Test func clicksPlaceAndRemove() throws {
        let (lab, _) = try Self.labOnFile(Self.sixPoints)
        lab.handle(.char("E"))
        let frame = lab.render(width: 100, height: 30, theme: .plain)
        let plot = try #require(frame.map?.plot)
        let (x, y) = (plot.x + plot.width / 2, plot.y + plot.height / 2)
        lab.handle(.click(x: x, y: y), in: frame)
        #expect(lab.data.dataset.count == 7 && lab.data.dataset.label(6) == 1)
        lab.handle(.rightClick(x: x + 2, y: y), in: frame)
        #expect(lab.data.dataset.count == 8 && lab.data.dataset.label(7) == 0)
        lab.handle(.middleClick(x: x + 2, y: y), in: frame)
        #expect(lab.data.dataset.count == 7 && lab.data.dataset.label(6) == 1)
        // Outside the map: refused with a message.
        lab.handle(.click(x: 0, y: 0), in: frame)
        #expect(lab.data.dataset.count == 7 && lab.state.notice?.contains("click on the map") == true)
        // The footer lists the editing keys once no notice is shown (ctrl-l only redraws).
        lab.handle(.control("l"))
        #expect(lab.state.notice == nil)
        let footer = lab.compose(width: 160, height: 30, theme: .plain).lines.last ?? ""
        #expect(footer.contains("0 1 place class") && footer.contains("bksp remove") && footer.contains("E end"), "\(footer)")
    }

    @Test func refusedWhereItMustBe() throws {
        let (locked, _) = try Self.labOnFile(Self.sixPoints, locked: [.data])
        locked.handle(.char("E"))
        #expect(!locked.state.editing && locked.state.notice == "the data is locked by the lesson")
        let (stepping, _) = try Self.labOnFile(Self.sixPoints)
        stepping.handle(.char("f"))
        stepping.handle(.char("E"))
        #expect(!stepping.state.editing && stepping.state.notice?.contains("step-through") == true)
        // d reaches the generated data sets and comes back to the file.
        let (cycling, _) = try Self.labOnFile(Self.sixPoints)
        cycling.handle(.char("d"))
        guard case .generated = cycling.configuration.data else { Issue.record("d: a generated data set"); return }
        cycling.handle(.char("D"))
        guard case .file = cycling.configuration.data else { Issue.record("D: back to the file"); return }
        #expect(cycling.data.dataset.count == 6)
    }
}

/// The hidden-space view: the points are exactly the hidden activations, the output's line is
/// W(2)'s, and the XOR lesson's trained picture is a golden screen.
@Suite struct HiddenSpaceTests {
    @Test func pointsAreTheHiddenActivations() throws {
        let lab = try LabTests.lab()
        lab.trainSynchronously(epochs: lab.scenario.epochs)
        let net = lab.session.network
        let plot = try #require(Views.hiddenSpace(net, dataset: lab.data.dataset, points: lab.points, features: lab.configuration.features,
                                                  layer: 0, units: (0, 1)))
        #expect(plot.points.count == 4 && plot.xName == "a(2)_1" && plot.yName == "a(2)_2")
        let converted = net.converted(to: Double.self)
        for (k, p) in lab.points.enumerated() {
            let ws = try Workspace<Double>(architecture: converted.architecture, capacity: 1)
            ws.loadSingle(input: [p.x, p.y])
            converted.forward(ws)
            let a = ws.aColumn(layer: 0, 0)
            #expect(abs(plot.points[k].x - a[0]) < 1e-5 && abs(plot.points[k].y - a[1]) < 1e-5, "point \(k)")
            #expect(plot.points[k].label == p.label)
        }
        let boundary = try #require(plot.boundary)
        #expect(boundary.w1 == Double(net.W(2)[0, 0]) && boundary.w2 == Double(net.W(2)[0, 1]) && boundary.b == Double(net.b(2)[0]))
        // One line separates the classes there: the output's z has the label's sign at every point.
        for p in plot.points {
            let z = boundary.w1 * p.x + boundary.w2 * p.y + boundary.b
            #expect((z > 0) == (p.label == 1))
        }
        #expect(plot.lines.count == 18 && plot.lines.allSatisfy { $0.count == 48 })
    }

    @Test func goldenAndKeys() throws {
        let lab = try LabTests.lab()
        lab.trainSynchronously(epochs: lab.scenario.epochs)
        lab.handle(.char("v"))
        lab.handle(.char("v"))
        #expect(lab.state.main == .hidden)
        let text = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(text.contains("Hidden space a(2)"))
        if let problem = Golden.check("hidden-xor-80x24-ascii.txt", text) { Issue.record(Comment(rawValue: problem)) }
        let unicode = lab.compose(width: 120, height: 40, theme: .unicodeMono).plainText
        if let problem = Golden.check("hidden-xor-120x40-unicode.txt", unicode) { Issue.record(Comment(rawValue: problem)) }
        lab.handle(.char("i"))
        #expect(lab.state.notice == "hidden space: units 2 and 1")
        lab.handle(.char("v"))
        #expect(lab.state.main == .map)
        // A network without a hidden layer has no hidden space.
        let single = try LabTests.lab("01-one-neuron-xor") { $0.variants = [] }
        single.handle(.char("i"))
        #expect(single.state.notice == "this network has no hidden layer")
    }
}
