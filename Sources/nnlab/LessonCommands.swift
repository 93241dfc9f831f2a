import ArgumentParser
import Formatting
import Foundation
import LabApp
import LabRendering
import LabTerminal
import Lessons
import NeuralCore

extension NNLab {
    /// `nnlab list`: the lessons.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the shipped lessons (and those in a folder).")

        @Option(help: ArgumentHelp("Also list the scenarios in this folder.", valueName: "folder"), completion: .directory)
        var dir: String?

        func run() throws {
            var rows = ShippedLessons.catalogue().map { [$0.name == ShippedLessons.defaultName ? "\($0.name) (default)" : $0.name, $0.title] }
            if let dir {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                    throw NNLabError("--dir: \(dir) is not a folder")
                }
                for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where file.hasSuffix(".yaml") || file.hasSuffix(".yml") {
                    let path = dir + "/" + file
                    let title: String
                    do { title = try ScenarioParser.load(path).title } catch { title = "(has problems: nnlab check \(path.terminalSafeLine))" }
                    rows.append([path.terminalSafeLine, title])
                }
            }
            print(table(header: ["lesson", "title"], rows: rows))
            print("\nOpen one in the lab with `nnlab open NAME` (a number works: `nnlab open 6a`); check its claims with `nnlab run NAME`.")
        }
    }

    /// `nnlab check`: validate scenario files without training.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check scenario files without training; every problem is listed with its line and column.",
            discussion: "Exit status 0 when every file is valid, 2 when any has a problem.")

        @Argument(help: "Scenario files (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var files: [String]

        func run() throws {
            var failed = false
            for file in files {
                do {
                    let s = try ScenarioParser.load(file)
                    print("\(file.terminalSafeLine): ok: \(s.title) (\(s.claims.count) claim\(s.claims.count == 1 ? "" : "s"))")
                } catch let e as ScenarioErrors {
                    failed = true
                    Console.error(e.description + "\n")
                }
            }
            if failed { throw ExitCode(2) }
        }
    }

    /// `nnlab run`: train a lesson headless and check its claims.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a lesson headless and check its claims.",
            discussion: "Exit status 0 when every claim holds, 1 when one does not, 2 for a bad file or name.")

        @Argument(help: "A scenario file, or a lesson's name or number (see nnlab list); the default lesson if none.",
                  completion: Completions.lesson)
        var lesson: String = ShippedLessons.defaultName

        @Option(parsing: .unconditional, help: "Epochs to train instead of the lesson's own.")
        var epochs: Int?

        @Option(parsing: .unconditional, help: "Seed instead of the lesson's own (0 or more).")
        var seed: Int?

        @Option(help: ArgumentHelp("Look for lesson names in this folder too.", valueName: "folder"), completion: .directory)
        var dir: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            if let epochs, !(1...ScenarioLimits.maxEpochs).contains(epochs) {
                throw NNLabError("--epochs: must be between 1 and \(ScenarioLimits.maxEpochs), found \(epochs)")
            }
            if let seed, seed < 0 { throw NNLabError("--seed: must be 0 or more, found \(seed)") }
        }

        func run() throws {
            let scenario = try loadScenario(lesson, directory: dir)
            let style = OutputStyle.detect(ascii: output.ascii)
            let theme = Theme(colorMode: style.color ? .full : .mono, glyphs: style.unicode ? .unicodeSet : .asciiSet)
            let total = epochs ?? scenario.epochs
            var line = Progress(enabled: !output.quiet)
            ProcessSignals.catchInterrupt()
            let run = try ScenarioRunner.run(scenario, epochs: epochs, seed: seed.map(UInt64.init)) { session in
                let m = session.metrics
                line.update("\(scenario.name): [\(Progress.bar(Double(m.epoch) / Double(Swift.max(total, 1)), unicode: style.unicode))] "
                            + "epoch \(m.epoch)/\(total)  loss \(NumberFormat.fixed(m.train.meanLoss, decimals: 4, trim: false))")
                return !ProcessSignals.interrupted
            }
            line.finish()
            print(run.scenario.title)
            print(String(repeating: theme.glyphs.unicode ? "═" : "=", count: min(78, displayWidth(run.scenario.title))))
            print(TrainReport.render(run.session, outcome: run.outcome, theme: theme))
            print("")
            print("claims (\(run.results.filter(\.passed).count) of \(run.results.count) hold)")
            for result in run.results {
                let line = "  " + result.line
                print(theme.hasColor ? sgrWrap(line, result.passed ? theme.good : theme.error) : line)
            }
            if run.results.isEmpty { print("  (this lesson makes no claims)") }
            if ProcessSignals.interrupted { throw ExitCode(130) }
            if !run.allPassed { throw ExitCode(1) }
        }
    }
}

/// A scenario by path or name; problems become one message (all of them) and exit status 2.
func loadScenario(_ reference: String, directory: String?) throws -> Scenario {
    do {
        return try ShippedLessons.resolve(reference, directory: directory)
    } catch let e as ScenarioErrors {
        throw NNLabError(e.problems.map(\.description).joined(separator: "\nnnlab: "))
    }
}

/// `text` in the colours of `style` (ANSI), reset after.
func sgrWrap(_ text: String, _ style: Style) -> String {
    var buffer = Buffer(width: displayWidth(text), height: 1)
    buffer.put(text, x: 0, y: 0, style: style)
    return buffer.ansiText
}
