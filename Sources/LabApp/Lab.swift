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
    public init() {}
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
    /// The configuration being trained (the lesson's, as changed in the lab).
    public internal(set) var configuration: SessionConfiguration
    /// The view state.
    public internal(set) var state = LabState()
    /// The training thread.
    public private(set) var controller: TrainingController
    /// The model training started from, if one was loaded.
    var model: Network<Float>?
    /// Map points of the current data, cached.
    public private(set) var points: [MapPoint] = []
    private var samplerCache: GridSampler?
    private var workspaceCache: Workspace<Float>?
    /// The step-through's trace of the chosen example (made by the reducer, not by drawing).
    var stepTrace: StepTrace?
    private let options: LabOptions
    private var started = false
    /// A model file being read on another thread (`o`).
    var pendingLoad: ModelLoad?

    /// The lab on `scenario`; the training thread starts with `start()`.
    public init(scenario: Scenario, options: LabOptions = LabOptions()) throws {
        self.scenario = scenario
        self.options = options
        configuration = scenario.configuration
        model = try scenario.modelPath.map { try ModelFile.load($0) }
        let session = try TrainingSession(configuration, model: model)
        controller = TrainingController(session: session, running: !(options.paused || scenario.view.paused))
        applyView(scenario.view)
        adoptSession()
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
    private func fitMainView() {
        if session.dataset.dimension == 1 { state.main = .curve }
        else if state.main == .curve || (state.main == .units && session.architecture.hidden.isEmpty) { state.main = .map }
    }

    /// Brings the view state in line with a new session: its points, layers and status.
    private func adoptSession() {
        controller.setSpeedLimit(state.speed)
        let newPoints = Views.mapPoints(session.dataset, train: session.trainIndices, test: session.testIndices)
        if newPoints != points { state.selectedPoint = nil }
        points = newPoints
        state.selectedLayer = Swift.min(state.selectedLayer, Swift.max(0, session.architecture.hidden.count - 1))
        state.divergenceShown = controller.snapshot.status == .diverged
        fitMainView()
    }

    /// Starts the training thread.
    public func start() {
        started = true
        controller.start()
    }

    /// Stops the training thread.
    public func stop() { controller.shutdown() }

    /// The session being trained (read it through snapshots while the thread runs).
    public var session: TrainingSession { controller.session }

    /// Called once a frame: installs a model that finished loading, brings the step-through's
    /// trace up to date, notices a divergence and opens its explanation once.
    public func tick() {
        finishLoading()
        refreshTrace()
        let snapshot = controller.snapshot
        let diverged = snapshot.status == .diverged
        if diverged && !state.divergenceShown {
            var lines = [snapshot.divergence ?? "the loss stopped being a finite number", ""]
            lines += Self.divergenceAdvice(configuration)
            state.overlay = .message(title: "Training diverged", lines: lines)
        }
        state.divergenceShown = diverged
    }

    static func divergenceAdvice(_ c: SessionConfiguration) -> [String] {
        var lines = ["Training is paused. What to try:"]
        lines.append("  [  lower the learning rate (now \(NumberFormat.compact(c.settings.learningRate))), then r to reset")
        if case .adam = c.settings.optimizer {} else { lines.append("  s  choose the adam optimizer in the settings") }
        return lines
    }

    // MARK: The reducer

    /// Handles one key press on the last frame drawn (its map takes clicks; below the
    /// smallest screen only q acts). Without a frame, clicks do nothing.
    public func handle(_ key: KeyEvent, in frame: Frame? = nil) {
        guard let action = KeyTable.action(for: key, in: state) else { return }
        if frame?.isTooSmall == true, action != .quit { return }
        if case .settingsMove = action {} else if case .promptType = action {} else { state.notice = nil }
        if case .select(let x, let y) = action {
            selectPoint(atColumn: x, row: y, in: frame)
            return
        }
        perform(action)
    }

    /// Does what `action` asks.
    public func perform(_ action: LabAction) {
        switch action {
        case .togglePlay: controller.send(.toggle)
        case .step: controller.send(.step)
        case .epoch: controller.send(.epoch)
        case .quit: state.quit = true
        case .reset: rebuild(configuration, notice: "reset to the same initial weights")
        case .newSeed:
            guard allowed(.network) else { return }
            var c = configuration
            c.seed = Self.nextSeed(c.seed)
            rebuild(c, notice: "new seed \(c.seed): new initial weights")
        case .newData:
            guard allowed(.data) else { return }
            guard case .generated(var spec) = configuration.data, spec.kind != .xorTable else {
                state.notice = "this data set has no random sample to draw again"
                return
            }
            var c = configuration
            spec.seed = Self.nextSeed(spec.seed)
            c.data = .generated(spec)
            rebuild(c, notice: "new sample of \(spec.kind.rawValue)")
        case .cycleView:
            let canShow = Views.canShowContributions(session.architecture, dataset: session.dataset)
            if session.dataset.dimension == 1 {
                // 1-D: the curve with and without each unit's contribution.
                state.main = .curve
                state.showContributions = canShow ? !state.showContributions : false
            } else if session.architecture.hidden.isEmpty {
                state.main = .map
                state.notice = "one neuron has no hidden units to show; the map it is"
                return
            } else {
                state.main = state.main == .map ? .units : .map
            }
            state.notice = "main panel: \(Views.mainViewName(state, canShowContributions: canShow))"
        case .change(let setting, let d): change(setting, by: d)
        case .changeUnits(let d): change(.units(layer: state.selectedLayer), by: d)
        case .selectLayer(let d):
            let n = configuration.hidden.count
            guard n > 0 else { state.notice = "this network has no hidden layer"; return }
            state.selectedLayer = (state.selectedLayer + d + n) % n
            state.notice = "layer panel: hidden layer \(state.selectedLayer + 1) (a(\(state.selectedLayer + 2)))"
        case .openSettings:
            state.overlay = .settings
            let rows = settingRows()
            if state.settingsRow >= rows.count || rows[state.settingsRow].isHeading { state.settingsRow = rows.firstIndex { !$0.isHeading } ?? 0 }
        case .openHelp: state.overlay = .help
        case .openLessons:
            state.overlay = .lessons
            state.lessonRow = ShippedLessons.names.firstIndex(of: scenario.name) ?? 0
        case .save: state.overlay = .prompt(.save, text: Self.freeName(options.modelPath))
        case .load:
            guard allowed(.network) else { return }
            state.overlay = .prompt(.load, text: options.modelPath)
        case .toggleTest:
            state.showTest.toggle()
            state.notice = state.showTest ? "test points shown" : "test points hidden"
        case .toggleDiscretize:
            state.discretize.toggle()
            state.notice = state.discretize ? "hard class regions" : "confidence shading"
        case .scrollLesson(let d): state.lessonScroll = Swift.max(0, state.lessonScroll + d * 3)
        case .redraw: break
        case .stepThrough: openStepThrough()
        case .select: break  // needs the frame: `handle(_:in:)`
        case .stepMove, .stepLayer, .stepEnd, .stepUnitMode, .stepUnit, .stepPoint, .stepCycle, .stepClose:
            performStep(action)
        case .closeOverlay: state.overlay = .none
        case .settingsMove(let d):
            let rows = settingRows()
            var i = state.settingsRow
            repeat { i = (i + d + rows.count) % rows.count } while rows[i].isHeading
            state.settingsRow = i
        case .settingsChange(let d):
            let rows = settingRows()
            guard state.settingsRow < rows.count, let setting = rows[state.settingsRow].setting else { return }
            change(setting, by: d)
        case .lessonMove(let d):
            let n = ShippedLessons.names.count
            state.lessonRow = Swift.min(n - 1, Swift.max(0, state.lessonRow + d))
        case .lessonOpen:
            let name = ShippedLessons.names[state.lessonRow]
            do { try open(ShippedLessons.load(name)) } catch { state.overlay = .message(title: "Cannot open the lesson", lines: ["\(error)"]) }
        case .promptType(let c):
            if case .prompt(let kind, let text) = state.overlay, kind != .replace, text.count < 200 { state.overlay = .prompt(kind, text: text + String(c)) }
        case .promptErase:
            if case .prompt(let kind, let text) = state.overlay, kind != .replace { state.overlay = .prompt(kind, text: String(text.dropLast())) }
        case .promptConfirm:
            guard case .prompt(let kind, let text) = state.overlay else { return }
            state.overlay = .none
            let path = text.trimmingCharacters(in: .whitespaces)
            guard !path.isEmpty else { state.notice = "no file name given"; return }
            switch kind {
            case .save where FileIO.isFile(path):
                // Never lose a saved model without being asked.
                state.overlay = .prompt(.replace, text: path)
            case .save, .replace: saveModel(to: path)
            case .load: loadModel(from: path)
            }
        }
    }

    /// Opens another lesson.
    public func open(_ lesson: Scenario) throws {
        let newModel = try lesson.modelPath.map { try ModelFile.load($0) as Network<Float> }
        let session = try TrainingSession(lesson.configuration, model: newModel)
        scenario = lesson
        model = newModel
        configuration = lesson.configuration
        install(session, running: !lesson.view.paused)
        applyView(lesson.view)
        state.overlay = .none
        state.notice = "opened \(lesson.name)"
    }

    // MARK: Drawing

    /// The screen at `width` x `height`: the dashboard or the step-through, with the open
    /// overlay; below `minimumSize`, a request to enlarge the terminal.
    public func render(width: Int, height: Int, theme: Theme) -> Frame {
        guard width >= Self.minimumSize.width, height >= Self.minimumSize.height else {
            return Self.enlargeFrame(width: width, height: height, theme: theme)
        }
        let context = screenContext()
        return state.stepping != nil
            ? StepScreen(context: context).render(width: width, height: height, theme: theme)
            : DashboardScreen(context: context).render(width: width, height: height, theme: theme)
    }

    /// The screen's cells (tests and goldens compare them).
    public func compose(width: Int, height: Int, theme: Theme) -> Buffer {
        render(width: width, height: height, theme: theme).buffer
    }

    /// What the screens read this frame.
    func screenContext() -> ScreenContext {
        let snapshot = controller.snapshot
        return ScreenContext(scenario: scenario, configuration: configuration, dataset: session.dataset, trainIndices: session.trainIndices,
                             points: points, snapshot: snapshot, state: state, trace: stepTrace?.trace,
                             settingRows: state.overlay == .settings ? settingRows() : [],
                             sampler: sampler, exampleWorkspace: singleWorkspace(snapshot.network.architecture))
    }

    private static func enlargeFrame(width: Int, height: Int, theme: Theme) -> Frame {
        var frame = Frame(width: width, height: height)
        frame.isTooSmall = true
        let lines = ["Please enlarge the terminal", "to at least \(minimumSize.width)x\(minimumSize.height)",
                     "(now \(width)x\(height)).", "", "q quits"]
        let top = Swift.max(0, (height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < height {
            let x = Swift.max(0, (width - displayWidth(line)) / 2)
            frame.buffer.put(line, x: x, y: top + i, style: i == 0 ? theme.title : .plain, clip: frame.buffer.area)
        }
        return frame
    }

    /// A grid sampler for the network being trained (made again when the network changes).
    var sampler: GridSampler {
        let arch = session.architecture, features = configuration.features, dimension = session.dataset.dimension
        if let s = samplerCache, s.architecture == arch, s.features == features, s.dimension == dimension { return s }
        let s = GridSampler(architecture: arch, features: features, dimension: dimension)
        samplerCache = s
        return s
    }

    /// A workspace for one example of `architecture` (the network diagram's node shading).
    func singleWorkspace(_ architecture: Architecture) -> Workspace<Float> {
        if let ws = workspaceCache, ws.shapes == architecture.shapes { return ws }
        // The architecture is the session's, validated when it was built.
        let ws = try! Workspace<Float>(architecture: architecture, capacity: 1)
        workspaceCache = ws
        return ws
    }

    private func allowed(_ lock: Lock) -> Bool {
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
    func rebuild(_ requested: SessionConfiguration, notice: String) {
        // A lesson's hand-set weights survive a reset; a new seed or another shape draws weights.
        var newConfiguration = requested
        if newConfiguration.initialWeights != nil,
           newConfiguration.seed != configuration.seed || newConfiguration.architecture(for: session.dataset) != session.architecture {
            newConfiguration.initialWeights = nil
        }
        do {
            try newConfiguration.validate()
            let keepModel = model.flatMap { m in newConfiguration.architecture(for: session.dataset) == m.architecture && newConfiguration.data == configuration.data ? m : nil }
            let newSession = try TrainingSession(newConfiguration, model: keepModel)
            let running = controller.snapshot.status == .running
            configuration = newConfiguration
            model = keepModel
            install(newSession, running: running)
            state.notice = notice
        } catch {
            state.notice = "cannot: \(error)"
        }
    }

    func install(_ session: TrainingSession, running: Bool) {
        controller.shutdown()
        controller = TrainingController(session: session, running: running)
        if started { controller.start() }
        adoptSession()
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
        controller.edit { $0.trainer.settings = settings }
        state.notice = notice
    }

    /// Trains `epochs` epochs on this thread (tests and goldens; only before `start()`).
    public func trainSynchronously(epochs: Int) {
        precondition(!started, "the training thread owns the session")
        for _ in 0..<epochs where session.runEpoch() {}
        controller.refreshSnapshot()
    }
}
