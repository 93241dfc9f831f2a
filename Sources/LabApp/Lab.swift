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
    public var locked: Set<String> = []
    /// Where `w` saves by default.
    public var modelPath = "nnlab-model.json"
    public init() {}
}

/// The interactive lab without its terminal: the lesson, the training controller, the view
/// state, and the reducer that turns key presses into changes. The terminal loop feeds it keys
/// and draws `compose(...)`; tests do the same with no terminal.
public final class Lab {
    /// The lesson open now.
    public private(set) var scenario: Scenario
    /// The configuration being trained (the lesson's, as changed in the lab).
    public internal(set) var configuration: SessionConfiguration
    /// The view state.
    public internal(set) var state = LabState()
    /// The training thread.
    public private(set) var controller: TrainingController
    /// The model training started from, if one was loaded.
    private var model: Network<Float>?
    /// Map points of the current data, cached.
    public private(set) var points: [MapPoint] = []
    private var samplerCache: GridSampler?
    private var workspaceCache: Workspace<Float>?
    /// Where the last frame drew the map's plot and which part of the plane it shows (for clicks).
    var mapGeometry: (plot: Rect, x: ClosedRange<Double>, y: ClosedRange<Double>)?
    /// The size of the last screen composed.
    var lastSize: (width: Int, height: Int)?
    /// The step-through's trace of the chosen example, and the point and weights it was made for.
    var stepTrace: (trace: Trace, point: Int, version: Int)?
    private let options: LabOptions
    private var started = false
    /// A model file being read on another thread (`o`).
    private var pendingLoad: ModelLoad?

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

    /// Called once a frame: installs a model that finished loading, notices a divergence and
    /// opens its explanation once.
    public func tick() {
        finishLoading()
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

    /// Handles one key press.
    public func handle(_ key: KeyEvent) {
        guard let action = KeyTable.action(for: key, in: state) else { return }
        // Below the smallest screen nothing is shown, so only quitting is taken.
        if let size = lastSize, size.width < Self.minimumSize.width || size.height < Self.minimumSize.height, action != .quit { return }
        if case .settingsMove = action {} else if case .promptType = action {} else { state.notice = nil }
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
            guard allowed("network") else { return }
            var c = configuration
            c.seed = Self.nextSeed(c.seed)
            rebuild(c, notice: "new seed \(c.seed): new initial weights")
        case .newData:
            guard allowed("data") else { return }
            guard case .generated(var spec) = configuration.data, spec.kind != .xorTable else {
                state.notice = "this data set has no random sample to draw again"
                return
            }
            var c = configuration
            spec.seed = Self.nextSeed(spec.seed)
            c.data = .generated(spec)
            rebuild(c, notice: "new sample of \(spec.kind.rawValue)")
        case .cycleView:
            if session.dataset.dimension == 1 {
                // 1-D: the curve with and without each unit's contribution.
                state.main = .curve
                state.showContributions = canShowContributions ? !state.showContributions : false
            } else if session.architecture.hidden.isEmpty {
                state.main = .map
                state.notice = "one neuron has no hidden units to show; the map it is"
                return
            } else {
                state.main = state.main == .map ? .units : .map
            }
            state.notice = "main panel: \(viewName)"
        case .nextActivation(let d): changeSetting(named: "activation", by: d)
        case .nextDataset(let d): changeSetting(named: "dataset", by: d)
        case .learningRate(let d): changeSetting(named: "learning rate", by: d)
        case .units(let d): changeSetting(named: "layer \(state.selectedLayer + 1) units", by: d)
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
            guard allowed("network") else { return }
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
        case .select(let x, let y): selectPoint(atColumn: x, row: y)
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
            guard state.settingsRow < rows.count else { return }
            changeSetting(named: rows[state.settingsRow].name, by: d)
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
        let ws = Workspace<Float>(architecture: architecture, capacity: 1)
        workspaceCache = ws
        return ws
    }

    var canShowContributions: Bool { session.architecture.hidden.count == 1 && session.dataset.dimension == 1 }

    /// The main panel's name for notices and the panel title.
    public var viewName: String {
        switch state.main {
        case .map: "decision map"
        case .units: "each hidden unit"
        case .curve: state.showContributions && canShowContributions ? "f, F and each unit's contribution" : "f and F"
        }
    }

    private func allowed(_ lock: String) -> Bool {
        if state.isLocked(lock) {
            state.notice = "\(lock.replacingOccurrences(of: "_", with: " ")) is locked by the lesson"
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
    func rebuild(_ newConfiguration: SessionConfiguration, notice: String) {
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

    private func install(_ session: TrainingSession, running: Bool) {
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

    // MARK: Files

    private func saveModel(to path: String) {
        do {
            let network = controller.snapshot.network
            let lesson = "{\"lesson\":\"\(scenario.name)\",\"epoch\":\(controller.snapshot.epoch)}"
            try ModelFile.save(network, to: path, extras: [("nnlab", lesson)])
            state.notice = "saved the model to \(path)"
        } catch {
            state.overlay = .message(title: "Cannot save", lines: ["\(error)", "", "The model was not written; nothing was overwritten."])
        }
    }

    /// Starts reading the model file on another thread: a large file takes seconds to parse,
    /// and the lab must answer keys (q) meanwhile. `tick` installs it when it is read.
    private func loadModel(from path: String) {
        let loading = ModelLoad(path: path)
        pendingLoad = loading
        state.notice = "loading \(path)..."
    }

    /// Installs a model read by `ModelLoad`, if one has finished (called every frame).
    func finishLoading() {
        guard let loading = pendingLoad, let result = loading.result else { return }
        pendingLoad = nil
        switch result {
        case .success(let network): adoptModel(network, from: loading.path)
        case .failure(let error): state.overlay = .message(title: "Cannot load the model", lines: ["\(error)"])
        }
    }

    /// Waits until a model being loaded is read and installs it (tests; the lab's loop
    /// polls through `tick` instead).
    public func waitForLoading() {
        while let loading = pendingLoad, loading.result == nil { usleep(1000) }
        finishLoading()
    }

    private func adoptModel(_ network: Network<Float>, from path: String) {
        do {
            var c = configuration
            let arch = network.architecture
            guard arch.inputs == session.architecture.inputs else {
                throw NNLabError("\(path): the model takes \(arch.inputs) inputs, but the data and features here give \(session.architecture.inputs)")
            }
            c.hidden = arch.hidden
            c.output = arch.output
            c.loss = arch.loss
            guard c.architecture(for: session.dataset) == arch else {
                throw NNLabError("\(path): the model has \(arch.outputs) output(s) for \(arch.output.rawValue), which does not fit the data here")
            }
            let newSession = try TrainingSession(c, model: network)
            configuration = c
            model = network
            install(newSession, running: false)
            state.notice = "loaded \(path): \(arch.description(arrow: "->"))"
        } catch {
            state.overlay = .message(title: "Cannot load the model", lines: ["\(error)"])
        }
    }
}

/// A model file read on its own thread, so that the lab's loop keeps answering keys.
final class ModelLoad: @unchecked Sendable {
    /// The file.
    let path: String
    private let outcome = Mutex<Result<Network<Float>, Error>?>(nil)

    /// Starts reading `path`.
    init(path: String) {
        self.path = path
        Thread.detachNewThread { [self] in
            let read = Result { try ModelFile.load(path) as Network<Float> }
            outcome.withLock { $0 = read }
        }
    }

    /// The model or the error, once the file is read; nil before.
    var result: Result<Network<Float>, Error>? { outcome.withLock { $0 } }
}
