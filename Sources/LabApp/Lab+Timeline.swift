import Formatting
import NeuralCore

/// Scrubbing back through training: the checkpoints each session keeps, the timeline keys,
/// and resuming from a checkpoint.
extension Lab {
    /// Most memory the checkpoints of all the networks take together (`--checkpoint-memory`;
    /// the help states it).
    public var checkpointBudget: Int { options.checkpointMegabytes << 20 }

    /// Turns on the checkpoints of new sessions: the networks share the budget.
    func keepCheckpoints(_ sessions: [TrainingSession]) {
        for s in sessions { s.keepCheckpoints(budget: checkpointBudget / Swift.max(1, sessions.count)) }
    }

    /// The snapshots the screens draw, one per network: the latest, or while scrubbing, each
    /// network at the checkpoint shown (the last at or before its step).
    public var shownSnapshots: [TrainingSnapshot] {
        let latest = controller.snapshots
        guard let step = state.scrubStep else { return latest }
        return latest.map { Self.snapshot($0, atStep: step) }
    }

    /// `s` as it was at its last checkpoint at or before `step`: the weights, metrics, probes and
    /// settings of then, the history up to then, paused.
    static func snapshot(_ s: TrainingSnapshot, atStep step: Int) -> TrainingSnapshot {
        guard let i = s.checkpoints.index(atOrBefore: step) else { return s }
        let c = s.checkpoints[i]
        var out = s
        out.status = .paused
        out.network = c.network
        out.metrics = c.metrics
        out.probes = c.probes
        let kept = s.history.prefix { $0.step <= c.step }.count
        out.history = Array(s.history.prefix(kept))
        out.probeHistory = Array(s.probeHistory.prefix(kept))
        // The history is thinned for long runs: the curves still end at the checkpoint.
        if out.history.last?.step != c.step {
            out.history.append(c.metrics)
            out.probeHistory.append(c.probes)
        }
        out.stepCount = c.step
        out.epoch = c.epoch
        out.lastBatchLoss = c.lastBatchLoss
        out.stepsPerSecond = 0
        out.divergence = nil
        out.settings = c.settings
        out.rewind = nil
        // Negative: never the version of a live snapshot (the step-through's trace follows it).
        out.version = -(c.step + 1)
        return out
    }

    /// The index of the checkpoint shown, or nil when the latest state is.
    func shownCheckpoint(_ s: TrainingSnapshot) -> Int? {
        state.scrubStep.flatMap { s.checkpoints.index(atOrBefore: $0) }
    }

    /// Moves the timeline `d` checkpoints (back if negative); training pauses. Past the latest
    /// checkpoint the latest state is shown again.
    func scrub(by d: Int) {
        if state.scrubStep == nil {
            guard d < 0 else { state.notice = "this is the latest state (left goes back)"; return }
            controller.pauseAndWait()
        }
        let s = controller.snapshots[Swift.min(state.focus, controller.snapshots.count - 1)]
        let checkpoints = s.checkpoints
        guard !checkpoints.isEmpty else { state.notice = "no checkpoints yet"; return }
        // The latest state is a checkpoint unless training is inside an epoch.
        let current = shownCheckpoint(s) ?? (s.stepCount > checkpoints[checkpoints.count - 1].step ? checkpoints.count : checkpoints.count - 1)
        let target = current + d
        if target > checkpoints.count - 1 && state.scrubStep != nil {
            showLatest()
            return
        }
        show(checkpoint: Swift.min(checkpoints.count - 1, Swift.max(0, target)), of: checkpoints)
    }

    /// The checkpoint nearest to `epoch` (a click on the timeline); training pauses.
    func scrub(toEpoch epoch: Double) {
        if state.scrubStep == nil { controller.pauseAndWait() }
        let s = controller.snapshots[Swift.min(state.focus, controller.snapshots.count - 1)]
        func distance(_ i: Int) -> Double { Swift.abs(Double(s.checkpoints[i].epoch) - epoch) }
        guard let i = s.checkpoints.indices.min(by: { distance($0) < distance($1) }) else { return }
        show(checkpoint: i, of: s.checkpoints)
    }

    /// The first checkpoint (`latest` false, training pauses) or the latest state.
    func scrubToEnd(latest: Bool) {
        if latest {
            guard state.scrubStep != nil else { state.notice = "this is the latest state"; return }
            showLatest()
            return
        }
        if state.scrubStep == nil { controller.pauseAndWait() }
        let s = controller.snapshots[Swift.min(state.focus, controller.snapshots.count - 1)]
        guard !s.checkpoints.isEmpty else { state.notice = "no checkpoints yet"; return }
        show(checkpoint: 0, of: s.checkpoints)
    }

    private func show(checkpoint i: Int, of checkpoints: [Checkpoint]) {
        state.scrubStep = checkpoints[i].step
        state.resuming = nil
        state.notice = "checkpoint \(i + 1)/\(checkpoints.count), epoch \(NumberFormat.grouped(checkpoints[i].epoch)): "
            + "b takes training back here, end returns to the latest"
    }

    private func showLatest() {
        state.scrubStep = nil
        state.resuming = nil
        let s = controller.snapshots[Swift.min(state.focus, controller.snapshots.count - 1)]
        state.notice = "the latest state: epoch \(NumberFormat.grouped(s.epoch)) (space plays on)"
    }

    /// `b`: training resumes from the checkpoint shown; what came after it is dropped. On the
    /// compare screen every network goes back to the same step.
    func resumeFromShown() {
        guard let step = state.scrubStep else {
            state.notice = "go back first (left arrow, <, home); b then takes training back to the checkpoint shown"
            return
        }
        let latest = controller.snapshots
        if let edited = latest.first(where: { step < $0.resumableFrom }) {
            state.notice = "the points were edited at step \(NumberFormat.grouped(edited.resumableFrom)): resume from a later checkpoint"
            return
        }
        let s = latest[Swift.min(state.focus, latest.count - 1)]
        let shown = Self.snapshot(s, atStep: step)
        let dropped = s.epoch - shown.epoch
        if started {
            controller.send(.resume(atStep: step))
            state.resuming = step
        } else {
            controller.resumeNow(atStep: step)
            state.scrubStep = nil
        }
        state.notice = "back at epoch \(NumberFormat.grouped(shown.epoch)): \(NumberFormat.grouped(dropped)) later "
            + "epoch\(dropped == 1 ? "" : "s") dropped; change a setting or press space to train on"
    }

    /// Once training has gone back to the checkpoint (`b`), the latest state is shown again.
    func finishResuming() {
        guard let target = state.resuming else { return }
        let s = controller.snapshots[0]
        if s.rewind?.step == target && s.stepCount == target {
            state.resuming = nil
            state.scrubStep = nil
        }
    }
}
