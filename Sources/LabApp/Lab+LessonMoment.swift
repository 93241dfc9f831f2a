import Formatting
import Foundation
import Lessons
import NeuralCore
import Synchronization

/// The lesson's moment: a lesson with claims trains to its `epochs:` and pauses there, and the
/// lab shows its claims with the values and PASS/FAIL that `nnlab run` reports on that seed (the
/// runner's own lines, from a run of the same lesson on another thread). Space trains on past
/// it; the header says so. Any change of settings, data or weights leaves the lesson's moment.
final class LessonMoment: @unchecked Sendable {
    /// The lesson's epoch.
    let epoch: Int
    /// The claims' outcomes, once the run has finished (nil while it runs, or if it failed).
    private let results = Mutex<(done: Bool, lines: [String])>((false, []))
    /// The dialog was shown (once per arming).
    var shown = false

    /// The lesson measured.
    let scenario: Scenario
    /// The run was started.
    private var measuring = false

    init(epoch: Int, scenario: Scenario, reusing old: LessonMoment?) {
        self.epoch = epoch
        self.scenario = scenario
        if let old, old.scenario.name == scenario.name, old.epoch == epoch, let lines = old.lines {
            results.withLock { $0 = (true, lines) }
            measuring = true
        }
    }

    /// Starts measuring on another thread (once).
    func startMeasuring() {
        guard !measuring else { return }
        measuring = true
        let thread = Thread { [self] in measure(scenario) }
        thread.qualityOfService = .utility
        thread.start()
    }

    /// Measures on this thread unless a run was started (tests, before the training thread).
    func measureNow() {
        guard !measuring else { return }
        measuring = true
        measure(scenario)
    }

    /// The claims as `nnlab run` prints them, once known.
    var lines: [String]? {
        results.withLock { $0.done ? $0.lines : nil }
    }

    /// Runs `scenario` headless (on this thread) and keeps its claims' lines.
    func measure(_ scenario: Scenario) {
        var lines: [String]
        do {
            let run = try ScenarioRunner.run(scenario)
            lines = run.results.flatMap { $0.line.split(separator: "\n").map(String.init) }
            let passed = run.results.filter(\.passed).count
            lines.append("")
            lines.append("\(passed) of \(run.results.count) claim\(run.results.count == 1 ? "" : "s") hold (nnlab run \(scenario.name) prints the same).")
        } catch {
            lines = ["The claims could not be measured: \(error)"]
        }
        results.withLock { $0 = (true, lines) }
    }
}

extension Lab {
    /// Arms the lesson's moment when the lab shows the lesson as written (its networks, its data,
    /// from its weights) and the lesson has claims; otherwise disarms it.
    func armLessonMoment() {
        let asWritten = panes.map(\.configuration) == Self.panes(for: scenario).map(\.configuration) && !data.edited
        guard asWritten, !scenario.claims.isEmpty, scenario.epochs > 0, latestSnapshot.epoch < scenario.epochs else {
            lessonMoment = nil
            controller.pause(atEpoch: nil)
            return
        }
        let moment = LessonMoment(epoch: scenario.epochs, scenario: scenario, reusing: lessonMoment)
        lessonMoment = moment
        controller.pause(atEpoch: scenario.epochs)
        if started { moment.startMeasuring() }
    }

    /// Once training is at the lesson's epoch, shows the claims (once).
    func showLessonMomentIfReached() {
        guard let moment = lessonMoment, !moment.shown, latestSnapshot.epoch == moment.epoch, state.overlay == .none else { return }
        if !started { moment.measureNow() }
        guard let lines = moment.lines else { return }
        moment.shown = true
        state.overlay = .message(title: "The lesson's moment: epoch \(NumberFormat.grouped(moment.epoch))",
                                 lines: lines + ["", "Training paused at the moment the lesson's text describes; space trains on past it."])
    }

    /// The header's words at the lesson's epoch and after it ("at lesson epoch", "past
    /// lesson epoch"), after the training status.
    var lessonStatus: String? {
        guard let moment = lessonMoment else { return nil }
        let epoch = snapshot.epoch
        return epoch == moment.epoch ? "at lesson epoch" : epoch > moment.epoch ? "past lesson epoch" : nil
    }
}
