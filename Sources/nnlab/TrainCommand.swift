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

        @Option(help: ArgumentHelp("After the report, also draw the hidden space, hidden[:LAYER[:I,J]] (the layer's units I and J, from 0; default hidden:1:0,1), or every layer's activations, gradients and update ratios: layers.",
                                   valueName: "hidden|layers"))
        var plot: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let plot, plot != "layers" { _ = try HiddenPlotSpec(plot, hiddenLayers: try options.configuration().hidden.map(\.units)) }
            if plot == "layers", try options.configuration().hidden.isEmpty { throw NNLabError("--plot layers: the network has no hidden layer") }
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
            if plot == "layers" {
                print("")
                print(Self.layersText(session, theme: theme))
            } else if let plot {
                let spec = try HiddenPlotSpec(plot, hiddenLayers: session.architecture.hidden.map(\.units))
                print("")
                print(HiddenPlotSpec.text(session, spec, theme: theme))
            }
            if let save {
                try ModelFile.save(session.network, to: save, extras: [("training", trainingJSON(session))])
                Console.error("saved the model to \(save.terminalSafeLine)\n")
            }
            if outcome.interrupted { throw ExitCode(130) }
            if session.hasDiverged { throw ExitCode(1) }
        }
    }
}

extension NNLab.Train {
    /// The layers view as text: a title, then one row per hidden layer (100 columns wide).
    static func layersText(_ session: TrainingSession, theme: Theme) -> String {
        let rows = Views.layerRows(probes: session.probeHistory.last ?? [], history: session.probeHistory, architecture: session.architecture)
        var buffer = Buffer(width: 100, height: rows.count + 1)
        LayerTable(rows: rows).render(into: &buffer, area: buffer.area, theme: theme)
        let initialization = session.configuration.weightInit ?? .default(for: session.architecture)
        let title = "every hidden layer (init \(initialization)): its activations' histogram, mean and std; the saturated or dead share; "
            + "std of dJ/da; std(grad W) / std(W); log10 ||update|| / ||W|| per epoch (about -3 is healthy)"
        return title + "\n" + (theme.hasColor ? buffer.ansiText : buffer.plainText)
    }
}

/// Runs `body`, prefixing an `NNLabError` with the flag it concerns.
func flagged<T>(_ flag: String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as NNLabError { throw NNLabError("\(flag): \(e.message)") }
}

/// `--plot hidden[:LAYER[:I,J]]`: which hidden layer (from 1, the lecture's a(2)) and which two
/// of its units (from 0).
struct HiddenPlotSpec {
    var layer = 0
    var units = (0, 1)

    init(_ text: String, hiddenLayers: [Int]) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts[0] == "hidden", parts.count <= 3 else {
            throw NNLabError("--plot: expected hidden, hidden:LAYER or hidden:LAYER:I,J, found \"\(text.terminalSafeLine)\"")
        }
        guard !hiddenLayers.isEmpty else { throw NNLabError("--plot: the network has no hidden layer to look into") }
        if parts.count >= 2 {
            guard let l = Int(parts[1]), (1...hiddenLayers.count).contains(l) else {
                throw NNLabError("--plot: hidden layer \(parts[1].terminalSafeLine) does not exist: the network has \(hiddenLayers.count) hidden layer\(hiddenLayers.count == 1 ? "" : "s") (1 to \(hiddenLayers.count))")
            }
            layer = l - 1
        }
        if parts.count == 3 {
            let n = hiddenLayers[layer]
            let pair = parts[2].split(separator: ",").map { Int($0) }
            guard pair.count == 2, let i = pair[0], let j = pair[1], (0..<n).contains(i), (0..<n).contains(j), i != j || n == 1 else {
                throw NNLabError("--plot: units \(parts[2].terminalSafeLine): give two different units from 0 to \(n - 1) of hidden layer \(layer + 1), like 0,1")
            }
            units = (i, j)
        }
    }

    /// The hidden-space view as text, with a title and a legend line.
    static func text(_ session: TrainingSession, _ spec: HiddenPlotSpec, theme: Theme, width: Int = 60, height: Int = 24) -> String {
        let points = Views.mapPoints(session.dataset, train: session.trainIndices, test: session.testIndices).filter { !$0.isTest || session.testIndices == session.trainIndices }
        guard let plot = Views.hiddenSpace(session.network, dataset: session.dataset, points: points, features: session.configuration.features,
                                           layer: spec.layer, units: spec.units) else { return "(no hidden space to draw)" }
        var buffer = Buffer(width: width, height: height)
        plot.render(into: &buffer, area: buffer.area, theme: theme)
        var title = "the hidden space: the training points at \(plot.xName) and \(plot.yName)"
        title += plot.lines.isEmpty ? "" : "; dotted: the input plane's grid lines mapped through the layer"
        if plot.boundary != nil { title += "; the line: where the output decides (z = 0)" }
        return title + "\n" + (theme.hasColor ? buffer.ansiText : buffer.plainText)
    }
}
