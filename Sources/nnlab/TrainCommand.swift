import ArgumentParser
import Formatting
import Foundation
import LabApp
import LabRendering
import LabTerminal
import NeuralCore

extension NNLab {
    /// `nnlab train`: a headless training run with a report.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a network headless and report what it learned.",
            discussion: """
            Examples:
              nnlab train --dataset xor-table --layers 2 --activation logistic --lr 1 --batch 4 --epochs 3000 --seed 2
              nnlab train --dataset circles --layers none --features x1,x2,r --epochs 200
              nnlab train --dataset spirals --classes 3 --layers 100 --activation relu --lr 1 --batch 300 --l2 0.001 --epochs 2000
            Ctrl-C stops training and still prints the report (and saves, with --save); exit status 130.
            Exit status: 0 when training ends normally, 1 when it diverged, 2 for bad arguments or files.
            """)

        @OptionGroup var options: TrainingOptions

        @Option(parsing: .unconditional, help: "Epochs to train (at most 1,000,000).")
        var epochs: Int = 100

        @Option(name: .customLong("target-loss"), parsing: .unconditional, help: "Stop as soon as the training loss is at most this.")
        var targetLoss: Double?

        @Option(help: ArgumentHelp("Continue from a saved model (its layers replace --layers).", valueName: "model.json"),
                completion: Completions.model)
        var model: String?

        @Option(help: ArgumentHelp("Write one CSV row per epoch: every metric and probe.", valueName: "file.csv"),
                completion: Completions.csv)
        var log: String?

        @Option(help: ArgumentHelp("Save the trained model (atomic write).", valueName: "model.json"),
                completion: Completions.model)
        var save: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (1...1_000_000).contains(epochs) else { throw NNLabError("--epochs: must be between 1 and 1,000,000, found \(epochs)") }
            if let t = targetLoss { _ = try Parse.number(t, flag: "--target-loss") }
            _ = try options.configuration()
            // Destinations are checked before training, so a bad one does not lose the run.
            if let save { try flagged("--save") { try FileIO.checkWritable(save) } }
            if let log { try flagged("--log") { try FileIO.checkWritable(log) } }
        }

        func run() throws {
            let configuration = try options.configuration()
            let loaded: Network<Float>? = try model.map { try ModelFile.load($0) }
            let session = try TrainingSession(configuration, model: loaded)
            let style = OutputStyle.detect(ascii: output.ascii)
            let theme = Theme(colorMode: style.color ? .full : .mono, glyphs: style.unicode ? .unicodeSet : .asciiSet)
            let logFile = try log.map { path in try flagged("--log") { try CSVLog(path: path, session: session) } }
            let outcome = try HeadlessRun(session: session, epochs: epochs, targetLoss: targetLoss, log: logFile,
                                          progress: !output.quiet, unicode: style.unicode).run()
            print(TrainReport.render(session, outcome: outcome.text, theme: theme))
            if let save {
                try ModelFile.save(session.network, to: save, extras: [("training", trainingJSON(session))])
                Console.error("saved the model to \(save.terminalSafeLine)\n")
            }
            if outcome.interrupted { throw ExitCode(130) }
            if session.hasDiverged { throw ExitCode(1) }
        }
    }
}

/// Runs `body`, prefixing an `NNLabError` with the flag it concerns.
func flagged<T>(_ flag: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as NNLabError { throw NNLabError("\(flag): \(e.message)") }
}
