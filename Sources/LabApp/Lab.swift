import Formatting
import Foundation
import LabRendering
import Synchronization
import Lessons
import NeuralCore

/// Options from the command line (and a lesson's `view:` keys).
public struct LabOptions: Sendable {
    /// Start paused whatever the lesson says.
    public var paused = false
    /// Settings students may not change, added to the lesson's.
    public var locked: Set<Lock> = []
    /// Where `w` saves by default.
    public var modelPath = "nnlab-model.json"
    /// Start in presentation mode.
    public var present = false
    /// Memory for the checkpoints of all the networks together, in MB.
    public var checkpointMegabytes = Timeline.defaultBudget >> 20
    public init() {}
}

/// The points the lab shows and trains on, and their split: the lab's own copy, so that drawing
/// never reads what the training thread may be changing.
public struct LabData: Sendable {
    public var dataset: Dataset {
        didSet { slice = dataset.slice }
    }
    public var train: [Int]
    public var test: [Int]
    /// True once a student added or removed points (the sessions then train on this copy).
    public var edited = false
    /// Where the maps of 3 or more inputs cut: x3, x4, ... at their medians (`Dataset.slice`).
    public private(set) var slice: [Double]

    public init(dataset: Dataset, train: [Int], test: [Int], edited: Bool = false) {
        self.dataset = dataset
        self.train = train
        self.test = test
        self.edited = edited
        self.slice = dataset.slice
    }
}

/// One network of the compare screen: its name and configuration.
public struct Pane: Sendable, Equatable {
    /// The variant's name ("relu"), or "" for the only network.
    public var name: String
    /// Data, features, network and training settings.
    public var configuration: SessionConfiguration

    public init(name: String, configuration: SessionConfiguration) {
        self.name = name
        self.configuration = configuration
    }
}

/// The interactive lab without its terminal: the lesson, the training controller, the view
/// state, and the reducer that turns key presses into changes. Each frame the terminal loop
/// calls `tick`, draws `render(...)` (a screen value makes a `Frame`) and hands that frame
/// with the next key to `handle`; tests do the same with no terminal.
public final class Lab {
    /// The smallest screen the lab is drawn on; below it, only q acts.
    public static let minimumSize = (width: 80, height: 24)

    /// The lesson open now.
    public private(set) var scenario: Scenario
    /// The networks shown: one, or two to four side by side (a lesson's variants, clones).
    public internal(set) var panes: [Pane]
    /// Most networks side by side.
    public static let maxPanes = 4
    /// The focused network's configuration (the lesson's, as changed in the lab).
    public internal(set) var configuration: SessionConfiguration {
        get { panes[state.focus].configuration }
        set { panes[state.focus].configuration = newValue }
    }
    /// The view state.
    public internal(set) var state = LabState()
    /// The training thread.
    public private(set) var controller: TrainingController
    /// The model training started from, if one was loaded.
    var model: Network<Float>?
    /// Map points of the current data, cached.
    public internal(set) var points: [MapPoint] = []
    /// The data shown and trained on.
    public internal(set) var data: LabData
    /// The CSV file the lab was opened on (`--data`, a lesson's file): a choice of `d`.
    var dataFile: String?
    /// The size of the screen `F` writes (the last frame's).
    var exportSize = (width: 120, height: 40)
    /// Each pane's grid sampler: scratch for drawing its maps, made by the reducer when a
    /// network's shape changes (drawing only reads this dictionary).
    private var samplerCache: [Int: GridSampler] = [:]
    /// The step-through's trace of the chosen example (made by the reducer, not by drawing).
    var stepTrace: StepTrace?
    /// The step-through's trace being made on another thread (a large network's).
    var pendingTrace: TraceJob?
    /// The step-through's trace of the chosen example, when it is open.
    public var currentTrace: Trace? { currentStepTrace?.trace }
    /// The minibatch view's pass (made by the reducer, not by drawing).
    var batchTrace: (trace: BatchTrace, point: Int, version: Int)?
    /// The minibatch view's vectorised pass, when it is open.
    public var currentBatch: BatchTrace? { state.stepping?.batchScroll == nil ? nil : batchTrace?.trace }
    let options: LabOptions
    var started = false
    /// A model file being read on another thread (`o`).
    var pendingLoad: ModelLoad?
    /// The trouble of the run shown, as `tick` last found it (the header warns of it), and the
    /// snapshot it was found in.
    var trouble: Trouble?
    private var troubleVersion = Int.min
    /// The lesson's moment, while the lab shows the lesson as written (`armLessonMoment`).
    var lessonMoment: LessonMoment?

    /// The lab on `scenario`; the training thread starts with `start()`.
    public init(scenario: Scenario, options: LabOptions = LabOptions()) throws {
        self.scenario = scenario
        self.options = options
        let panes = Self.panes(for: scenario)
        self.panes = panes
        let model: Network<Float>? = try scenario.modelPath.map { try ModelFile.load($0) }
        self.model = model
        let sessions = try panes.enumerated().map { i, p in try TrainingSession(p.configuration, model: i == 0 ? model : nil) }
        for s in sessions { s.keepCheckpoints(budget: (options.checkpointMegabytes << 20) / sessions.count) }
        controller = TrainingController(sessions: sessions, running: !(options.paused || scenario.view.paused))
        data = LabData(dataset: sessions[0].dataset, train: sessions[0].trainIndices, test: sessions[0].testIndices)
        if case .file(let path) = scenario.configuration.data { dataFile = path }
        state.present = options.present
        applyView(scenario.view)
        adoptSession()
        armLessonMoment()
        if scenario.view.quiz { openQuiz() }
        if scenario.view.chain { perform(DashboardAction.chainOpen) }
    }

    /// A lesson that opens in quiz mode: the step-through on its first example, quiz on.
    func openQuiz() {
        openStepThrough()
        guard state.stepping != nil else { return }
        state.quiz = QuizState()
        state.notice = "quiz: predict each value, type it, enter (right within 1% or 0.01); Q ends"
    }

    /// A lesson's networks: its variants side by side, or its one network.
    static func panes(for scenario: Scenario) -> [Pane] {
        scenario.variants.count >= 2 && scenario.view.compare
            ? scenario.variants.map { Pane(name: $0.name, configuration: $0.configuration) }
            : [Pane(name: "", configuration: scenario.configuration)]
    }

    deinit { controller.shutdown() }

    /// A lesson's `view:` settings, with the command line's locks added.
    private func applyView(_ view: ViewSettings) {
        state.main = view.main
        state.discretize = view.discretize
        state.showTest = view.testPoints
        state.speed = view.speed
        controller.setSpeedLimit(view.speed)
        state.locked = view.locked.union(options.locked)
        state.lessonScroll = 0
        state.selectedLayer = 0
        fitMainView()
    }

    /// The main panel must suit the data and network: the curve for 1-D data, a map or the
    /// units' maps for the plane (units only with hidden units).
    /// Outputs against targets for a regression of 3 or more inputs or several outputs (no
    /// curve shows them), and never for classes.
    private func fitMainView() {
        let d = data.dataset, regression = d.classCount == nil
        // The layers view suits any data; a network without hidden layers has none to show.
        if state.main == .layers {
            if !session.architecture.hidden.isEmpty { return }
            state.main = .map
        }
        if d.dimension == 1 && d.outputWidth == 1 { state.main = .curve }
        else if state.main == .fit && !regression { state.main = .map }
        else if state.main == .curve { state.main = regression && (d.dimension >= 3 || d.outputWidth >= 2) ? .fit : .map }
        else if (state.main == .units || state.main == .hidden) && session.architecture.hidden.isEmpty { state.main = regression ? .fit : .map }
        if d.dimension == 1 && state.main != .curve && state.main != .fit { state.main = .fit }
    }

    /// Brings the view state in line with a new session: its points, layers and status.
    private func adoptSession() {
        controller.setSpeedLimit(state.speed)
        let newPoints = Views.mapPoints(data.dataset, train: data.train, test: data.test)
        if newPoints != points { state.selectedPoint = nil }
        points = newPoints
        state.selectedLayer = Swift.min(state.selectedLayer, Swift.max(0, session.architecture.hidden.count - 1))
        state.divergenceShown = latestSnapshot.status == .diverged
        fitMainView()
        refreshSamplers()
    }

    /// Starts the training thread.
    public func start() {
        started = true
        controller.start()
        lessonMoment?.startMeasuring()
    }

    /// Stops the training thread.
    public func stop() { controller.shutdown() }

    /// The focused session (read it through snapshots while the thread runs).
    public var session: TrainingSession { controller.sessions[Swift.min(state.focus, controller.sessions.count - 1)] }

    /// The snapshot of the focused network that the screens show: the latest, or the checkpoint
    /// shown while scrubbing.
    public var snapshot: TrainingSnapshot {
        let all = shownSnapshots
        return all[Swift.min(state.focus, all.count - 1)]
    }

    /// The latest snapshot of the focused network (scrubbing or not).
    var latestSnapshot: TrainingSnapshot {
        let all = controller.snapshots
        return all[Swift.min(state.focus, all.count - 1)]
    }

    /// Called once a frame: installs a model that finished loading, brings the step-through's
    /// trace up to date, notices a divergence and opens its explanation once.
    public func tick() {
        finishLoading()
        finishResuming()
        refreshTrace()
        showLessonMomentIfReached()
        let snapshot = latestSnapshot
        let diverged = snapshot.status == .diverged
        if diverged && !state.divergenceShown {
            var lines = [snapshot.divergence ?? "the loss stopped being a finite number", ""]
            lines += Self.divergenceAdvice(configuration)
            state.overlay = .message(title: "Training diverged", lines: lines)
        }
        state.divergenceShown = diverged
        // Trouble short of a divergence (the header warns, the footer advises): diagnosed once
        // per published snapshot, not once per frame.
        if snapshot.version != troubleVersion {
            troubleVersion = snapshot.version
            trouble = diverged ? nil : Trouble.diagnose(history: snapshot.history, probes: snapshot.probes)
        }
    }

    static func divergenceAdvice(_ c: SessionConfiguration) -> [String] {
        var lines = ["Training is paused. What to try:"]
        lines.append("  [  lower the learning rate (now \(NumberFormat.compact(c.settings.learningRate))), then r to reset")
        if case .adam = c.settings.optimizer {} else { lines.append("  s  choose the adam optimizer in the settings") }
        return lines
    }

    // MARK: The reducer

    /// Handles one key press on the last frame drawn: the modes active now look it up in their
    /// key tables (`KeyTable`), and the action found changes the lab. Below the smallest screen
    /// only quitting and closing a window act. Without a frame, clicks do nothing.
    public func handle(_ key: KeyEvent, in frame: Frame? = nil) {
        if let frame { exportSize = (frame.buffer.width, frame.buffer.height) }
        guard let action = KeyTable.action(for: key, in: KeyContext(state: state, tooSmall: frame?.isTooSmall == true)) else { return }
        if !action.keepsNotice { state.notice = nil }
        perform(action, frame: frame)
    }

    /// Does what `action` asks (an action that acts on the latest state leaves the timeline).
    public func perform(_ action: any ModeAction, frame: Frame? = nil) {
        if state.scrubStep != nil, action.leavesTimeline {
            state.scrubStep = nil
            state.resuming = nil
        }
        action.perform(on: self, frame: frame)
    }

    /// `R`: new initial weights from the next seed.
    func drawNewSeed() {
        guard allowed(.network) else { return }
        var c = configuration
        c.seed = Self.nextSeed(c.seed)
        rebuild(c, notice: "new seed \(c.seed): new initial weights")
    }

    /// `n`: a new sample of a generated data set.
    func drawNewData() {
        guard allowed(.data) else { return }
        guard case .generated(var spec) = configuration.data, spec.kind != .xorTable else {
            state.notice = "this data set has no random sample to draw again"
            return
        }
        var c = configuration
        spec.seed = Self.nextSeed(spec.seed)
        c.data = .generated(spec)
        rebuild(c, notice: "new sample of \(spec.kind.rawValue)")
    }

    /// `v`: the next view of the main panel that suits the data and network.
    func cycleView() {
        let canShow = Views.canShowContributions(session.architecture, dataset: data.dataset)
        let d = data.dataset, regression = d.classCount == nil
        if d.dimension == 1 && d.outputWidth == 1 {
            // 1-D: the curve with and without each unit's contribution.
            state.main = .curve
            state.showContributions = canShow ? !state.showContributions : false
        } else if d.dimension == 1 {
            state.main = .fit
            state.notice = "several outputs: each against its target is the view"
            return
        } else {
            // The plane (or a slice of it): the map, each unit, the hidden space, and for a
            // regression the outputs against the targets.
            var cycle: [MainView] = session.architecture.hidden.isEmpty ? [.map] : [.map, .units, .hidden]
            if regression { cycle.append(.fit) }
            guard cycle.count > 1 else {
                state.main = .map
                state.notice = "one neuron has no hidden units to show; the map it is"
                return
            }
            let at = cycle.firstIndex(of: state.main) ?? -1
            state.main = cycle[(at + 1) % cycle.count]
        }
        state.notice = "main panel: \(Views.mainViewName(state, canShowContributions: canShow))"
    }

    /// `L`: the layers view, or back to the data's own view.
    func toggleLayersView() {
        guard panes.count == 1 else {
            let variant = panes[Swift.min(state.focus, panes.count - 1)].name
            state.notice = "the layers view shows one network: nnlab open \(scenario.name) --variant \(variant.isEmpty ? "NAME" : variant)"
            return
        }
        guard !session.architecture.hidden.isEmpty else {
            state.notice = "one neuron has no hidden layers to show"
            return
        }
        if state.main == .layers {
            state.main = .map
            fitMainView()
        } else {
            state.main = .layers
        }
        state.notice = "main panel: \(Views.mainViewName(state, canShowContributions: Views.canShowContributions(session.architecture, dataset: data.dataset)))"
    }

    /// `i`: the hidden space's next pair of units.
    func nextHiddenPair() {
        guard !session.architecture.hidden.isEmpty else { state.notice = "this network has no hidden layer"; return }
        state.hiddenPair += 1
        if state.main != .hidden { state.main = .hidden }
        let n = session.architecture.hidden[Swift.min(state.selectedLayer, session.architecture.hidden.count - 1)].units
        state.notice = n > 1 ? "hidden space: units \(state.hiddenPair % n + 1) and \((state.hiddenPair + 1) % n + 1)" : "hidden space: the layer has one unit"
    }

    /// Up and down: the hidden layer the layer panel shows.
    func selectLayer(by d: Int) {
        let n = configuration.hidden.count
        guard n > 0 else { state.notice = "this network has no hidden layer"; return }
        state.selectedLayer = (state.selectedLayer + d + n) % n
        state.notice = "layer panel: hidden layer \(state.selectedLayer + 1) (a(\(state.selectedLayer + 2)))"
    }

    /// `s`: the settings panel, on a row that is a setting.
    func openSettings() {
        state.overlay = .settings
        let rows = settingRows()
        if state.settingsRow >= rows.count || rows[state.settingsRow].isHeading { state.settingsRow = rows.firstIndex { !$0.isHeading } ?? 0 }
    }

    /// Opens another lesson.
    public func open(_ lesson: Scenario) throws {
        let newModel = try lesson.modelPath.map { try ModelFile.load($0) as Network<Float> }
        let newPanes = Self.panes(for: lesson)
        let sessions = try newPanes.enumerated().map { i, p in try TrainingSession(p.configuration, model: i == 0 ? newModel : nil) }
        scenario = lesson
        model = newModel
        state.focus = 0
        panes = newPanes
        install(sessions: sessions, running: !lesson.view.paused)
        applyView(lesson.view)
        state.overlay = .none
        state.stepping = nil
        state.quiz = nil
        state.notice = "opened \(lesson.name)"
        state.chain = nil
        if lesson.view.quiz { openQuiz() }
        if lesson.view.chain { perform(DashboardAction.chainOpen) }
    }

    // MARK: Drawing

    /// The screen at `width` x `height`: the dashboard or the step-through, with the open
    /// overlay; below `minimumSize`, a request to enlarge the terminal.
    /// What a frame is drawn from, beyond the weights: when it has not changed since the last
    /// frame (and no network published since), drawing again would give the same screen.
    public struct DrawSignature: Equatable {
        let state: LabState
        let versions: [Int]
        let width: Int, height: Int
        let points: Int
        let panes: Int
        let busy: Bool
        let progress: Int
    }

    /// The signature of the frame `render(width:height:)` would draw now.
    public func drawSignature(width: Int, height: Int) -> DrawSignature {
        DrawSignature(state: state, versions: controller.snapshots.map(\.version), width: width, height: height,
                      points: points.count, panes: panes.count, busy: pendingLoad != nil, progress: traceProgress?.done ?? -1)
    }

    public func render(width: Int, height: Int, theme: Theme) -> Frame {
        guard width >= Self.minimumSize.width, height >= Self.minimumSize.height else {
            return Self.enlargeFrame(width: width, height: height, theme: theme)
        }
        var theme = theme
        if state.present { theme.highContrast = true }
        let context = screenContext()
        if let chain = state.chain { return ChainScreen(context: context, cursor: chain).render(width: width, height: height, theme: theme) }
        if state.stepping != nil { return StepScreen(context: context).render(width: width, height: height, theme: theme) }
        if state.present { return PresentationScreen(context: context).render(width: width, height: height, theme: theme) }
        if panes.count > 1 { return CompareScreen(context: context).render(width: width, height: height, theme: theme) }
        return DashboardScreen(context: context).render(width: width, height: height, theme: theme)
    }

    /// The screen as a file's text: what the lab shows now, at `width` x `height`, in 256 colours
    /// with Unicode (`.txt` is the `.ans` text without its escape codes). `nnlab snapshot` writes
    /// the same bytes.
    public func exportText(width: Int, height: Int, format: FrameFormat) -> String {
        let saved = state
        state.overlay = .none
        state.notice = nil
        defer { state = saved }
        return format.render(compose(width: width, height: height, theme: .full))
    }

    /// Writes the screen to `path` (its extension says the format), atomically.
    func exportFrame(to path: String) {
        guard let format = FrameFormat(path: path) else {
            state.notice = "\(path.terminalSafeLine): expected \(FrameFormat.expected)"
            return
        }
        do {
            try FileIO.writeAtomically(exportText(width: exportSize.width, height: exportSize.height, format: format), to: path)
            state.notice = "saved this screen (\(exportSize.width)x\(exportSize.height)) to \(path.terminalSafeLine)"
        } catch {
            state.overlay = .message(title: "Cannot save the screen", lines: ["\(error)"])
        }
    }

    /// Shows `view` in the main panel (where the data allows it): `nnlab snapshot --view`.
    public func show(_ view: MainView) {
        state.main = view
        fitMainView()
    }

    /// The screen's cells (tests and goldens compare them).
    public func compose(width: Int, height: Int, theme: Theme) -> Buffer {
        render(width: width, height: height, theme: theme).buffer
    }

    /// What the screens read this frame.
    func screenContext() -> ScreenContext {
        let all = shownSnapshots
        let focus = Swift.min(state.focus, all.count - 1)
        let snapshot = all[focus]
        let views = all.indices.map { i in
            PaneView(name: panes[i].name.isEmpty ? "network \(i + 1)" : panes[i].name,
                     differs: panes.count < 2 ? "" : Self.differences(panes[i].configuration, from: panes.indices.filter { $0 != i }.map { panes[$0].configuration }),
                     snapshot: all[i], sampler: sampler(i, all[i].network.architecture), threshold: panes[i].configuration.threshold)
        }
        return ScreenContext(scenario: scenario, configuration: configuration, dataset: data.dataset, trainIndices: data.train,
                             points: points, snapshot: snapshot, state: state, trace: currentStepTrace?.trace, traceProgress: traceProgress,
                             settingRows: state.overlay == .settings ? settingRows() : [],
                             sampler: sampler, exampleActivations: exampleActivations(snapshot.network), panes: views,
                             quizQuestion: pendingQuestion(), checkpointMegabytes: options.checkpointMegabytes,
                             lessonStatus: lessonStatus, lessonEpoch: lessonMoment?.epoch, trouble: trouble, timeline: ScreenContext.timeline(of: snapshot, scrubStep: state.scrubStep),
                             batch: currentBatch)
    }

    /// What sets `c` apart from the `others` ("activation relu", "layers 2-26-1"), in the
    /// settings a comparison varies; "" when nothing does.
    static func differences(_ c: SessionConfiguration, from others: [SessionConfiguration]) -> String {
        func fields(_ c: SessionConfiguration) -> [(String, String)] {
            [("inputs", c.features.description),
             ("layers", c.hidden.isEmpty ? "none" : c.hidden.map { "\($0.units)" }.joined(separator: "-")),
             ("activation", Set(c.hidden.map(\.activation.label)).sorted().joined(separator: ",")),
             ("output", c.output.map(\.rawValue) ?? "default"), ("loss", c.loss.map(\.rawValue) ?? "default"),
             ("init", c.weightInit?.description ?? "default"), ("bias", NumberFormat.short(c.biasInit)),
             ("optimizer", c.settings.optimizer.description), ("rate", NumberFormat.compact(c.settings.learningRate)),
             ("batch", "\(c.settings.batchSize)"), ("L1", NumberFormat.short(c.settings.l1)), ("L2", NumberFormat.short(c.settings.l2))]
        }
        let mine = fields(c)
        let theirs = others.map(fields)
        // A setting that does not apply to a network (the activation of one without hidden
        // layers) is no difference.
        return mine.indices.filter { k in !mine[k].1.isEmpty && theirs.contains { !$0[k].1.isEmpty && $0[k].1 != mine[k].1 } }
            .map { "\(mine[$0].0) \(mine[$0].1)" }.joined(separator: ", ")
    }

    private static func enlargeFrame(width: Int, height: Int, theme: Theme) -> Frame {
        var frame = Frame(width: width, height: height)
        frame.isTooSmall = true
        let lines = ["Please enlarge the terminal", "to at least \(minimumSize.width)x\(minimumSize.height)",
                     "(now \(width)x\(height)).", ""] + KeyTable.helpLines(TooSmallMode.self).map { $0.trimmingCharacters(in: .whitespaces) }
        let top = Swift.max(0, (height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < height {
            let x = Swift.max(0, (width - displayWidth(line)) / 2)
            frame.buffer.put(line, x: x, y: top + i, style: i == 0 ? theme.title : .plain, clip: frame.buffer.area)
        }
        return frame
    }

    /// A grid sampler for the focused network (made again when the network changes).
    var sampler: GridSampler { sampler(state.focus, session.architecture) }

    /// A grid sampler for pane `i`'s network of `architecture`: the one the reducer made, or
    /// (if the shape changed since) one for this frame alone.
    func sampler(_ i: Int, _ architecture: Architecture) -> GridSampler {
        let features = panes[Swift.min(i, panes.count - 1)].configuration.features, dimension = data.dataset.dimension
        if let s = samplerCache[i], s.architecture == architecture, s.features == features, s.dimension == dimension, s.slice == data.slice { return s }
        return GridSampler(architecture: architecture, features: features, dimension: dimension, slice: data.slice)
    }

    /// Makes each pane's sampler again where its network's shape, features or data changed.
    func refreshSamplers() {
        let snapshots = controller.snapshots
        for i in panes.indices where i < snapshots.count {
            let architecture = snapshots[i].network.architecture
            let features = panes[i].configuration.features, dimension = data.dataset.dimension
            if let s = samplerCache[i], s.architecture == architecture, s.features == features, s.dimension == dimension, s.slice == data.slice { continue }
            samplerCache[i] = GridSampler(architecture: architecture, features: features, dimension: dimension, slice: data.slice)
        }
        for i in samplerCache.keys where i >= panes.count { samplerCache[i] = nil }
    }

    /// a(l) of every layer of `network` for the chosen example, or the first one (the network
    /// diagram's node shading), computed in a workspace of this frame's own.
    func exampleActivations(_ network: Network<Float>) -> [[Double]] {
        guard !points.isEmpty else { return [] }
        let chosen = state.selectedPoint.flatMap { $0 < points.count ? $0 : nil } ?? 0
        // The architecture is the session's, validated when it was built.
        let ws = try! Workspace<Float>(architecture: network.architecture, capacity: 1)
        ws.loadSingle(input: input(of: points[chosen]).map(Float.init))
        network.forward(ws)
        var out = [ws.inputColumn(0).map(Double.init)]
        for shape in network.shapes { out.append(ws.aColumn(layer: shape.index, 0).map(Double.init)) }
        return out
    }

    func allowed(_ lock: Lock) -> Bool {
        if state.isLocked(lock) {
            state.notice = "\(lock.label) is locked by the lesson"
            return false
        }
        return true
    }

    /// `path`, or the first of path-2, path-3, ... that does not exist yet.
    static func freeName(_ path: String) -> String {
        guard FileIO.isFile(path) else { return path }
        let dot = path.lastIndex(of: ".").flatMap { path[$0...].contains("/") ? nil : $0 }
        let stem = dot.map { String(path[..<$0]) } ?? path, ext = dot.map { String(path[$0...]) } ?? ""
        for n in 2..<1000 where !FileIO.isFile("\(stem)-\(n)\(ext)") { return "\(stem)-\(n)\(ext)" }
        return path
    }

    static func nextSeed(_ seed: UInt64) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % 1_000_000
    }

    // MARK: Sessions

    /// Trains `newConfiguration` from new weights; on a problem keeps the old one and says why.
    /// On the compare screen every network starts again with it, so that they stay in step;
    /// the data, its split and the seed are shared, so a change to them applies to all.
    func rebuild(_ requested: SessionConfiguration, notice: String, panes newPanes: [Pane]? = nil) {
        var configurations = (newPanes ?? panes).map(\.configuration)
        let focus = Swift.min(state.focus, configurations.count - 1)
        let old = configurations[focus]
        if newPanes == nil { configurations[focus] = requested }
        for i in configurations.indices {
            if i != focus && newPanes == nil {
                // Another data set may need another output (classes, regression): it comes along.
                if configurations[i].data != requested.data {
                    configurations[i].output = requested.output
                    configurations[i].loss = requested.loss
                }
                configurations[i].data = requested.data
                configurations[i].trainRatio = requested.trainRatio
                configurations[i].seed = requested.seed
            }
            // A lesson's hand-set weights survive a reset; a new seed or another shape draws weights.
            if configurations[i].initialWeights != nil, configurations[i].seed != old.seed
                || (i == focus && configurations[i].architecture(for: data.dataset) != session.architecture) {
                configurations[i].initialWeights = nil
            }
        }
        do {
            for c in configurations { try c.validate() }
            let mine = configurations[focus]
            let keepModel = model.flatMap { m in mine.architecture(for: data.dataset) == m.architecture && mine.data == old.data ? m : nil }
            // Edited points stay while the data source does (a new data set or sample drops them).
            let keepEdits = data.edited && mine.data == old.data && mine.trainRatio == old.trainRatio
            let sessions = try configurations.enumerated().map { i, c in
                try TrainingSession(c, model: i == focus ? keepModel : nil, dataset: keepEdits ? data.dataset : nil,
                                    split: keepEdits ? (data.train, data.test) : nil)
            }
            if !keepEdits { data.edited = false }
            let running = latestSnapshot.status == .running
            if let newPanes { panes = newPanes }
            for i in panes.indices { panes[i].configuration = configurations[i] }
            model = keepModel
            install(sessions: sessions, running: running)
            state.notice = notice
        } catch {
            state.notice = "cannot: \(error)"
        }
    }

    /// Trains `session` in the focused pane; the other panes start again beside it.
    func install(_ session: TrainingSession, running: Bool) {
        var sessions: [TrainingSession] = []
        for (i, p) in panes.enumerated() {
            if i == state.focus { sessions.append(session) } else if let s = try? TrainingSession(p.configuration) { sessions.append(s) }
        }
        guard sessions.count == panes.count else { return }
        install(sessions: sessions, running: running)
    }

    func install(sessions: [TrainingSession], running: Bool) {
        controller.shutdown()
        keepCheckpoints(sessions)
        state.scrubStep = nil
        state.resuming = nil
        // Read before the new thread starts: from then on the sessions are the thread's.
        let edited = data.edited && sessions[0].dataset.count == data.dataset.count && sessions[0].trainIndices == data.train
        data = LabData(dataset: sessions[0].dataset, train: sessions[0].trainIndices, test: sessions[0].testIndices, edited: edited)
        controller = TrainingController(sessions: sessions, running: running)
        if started { controller.start() }
        state.focus = Swift.min(state.focus, sessions.count - 1)
        samplerCache = [:]
        adoptSession()
        armLessonMoment()
    }

    /// Clones the focused network into a new pane (the compare screen); the clone gets the focus.
    func clonePane() {
        guard panes.count < Self.maxPanes else { state.notice = "at most \(Self.maxPanes) networks side by side"; return }
        var newPanes = panes
        if newPanes.count == 1 && newPanes[0].name.isEmpty { newPanes[0].name = "first" }
        // A clone of "relu-2" is "relu-3", not "relu-2-2": the number goes on, the name stays.
        var base = newPanes[state.focus].name
        if let dash = base.lastIndex(of: "-"), base.index(after: dash) < base.endIndex,
           base[base.index(after: dash)...].allSatisfy(\.isNumber), dash > base.startIndex {
            base = String(base[..<dash])
        }
        var name = base + "-2"
        var n = 2
        while newPanes.contains(where: { $0.name == name }) { n += 1; name = "\(base)-\(n)" }
        newPanes.append(Pane(name: name, configuration: newPanes[state.focus].configuration))
        let focus = newPanes.count - 1
        rebuild(configuration, notice: "", panes: newPanes)
        guard panes.count == newPanes.count else { return }
        state.focus = focus
        adoptSession()
        state.notice = "cloned into \(name): change one of its settings and compare (g: next network, C: close it)"
    }

    /// Closes the focused pane.
    func closePane() {
        guard panes.count > 1 else { state.notice = "one network: nothing to close (c clones it)"; return }
        var newPanes = panes
        let closed = newPanes.remove(at: state.focus)
        state.focus = Swift.min(state.focus, newPanes.count - 1)
        rebuild(newPanes[state.focus].configuration, notice: "closed \(closed.name)", panes: newPanes)
    }

    /// Moves the focus to pane `i`.
    func focusPane(_ i: Int) {
        guard panes.count > 1 else { state.notice = "one network (c clones it to compare)"; return }
        guard i >= 0, i < panes.count else { state.notice = "there are \(panes.count) networks"; return }
        state.focus = i
        state.stepping = nil
        adoptSession()
        state.notice = "keys now change \(panes[i].name)"
    }

    /// Applies live settings (learning rate, batch, optimizer, L1/L2) without new weights.
    func applyLive(_ newConfiguration: SessionConfiguration, notice: String) {
        do {
            try newConfiguration.validate()
        } catch {
            state.notice = "cannot: \(error)"
            return
        }
        configuration = newConfiguration
        let settings = newConfiguration.settings
        controller.edit(state.focus) { $0.trainer.settings = settings }
        // Another rate, batch or optimizer: the lesson's claims are about its own.
        armLessonMoment()
        state.notice = notice
    }

    /// Trains `epochs` epochs on this thread (tests and goldens; only before `start()`).
    public func trainSynchronously(epochs: Int) {
        precondition(!started, "the training thread owns the session")
        controller.applyPendingEdits()
        for s in controller.sessions {
            for _ in 0..<epochs where s.runEpoch() {}
        }
        controller.refreshSnapshot()
    }
}
