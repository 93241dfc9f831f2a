#if canImport(Glibc)
import Formatting
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// What the training thread is doing.
public enum TrainingStatus: Equatable, Sendable {
    /// Waiting for a command.
    case paused
    /// Taking steps.
    case running
    /// Stopped by itself: the loss became NaN or exploded (see `divergence`).
    case diverged
    /// Reached its goal (epochs, target loss, perceptron converged); the reason says which.
    case done(String)

    /// "running", "paused", "diverged", "done".
    public var name: String {
        switch self {
        case .paused: "paused"
        case .running: "running"
        case .diverged: "diverged"
        case .done: "done"
        }
    }
}

/// A consistent picture of a training run, for a screen to draw.
public struct TrainingSnapshot: Sendable {
    /// What the thread is doing.
    public var status: TrainingStatus
    /// A copy of the network's current weights.
    public var network: Network<Float>
    /// Metrics at the end of the last epoch.
    public var metrics: Metrics
    /// Metrics per epoch (thinned to at most `historyLimit` points for long runs).
    public var history: [Metrics]
    /// Probes of the current weights.
    public var probes: [LayerProbe]
    /// Probes per epoch, thinned like `history`.
    public var probeHistory: [[LayerProbe]]
    /// Steps taken.
    public var stepCount: Int
    /// Completed epochs.
    public var epoch: Int
    /// Mean loss of the last minibatch.
    public var lastBatchLoss: Double
    /// Steps per second over the last second of running (0 when paused).
    public var stepsPerSecond: Double
    /// The explanation when training diverged.
    public var divergence: String?
    /// The settings in force.
    public var settings: TrainingSettings
    /// Increases with every new snapshot.
    public var version: Int
    /// The checkpoints kept for scrubbing back (empty when the session keeps none).
    public var checkpoints: [Checkpoint] = []
    /// Training can resume from checkpoints at this step or later.
    public var resumableFrom = 0
    /// The last resume from a checkpoint, if any.
    public var rewind: TrainingSession.Rewind?
    /// After a divergence: the minibatch losses of the epoch that diverged, as (fractional
    /// epoch, loss), for the loss chart's climb.
    public var climb: [(epoch: Double, loss: Double)] = []
}

/// Runs one `TrainingSession`, or several in lockstep, on its own thread. Another thread sends
/// commands and reads snapshots; edits to a session are applied on the training thread between
/// steps. With several sessions (the lab's compare screen) every step steps each of them once,
/// so at every snapshot they have taken the same number of steps; one that diverges stops and
/// the others go on.
public final class TrainingController: @unchecked Sendable {
    /// Commands the training thread obeys.
    public enum Command: Sendable {
        case play, pause, toggle, step, epoch
        /// Every session goes back to this step (`TrainingSession.resume(atStep:)`), paused.
        case resume(atStep: Int)
    }

    private struct Shared {
        var commands: [Command] = []
        var edits: [(index: Int, edit: @Sendable (TrainingSession) -> Void)] = []
        /// The kind of each waiting edit (nil: none), so a newer one of a kind replaces it.
        var editKinds: [String?] = []
        /// Edits sent so far, and how many of them the thread had taken when it last finished
        /// applying edits (`waitForEdits`).
        var editsSent = 0
        var editsTaken = 0
        var snapshots: [TrainingSnapshot]
        var stop = false
        var speedLimit = 0
        /// Training pauses when the first session reaches this epoch (a lesson's moment).
        var pauseAtEpoch: Int?
    }

    /// Most history points a snapshot carries (older epochs are thinned).
    public static let historyLimit = 1000

    /// The sessions trained (touch them only through `edit`, or after `shutdown`).
    public let sessions: [TrainingSession]
    /// The first session.
    public var session: TrainingSession { sessions[0] }
    private let shared: Mutex<Shared>
    private let stopAtEpoch: Int?
    private let targetLoss: Double?
    private var thread: pthread_t?
    private var status: TrainingStatus

    /// A controller for `session`, paused or running. It stops by itself after `stopAtEpoch`
    /// epochs or when the training loss reaches `targetLoss`.
    public convenience init(session: TrainingSession, running: Bool, stopAtEpoch: Int? = nil, targetLoss: Double? = nil) {
        self.init(sessions: [session], running: running, stopAtEpoch: stopAtEpoch, targetLoss: targetLoss)
    }

    /// A controller for one or more sessions trained in lockstep (the goals apply to the first).
    public init(sessions: [TrainingSession], running: Bool, stopAtEpoch: Int? = nil, targetLoss: Double? = nil) {
        require(!sessions.isEmpty, "a controller needs a session")
        self.sessions = sessions
        self.stopAtEpoch = stopAtEpoch
        self.targetLoss = targetLoss
        let initial: TrainingStatus = running ? .running : .paused
        status = initial
        shared = Mutex(Shared(snapshots: sessions.map {
            Self.makeSnapshot($0, status: initial, probes: $0.probeHistory.last ?? [], stepsPerSecond: 0, version: 0)
        }))
    }

    deinit { shutdown() }

    /// Starts the training thread.
    public func start() {
        guard thread == nil else { return }
        let box = Unmanaged.passRetained(self)
        var tid = pthread_t()
        let result = pthread_create(&tid, nil, { raw in
            let controller = Unmanaged<TrainingController>.fromOpaque(raw!).takeRetainedValue()
            controller.loop()
            return nil
        }, box.toOpaque())
        require(result == 0, "cannot start the training thread")
        thread = tid
    }

    /// Sends a command; it takes effect within a few milliseconds.
    public func send(_ command: Command) {
        shared.withLock { $0.commands.append(command) }
    }

    /// Applies `edit` to session `index` (the first by default) on the training thread,
    /// between two steps.
    /// With a `kind`, a newer edit of that kind for the same session replaces one still waiting
    /// (the data editor's: only the latest points matter, and each edit holds a copy of them,
    /// so 10,000 quick keys must not queue 10,000 copies).
    public func edit(_ index: Int = 0, kind: String? = nil, _ edit: @escaping @Sendable (TrainingSession) -> Void) {
        shared.withLock { s in
            // The older one goes, the newer one joins at the end: the order of the rest holds.
            if let kind, let i = s.edits.indices.last(where: { s.edits[$0].index == index && s.editKinds[$0] == kind }) {
                s.edits.remove(at: i)
                s.editKinds.remove(at: i)
            }
            s.edits.append((index, edit))
            s.editKinds.append(kind)
            s.editsSent += 1
        }
    }

    /// Waits until the training thread has applied every edit sent before this call (at most
    /// `timeout`); returns false if it has not by then.
    @discardableResult
    public func waitForEdits(timeout: Duration = .seconds(30)) -> Bool {
        guard thread != nil else { applyPendingEdits(); return true }
        let sent = shared.withLock { $0.editsSent }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while shared.withLock({ $0.editsTaken }) < sent {
            guard clock.now < deadline else { return false }
            sleepMilliseconds(1)
        }
        return true
    }

    /// Training pauses once when the first session ends epoch `epoch` (nil: never).
    public func pause(atEpoch epoch: Int?) {
        shared.withLock { $0.pauseAtEpoch = epoch }
    }

    /// Limits running to `stepsPerSecond` steps a second (0: as fast as possible), so a class
    /// can watch the boundary move; single steps and whole epochs are not limited.
    public func setSpeedLimit(_ stepsPerSecond: Int) {
        shared.withLock { $0.speedLimit = Swift.max(0, stepsPerSecond) }
    }

    /// Applies the edits waiting for the thread now (only while it is not running: tests).
    public func applyPendingEdits() {
        require(thread == nil, "the training thread applies its own edits")
        let edits = shared.withLock { s in defer { s.edits.removeAll(); s.editKinds.removeAll() }; return s.edits }
        for e in edits where sessions.indices.contains(e.index) { e.edit(sessions[e.index]) }
    }

    /// Pauses training and returns once the snapshots show it paused (within about 10 ms; at
    /// most `timeout`), so that what a screen reads next is where training stopped.
    public func pauseAndWait(timeout: Duration = .milliseconds(300)) {
        guard thread != nil else {
            if status == .running { status = .paused }
            publish(rate: 0)
            return
        }
        send(.pause)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while snapshot.status == .running && clock.now < deadline { sleepMilliseconds(1) }
    }

    /// Sends every session back to `step` now, paused (only while the thread is not running:
    /// tests; the lab sends `.resume`).
    public func resumeNow(atStep step: Int) {
        require(thread == nil, "the training thread resumes its own sessions")
        for s in sessions { try? s.resume(atStep: step) }
        status = .paused
        publish(rate: 0)
    }

    /// Takes a new snapshot of the session now (only while the thread is not running: tests
    /// train synchronously, then draw).
    public func refreshSnapshot() {
        require(thread == nil, "the training thread publishes its own snapshots")
        publish(rate: 0)
    }

    /// The latest snapshot of the first session.
    public var snapshot: TrainingSnapshot { shared.withLock { $0.snapshots[0] } }

    /// The latest snapshots of every session, taken together.
    public var snapshots: [TrainingSnapshot] { shared.withLock { $0.snapshots } }

    /// Stops the thread and waits for it.
    public func shutdown() {
        guard let t = thread else { return }
        shared.withLock { $0.stop = true }
        pthread_join(t, nil)
        thread = nil
    }

    // MARK: The training thread

    private func loop() {
        let clock = ContinuousClock()
        var pendingSteps = 0
        var pendingEpoch = false
        var lastPublish = clock.now
        var stepsAtPublish = session.trainer.stepCount
        var rate = 0.0
        var dirty = true
        // Speed limit: a budget of steps that refills at `limit` per second.
        var budget = 0.0
        var lastRefill = clock.now
        while true {
            let (commands, edits, stop, limit, pauseAt, sent) = shared.withLock { s -> ([Command], [(index: Int, edit: @Sendable (TrainingSession) -> Void)], Bool, Int, Int?, Int) in
                defer { s.commands.removeAll(); s.edits.removeAll(); s.editKinds.removeAll() }
                return (s.commands, s.edits, s.stop, s.speedLimit, s.pauseAtEpoch, s.editsSent)
            }
            if stop { break }
            for e in edits where sessions.indices.contains(e.index) { e.edit(sessions[e.index]); dirty = true }
            if !edits.isEmpty { shared.withLock { $0.editsTaken = sent } }
            for command in commands {
                dirty = true
                switch command {
                case .play: if canTrain { status = .running }
                case .pause: if status == .running { status = .paused }
                case .toggle:
                    if status == .running { status = .paused } else if canTrain { status = .running }
                case .step: if canTrain { pendingSteps += 1; status = status == .running ? .running : .paused }
                case .epoch: if canTrain { pendingEpoch = true }
                case .resume(let step):
                    for s in sessions { try? s.resume(atStep: step) }
                    status = .paused
                    pendingSteps = 0
                    pendingEpoch = false
                }
            }
            let refillTime = clock.now
            if limit > 0 {
                budget = Swift.min(Double(limit) / 10 + 1, budget + Double(limit) * ((refillTime - lastRefill) / .seconds(1)))
            }
            lastRefill = refillTime
            let limited = limit > 0 && pendingSteps == 0 && !pendingEpoch
            let working = (status == .running && (!limited || budget >= 1)) || pendingSteps > 0 || pendingEpoch
            if working {
                let started = clock.now
                let deadline = started.advanced(by: .milliseconds(8))
                var taken = 0
                // Tiny networks look at the clock every 64 steps (it costs a fraction of a
                // step); a network whose step takes more than 50 us after every one, so a stop
                // or a key waits for one step, not 64 (two seconds for eight layers of 512).
                var slow = false
                repeat {
                    let epochBefore = session.trainer.epoch
                    if !stepAll() { status = .diverged; break }
                    taken += 1
                    if taken == 1 { slow = clock.now - started > .microseconds(50) }
                    if limited { budget -= 1; if budget < 1 { break } }
                    if pendingSteps > 0 { pendingSteps -= 1 }
                    if session.trainer.epoch != epochBefore {
                        pendingEpoch = false
                        if let reason = goalReached() { status = .done(reason); break }
                        if let p = pauseAt, session.trainer.epoch == p {
                            shared.withLock { $0.pauseAtEpoch = nil }
                            status = .paused
                            pendingSteps = 0
                            break
                        }
                    }
                    if status != .running && pendingSteps == 0 && !pendingEpoch { break }
                } while (!slow && taken & 63 != 0) || clock.now < deadline
                dirty = true
            }
            let now = clock.now
            let sincePublish = (now - lastPublish) / .seconds(1)
            if dirty && (sincePublish >= 1.0 / 30 || !(status == .running)) {
                var alive = false
                for s in sessions where s.checkDivergence() { alive = true }
                if !alive { status = .diverged }
                let steps = session.trainer.stepCount - stepsAtPublish
                if status == .running || steps > 0 {
                    let instant = sincePublish > 0 ? Double(steps) / sincePublish : 0
                    rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant
                }
                if status != .running { rate = 0 }
                publish(rate: rate)
                lastPublish = now
                stepsAtPublish = session.trainer.stepCount
                dirty = false
            }
            // Paused, the thread looks for commands every 10 ms (a key waits at most that):
            // waking every 2 ms cost a paused lab about 1% of a core.
            if !working { sleepMilliseconds(status == .running ? (limited ? 1 : 2) : 10) }
        }
    }

    private var canTrain: Bool {
        switch status {
        case .diverged, .done: false
        default: sessions.contains { !$0.hasDiverged }
        }
    }

    /// One step of every session that has not diverged; false when none could step.
    private func stepAll() -> Bool {
        if sessions.count == 1 { return session.step() }
        var stepped = false
        for s in sessions where !s.hasDiverged {
            if s.step() { stepped = true }
        }
        return stepped
    }

    private func goalReached() -> String? {
        let m = session.metrics
        if let n = stopAtEpoch, m.epoch >= n { return "reached \(n) epoch\(n == 1 ? "" : "s")" }
        if let target = targetLoss, m.train.meanLoss <= target {
            return "training loss \(NumberFormat.loss(m.train.meanLoss)) reached the target \(NumberFormat.loss(target))"
        }
        if session.architecture.usesPerceptronRule, session.trainer.lastEpochMistakes == 0 {
            return "the perceptron rule converged: no mistakes in epoch \(m.epoch)"
        }
        return nil
    }

    private func publish(rate: Double) {
        let version = shared.withLock { $0.snapshots[0].version } + 1
        let snapshots = sessions.map { s in
            Self.makeSnapshot(s, status: status, probes: s.probes(), stepsPerSecond: rate, version: version)
        }
        shared.withLock { $0.snapshots = snapshots }
    }

    private static func makeSnapshot(_ session: TrainingSession, status: TrainingStatus, probes: [LayerProbe],
                                     stepsPerSecond: Double, version: Int) -> TrainingSnapshot {
        let status: TrainingStatus = session.hasDiverged ? .diverged : status
        return TrainingSnapshot(
            status: status, network: session.network, metrics: session.metrics,
            history: thin(session.history), probes: probes, probeHistory: thin(session.probeHistory),
            stepCount: session.trainer.stepCount, epoch: session.trainer.epoch,
            lastBatchLoss: session.trainer.lastBatchLoss, stepsPerSecond: stepsPerSecond,
            divergence: session.divergence, settings: session.trainer.settings, version: version,
            checkpoints: session.timeline?.checkpoints ?? [], resumableFrom: session.timeline?.resumableFrom ?? 0,
            rewind: session.rewind, climb: session.hasDiverged ? session.climb : [])
    }

    /// At most `historyLimit` evenly spaced entries, always keeping the last.
    static func thin<T>(_ items: [T]) -> [T] {
        guard items.count > historyLimit else { return items }
        let stride = (items.count + historyLimit - 1) / historyLimit
        var out = Swift.stride(from: 0, to: items.count - 1, by: stride).map { items[$0] }
        out.append(items[items.count - 1])
        return out
    }
}

/// Sleeps the calling thread.
func sleepMilliseconds(_ ms: Int) {
    var ts = timespec(tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000)
    nanosleep(&ts, nil)
}
