import ArgumentParser
import Formatting
import Foundation
import LabApp
import LabRendering
import Lessons
import NeuralCore

extension NNLab {
    /// `nnlab step`: one example's forward and backward pass as text.
    struct Step: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one example's forward pass, loss, backward pass and update, value by value (for handouts).",
            discussion: """
            The same computations as the lab's step-through screen (f), in the lecture's notation,
            every gradient beside its finite-difference check.

            Examples:
              nnlab step --model m.json --point 1,0 --label 1
              nnlab step --model m.json --point 0.3 --target 0.5 --lr 0.1
              nnlab step --model m.json --point 2,-1 --label 0 --scenario 05b --unit 2
              nnlab step --scenario 05c --batch 8     (a minibatch: Z, A, Delta with their shapes)
            """)

        @Option(help: "Model file (nnlab-model JSON), e.g. saved with w in the lab (with --batch: default the lesson's initial weights).",
                completion: Completions.model)
        var model: String?

        @Option(help: ArgumentHelp("The example's coordinates: X1,X2 (or X for a 1-D model).", valueName: "x1,x2"))
        var point: String?

        @Option(parsing: .unconditional, help: ArgumentHelp(
            "A minibatch instead of one example: the first M training examples of --scenario's data through the vectorised pass (1 to 64).",
            valueName: "M"))
        var batch: Int?

        @Option(parsing: .unconditional, help: "The example's class (classification).")
        var label: Int?

        @Option(parsing: .unconditional, help: "The example's target value (regression).")
        var target: Double?

        @Option(help: ArgumentHelp("A lesson (file or name) whose input features and learning rate apply.", valueName: "scenario"),
                completion: Completions.lesson)
        var scenario: String?

        @Option(parsing: .unconditional, help: "Learning rate of the update step (default: the scenario's, else 0.1).")
        var lr: Double?

        @Option(parsing: .unconditional, help: "Unit mode: write out unit N's sums (1-based) in every layer that has it.")
        var unit: Int?

        @Option(parsing: .unconditional, help: "Width of the text in columns (40 to 10000).")
        var width = 100

        @Flag(help: "Quiz: ask for each value before showing it (answers from standard input, one per line), then print the score.")
        var quiz = false

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let batch {
                guard (1...64).contains(batch) else { throw NNLabError("--batch: 1 to 64 examples, found \(batch)") }
                guard scenario != nil else { throw NNLabError("--batch: name the lesson whose data the batch comes from with --scenario") }
                guard point == nil, label == nil, target == nil, !quiz, unit == nil else {
                    throw NNLabError("--batch: the examples come from the lesson's data; leave out --point, --label, --target, --quiz and --unit")
                }
            } else {
                guard model != nil else { throw NNLabError("--model: give the model file (or --batch M with --scenario)") }
                guard point != nil else { throw NNLabError("--point: give the example's coordinates, e.g. --point 1,0") }
            }
            if let lr { guard lr.isFinite, lr > 0 else { throw NNLabError("--lr: the learning rate must be greater than 0, found \(lr)") } }
            if let unit, unit < 1 { throw NNLabError("--unit: units count from 1, found \(unit)") }
            guard (40...10_000).contains(width) else { throw NNLabError("--width: between 40 and 10000 columns, found \(width)") }
        }

        func run() throws {
            if let batch { return try runBatch(batch) }
            let model = self.model ?? "", point = self.point ?? ""
            let network: Network<Double> = try ModelFile.load(model)
            var features = FeatureSet.plain
            var rate = 0.1
            if let scenario {
                let s = try loadScenario(scenario, directory: nil)
                features = s.configuration.features
                rate = s.configuration.settings.learningRate
            }
            if let lr { rate = lr }
            let coordinates = try point.split(separator: ",", omittingEmptySubsequences: false).map { part -> Double in
                guard let v = Double(part.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw NNLabError("--point: \"\(part)\" is not a number (give X1,X2, e.g. --point 1,0)")
                }
                return v
            }
            let arch = network.architecture
            let input: [Double]
            switch coordinates.count {
            case 1 where arch.inputs == 1: input = coordinates
            case 2: input = features.input(coordinates[0], coordinates[1], dimension: 2)
            case let n where n >= 3 && n == arch.inputs: input = coordinates
            default:
                let wanted = arch.inputs == 1 ? "one coordinate (X)" : arch.inputs >= 3 ? "\(arch.inputs) coordinates (X1,...,X\(arch.inputs))" : "two coordinates (X1,X2)"
                throw NNLabError("--point: give \(wanted), found \(coordinates.count)")
            }
            guard input.count == arch.inputs else {
                throw NNLabError("\(model): the model takes \(arch.inputs) inputs, but the features \(features) give \(input.count)"
                                 + (scenario == nil ? " (--scenario names a lesson whose features fit)" : ""))
            }
            let style = OutputStyle.detect(ascii: output.ascii)
            var line = Progress(enabled: !output.quiet)
            let progress = { (done: Int, total: Int) in
                line.update("step: checking the gradients by finite differences, \(NumberFormat.grouped(done)) of \(NumberFormat.grouped(total)) "
                            + "[\(Progress.bar(Double(done) / Double(total), unicode: style.unicode))] (Ctrl-C stops)")
            }
            defer { line.finish() }
            let trace: Trace
            if arch.output == .identity {
                guard let target else { throw NNLabError("--target: this model does regression (identity output); give the example's target value") }
                guard label == nil else { throw NNLabError("--label: this model does regression; give --target instead") }
                trace = try network.trace(input: input, target: [Double](repeating: target, count: arch.outputs), learningRate: rate, progress: progress)
            } else {
                guard let label else { throw NNLabError("--label: this model classifies; give the example's class") }
                let classes = arch.output == .softmax ? arch.outputs : 2
                guard (0..<classes).contains(label) else { throw NNLabError("--label: the class must be 0 to \(classes - 1), found \(label)") }
                trace = try network.trace(input: input, label: label, learningRate: rate, progress: progress)
            }
            line.finish()
            let theme = Theme(colorMode: .mono, glyphs: style.unicode ? .unicodeSet : .asciiSet)
            print("Step-through of x = \(coordinates.map { NumberFormat.compact($0, significant: 6) }.joined(separator: ", "))"
                  + (label.map { ", label \($0)" } ?? "") + (target.map { ", target \(NumberFormat.compact($0, significant: 6))" } ?? "")
                  + " through \(arch.description(arrow: style.arrow)) (\(model.terminalSafeLine)), eta = \(NumberFormat.compact(rate, significant: 6))")
            print("")
            if quiz {
                runQuiz(trace, theme: theme)
            } else {
                print(Lab.traceText(trace, width: width, unit: unit.map { $0 - 1 }, theme: theme))
            }
        }

        /// `--batch M`: the lesson's first M training examples (in its own training order)
        /// through the vectorised pass, with the model's weights or the lesson's initial ones.
        func runBatch(_ m: Int) throws {
            let s = try loadScenario(scenario ?? "", directory: nil)
            let session = try TrainingSession(s.configuration)
            let network: Network<Double> = try model.map { try ModelFile.load($0) } ?? session.network.converted(to: Double.self)
            let dataset = session.dataset
            let indices = Array(session.trainIndices.prefix(m))
            guard indices.count == m else {
                throw NNLabError("--batch: \(s.name) has \(session.trainIndices.count) training examples, fewer than \(m)")
            }
            let features = s.configuration.features
            let inputs = indices.map { dataset.input($0, features: features) }
            guard network.architecture.inputs == inputs[0].count else {
                throw NNLabError("\(model ?? s.name): the model takes \(network.architecture.inputs) inputs, but \(s.name)'s features give \(inputs[0].count)")
            }
            let trace = dataset.classCount != nil
                ? try network.batchTrace(inputs: inputs, labels: indices.map { dataset.label($0) })
                : try network.batchTrace(inputs: inputs, targets: indices.map { Array(dataset.values($0)) })
            let style = OutputStyle.detect(ascii: output.ascii)
            let theme = Theme(colorMode: .mono, glyphs: style.unicode ? .unicodeSet : .asciiSet)
            print("Minibatch: the first \(m) training examples of \(s.name) through \(network.architecture.description(arrow: style.arrow))"
                  + " (\(model.map { $0.terminalSafeLine } ?? "the lesson's initial weights"))")
            print("")
            print(Lab.batchTraceText(trace, width: width, theme: theme))
        }

        /// Each computation's formula, then a prompt per number (read from standard input: a
        /// wrong or missing answer counts as wrong when piped, a terminal asks again), its mark,
        /// the computation in full, and the score at the end. Exit status 0 whatever the score.
        /// Longest answer read; a longer line is cut there, and its rest is the next answer
        /// (so `cat /dev/zero` ends the quiz in a few kilobytes, not gigabytes).
        static let maxAnswerBytes = 256

        /// One line of standard input, at most `maxAnswerBytes` long; nil at the end of input.
        static func answerLine() -> String? {
            var bytes: [UInt8] = []
            while bytes.count < maxAnswerBytes {
                let c = getchar()
                if c == EOF { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
                if c == 10 { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(UInt8(truncatingIfNeeded: c))
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// An answer echoed back: safe for the terminal, and at most 40 characters.
        func truncatedForEcho(_ line: String) -> String {
            let safe = line.terminalSafeLine
            return safe.count > 40 ? String(safe.prefix(40)) + "..." : safe
        }

        func runQuiz(_ trace: Trace, theme: Theme) {
            let questions = Quiz.questions(trace)
            let interactive = isatty(STDIN_FILENO) == 1
            var right = 0
            print("Quiz: predict each value, one per line; right within 1% or 0.01. \(questions.count) questions.")
            print("")
            let text = Lab.traceBlocks(trace, width: width, unit: unit.map { $0 - 1 }, theme: theme)
            for (i, entry) in trace.entries.enumerated() {
                let asked = questions.filter { $0.entry == i }
                if !asked.isEmpty {
                    print("[\(i + 1)/\(trace.entries.count) \(entry.phase.rawValue)] predict: \(entry.formula)")
                    for q in asked {
                        var answer: Double?
                        var given = false
                        while true {
                            print("  \(q.name) = ? ", terminator: "")
                            Console.flush()
                            guard let line = Self.answerLine() else { print(""); break }
                            given = true
                            if !interactive { print(truncatedForEcho(line)) }
                            if let v = Quiz.parse(line) { answer = v; break }
                            if interactive { print("  \"\(truncatedForEcho(line))\" is not a number; try again") } else { break }
                        }
                        if let answer {
                            if Quiz.isRight(answer, q.value) { right += 1 }
                            print("  " + Quiz.mark(q, answer: answer))
                        } else {
                            print("  wrong: \(q.name) = \(NumberFormat.compact(q.value, significant: 4)) (\(given ? "not a number" : "no answer"))")
                        }
                    }
                }
                if i < text.count { print(text[i]) }
            }
            print("score: \(right) of \(questions.count) right")
        }
    }
}
