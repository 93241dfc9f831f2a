import Formatting
import Foundation
import LabRendering
import LabTerminal
import NeuralCore

/// Trains a session until a goal, with a progress line, the CSV log and Ctrl-C: the first
/// Ctrl-C stops training at the next step boundary and the report still follows.
struct HeadlessRun {
    let session: TrainingSession
    let epochs: Int
    let targetLoss: Double?
    let log: CSVLog?
    let progress: Bool
    let unicode: Bool

    /// How training ended, in words ("trained for 100 epochs", ...), and whether Ctrl-C did it.
    struct Outcome {
        var text: String
        var interrupted = false
    }

    /// Trains; returns the outcome.
    func run() throws -> Outcome {
        try log?.write(session)
        ProcessSignals.catchInterrupt()
        var line = Progress(enabled: progress)
        var outcome = Outcome(text: "trained for \(epochs) epoch\(epochs == 1 ? "" : "s")")
        let firstEpoch = session.trainer.epoch
        let tick = {
            line.update(progressLine())
            return !ProcessSignals.interrupted
        }
        while session.trainer.epoch - firstEpoch < epochs {
            let end = session.runEpoch(tick: tick)
            if end == .diverged { outcome.text = "stopped: training diverged"; break }
            if end == .finished { try log?.write(session) }
            if end == .stopped || ProcessSignals.interrupted {
                outcome = Outcome(text: "stopped by Ctrl-C at epoch \(session.trainer.epoch) of \(epochs)", interrupted: true)
                break
            }
            _ = tick()
            let m = session.metrics
            if let target = targetLoss, m.train.meanLoss <= target {
                outcome.text = "stopped at epoch \(m.epoch): the training loss \(NumberFormat.loss(m.train.meanLoss)) reached the target \(NumberFormat.loss(target))"
                break
            }
            if session.architecture.usesPerceptronRule, session.trainer.lastEpochMistakes == 0 {
                outcome.text = "stopped at epoch \(m.epoch): the perceptron rule converged (no mistakes in a whole epoch)"
                break
            }
        }
        line.finish()
        let seconds = line.elapsed
        let steps = session.trainer.stepCount
        let rate = seconds > 0 ? Double(steps) / seconds : 0
        Console.error("trained \(NumberFormat.grouped(steps)) steps in \(NumberFormat.fixed(seconds, decimals: 2, trim: false)) s "
                      + "(\(NumberFormat.grouped(Int(Swift.min(rate, 1e15)))) steps/s, including per-epoch evaluation)\n")
        try log?.close()
        return outcome
    }

    private func progressLine() -> String {
        let m = session.metrics
        let steps = session.trainer.stepCount
        var text = "[\(Progress.bar(Double(m.epoch) / Double(Swift.max(epochs, 1)), unicode: unicode))] epoch \(m.epoch)/\(epochs)"
        text += "  loss \(NumberFormat.fixed(m.train.meanLoss, decimals: 4, trim: false))"
        if let a = m.train.accuracy { text += "  accuracy \(NumberFormat.percent(a))" }
        return text + "  \(NumberFormat.grouped(steps)) steps"
    }
}
