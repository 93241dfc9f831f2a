import ArgumentParser
import Formatting
import Foundation
import LabRendering
import NeuralCore

/// Options shared by `grad` and `gradcheck`: a model, a data file, regularisation.
struct ModelAndData: ParsableArguments {
    @Option(help: "Model file (nnlab-model JSON).", completion: Completions.model)
    var model: String

    @Option(help: "Data CSV: a header line, then per row the model's inputs and the target.", completion: Completions.csv)
    var data: String

    @Option(parsing: .unconditional, help: "L2 regularisation lambda: adds (lambda/2) sum ||W(l)||^2 (weights only).")
    var l2: Double = 0

    @Option(parsing: .unconditional, help: "L1 regularisation: adds lambda1 sum |W(l)| (weights only).")
    var l1: Double = 0

    @Option(help: "train: batch norm normalises by the statistics of all the examples as one batch; eval: by its running statistics, and no dropout.")
    var mode: String = "train"

    @Option(help: "Dropout's seed in train mode (without it, dropout is off).")
    var seed: UInt64?

    /// The pass mode the flags ask for.
    func passMode() throws -> PassMode {
        switch mode.lowercased() {
        case "train", "training": return .training(dropoutSeed: seed)
        case "eval", "evaluation", "test":
            if seed != nil { throw NNLabError("--seed draws dropout's masks, which only --mode train uses") }
            return .evaluation
        default: throw NNLabError("--mode: expected train or eval, found \"\(mode.quotedForMessage())\"")
        }
    }

    /// The model in double precision and its examples, checked against each other.
    func load() throws -> (Network<Double>, Examples<Double>) {
        _ = try Parse.number(l2, flag: "--l2")
        _ = try Parse.number(l1, flag: "--l1")
        _ = try passMode()
        let network: Network<Double> = try ModelFile.load(model)
        let examples = try CSVTable.load(data).examples(for: network.architecture)
        if let problem = examples.incompatibility(with: network.architecture) {
            throw NNLabError("\(data): \(problem)")
        }
        return (network, examples)
    }
}

extension NNLab {
    /// `nnlab grad`: J(W, b) and its gradient as JSON, in double precision.
    struct Grad: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the loss and its gradient for every layer as JSON (double precision).",
            discussion: """
            Output: {"loss": J, "mode": "train", "layers": [{"dW": [[...]], "db": [...]}, ...]}
            J is the mean loss over the file's examples plus (lambda/2) sum ||W(l)||^2; dW and db
            are shaped like the model's W and b; a layer with a norm also has "dgamma" and "dbeta".
            In train mode batch norm uses the statistics of all the examples as one batch.
            """)

        @OptionGroup var input: ModelAndData

        func run() throws {
            let (network, examples) = try input.load()
            let mode = try input.passMode()
            let (loss, gradient) = network.lossAndGradient(examples, l1: input.l1, l2: input.l2, mode: mode)
            // JSON has no NaN or infinity: a result that is not a finite number is an error.
            guard loss.isFinite, gradient.allSatisfy(\.isFinite) else {
                Console.error("nnlab: \(input.model.terminalSafeLine) on \(input.data.terminalSafeLine): the "
                              + (loss.isFinite ? "gradient" : "loss (\(loss))") + " is not a finite number: "
                              + "the weights or the inputs are too large for double precision\n")
                throw ExitCode(1)
            }
            var layers: [String] = []
            for s in network.shapes {
                let rows = (0..<s.rows).map { r in
                    "[" + (0..<s.inputs).map { jsonNumber(gradient[s.weightOffset + r * s.inputs + $0]) }.joined(separator: ", ") + "]"
                }
                var layer = "{\"dW\": [" + rows.joined(separator: ", ") + "]"
                for part in TensorPart.of(s).dropFirst() {
                    let (offset, count) = part.range(in: s)
                    layer += ", \"\(part.gradientName)\": [" + (0..<count).map { jsonNumber(gradient[offset + $0]) }.joined(separator: ", ") + "]"
                }
                layers.append(layer + "}")
            }
            print("{\"loss\": \(jsonNumber(loss)), \"mode\": \"\(mode.name)\", \"layers\": [" + layers.joined(separator: ", ") + "]}")
        }
    }

    /// `nnlab gradcheck`: backpropagation against finite differences, per tensor.
    struct GradCheck: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gradcheck",
            abstract: "Check backpropagation against finite differences, tensor by tensor (double precision).",
            discussion: "Exit status 0 when every tensor's largest relative error is within 1e-6, 1 otherwise.")

        @OptionGroup var input: ModelAndData

        @OptionGroup var output: OutputOptions

        func run() throws {
            let (network, examples) = try input.load()
            let style = OutputStyle.detect(ascii: output.ascii)
            var line = Progress(enabled: !output.quiet)
            let mode = try input.passMode()
            let check = GradientCheck(network: network, examples: examples, l1: input.l1, l2: input.l2, mode: mode) { done, total in
                line.update("gradcheck: \(NumberFormat.grouped(done)) of \(NumberFormat.grouped(total)) parameters "
                            + "[\(Progress.bar(Double(done) / Double(total), unicode: style.unicode))] (Ctrl-C stops)")
            }
            line.finish()
            print("\(input.model.terminalSafeLine): \(network.architecture.description(arrow: style.arrow))")
            print("\(examples.count) example\(examples.count == 1 ? "" : "s") from \(input.data.terminalSafeLine), float64, J(W,b) = \(check.loss)")
            if !network.architecture.isPlain {
                let dropout = network.shapes.contains { $0.keep < 1 }
                print("mode \(mode.name): " + (mode.training ? "batch norm over all the examples as one batch" : "running statistics")
                      + (dropout ? (mode.dropoutSeed != nil ? ", dropout's masks fixed by the seed" : ", dropout off") : ""))
            }
            print("central differences, h = 1e-3 (4-point stencil)")
            print("")
            let header = ["tensor", "shape", "max rel error", "max abs error", "at kinks", ""]
            var rows: [[String]] = []
            for t in check.tensors {
                let shape = t.part != .weights ? "\(t.shape.rows)" : "\(t.shape.rows)x\(t.shape.cols)"
                let verdict = t.maxRelativeError <= GradientCheck.tolerance ? "ok" : "MISMATCH"
                rows.append([t.name, shape, NumberFormat.scientific(t.maxRelativeError), NumberFormat.scientific(t.maxAbsoluteError),
                             t.entriesAtKinks == 0 ? "-" : "\(t.entriesAtKinks) skipped", verdict])
            }
            print(table(header: header, rows: rows))
            print("")
            let worst = NumberFormat.scientific(check.maxRelativeError)
            if !check.isFinite {
                print("the loss or a gradient is not a finite number: nothing can be checked (the weights or the inputs are too large)")
                throw ExitCode(1)
            }
            if check.passed {
                print("largest relative error \(worst) <= 1e-6: backpropagation agrees with finite differences")
            } else {
                print("largest relative error \(worst) > 1e-6: backpropagation and finite differences disagree")
                throw ExitCode(1)
            }
        }
    }
}
