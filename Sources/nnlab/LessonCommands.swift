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
            var rows = ShippedLessons.catalogue().map {
                [$0.name == ShippedLessons.defaultName ? "\($0.name) (default)" : $0.name, $0.title
                 + ($0.variants.isEmpty ? "" : " [compares \($0.variants.joined(separator: ", "))]")]
            }
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
            discussion: """
            With --seeds N the lesson trains on N seeds (S, S+1, ...; --from S, 1 by default) and each \
            claim must hold on as many of them as the lesson's robustness asks (all of them unless it \
            says otherwise). Exit status 0 when every claim holds, 1 when one does not, 2 for a bad \
            file, name or option.
            """)

        @Argument(help: "A scenario file, or a lesson's name or number (see nnlab list); the default lesson if none.",
                  completion: Completions.lesson)
        var lesson: String = ShippedLessons.defaultName

        @Option(parsing: .unconditional, help: "Epochs to train instead of the lesson's own.")
        var epochs: Int?

        @Option(parsing: .unconditional, help: "Seed instead of the lesson's own (0 or more).")
        var seed: Int?

        @Option(parsing: .unconditional, help: "Train on this many seeds and count where each claim holds (1 to 1000).")
        var seeds: Int?

        @Option(name: .customLong("from"), parsing: .unconditional, help: "The first seed of --seeds (default 1).")
        var from: Int?

        @Flag(help: "Write the result as one JSON object (with --seeds: per claim, the seeds it held on).")
        var json = false

        @Option(help: ArgumentHelp("Look for lesson names in this folder too.", valueName: "folder"), completion: .directory)
        var dir: String?

        @Flag(help: "Run a sweep estimated to take longer than \(Run.longSweepMinutes) minutes (refused without it).")
        var allowLong = false

        @Flag(help: "Print how long the run or sweep would take, roughly, and stop.")
        var estimate = false

        @OptionGroup var output: OutputOptions

        /// Sweeps estimated beyond this are refused unless --allow-long.
        static let longSweepMinutes = 15

        /// A rough time for training `scenario` on `seeds` seeds: per step a fixed cost and six
        /// multiply-adds per parameter and example (forward and backward), per epoch a fixed cost
        /// and an evaluation of every point, at 2e9 multiply-adds a second, on both cores. Measured on
        /// the shipped lessons it is within a factor of about 3 (it errs long).
        static func estimatedSeconds(_ scenario: Scenario, seeds: Int, epochs: Int?) -> Double {
            var perSeed = 0.0
            for v in scenario.runs {
                guard let session = try? TrainingSession(v.configuration) else { continue }
                let p = Double(session.architecture.parameterCount)
                let n = Double(session.trainIndices.count), all = Double(session.dataset.count)
                let batch = Swift.min(Double(v.configuration.settings.batchSize), Swift.max(1, n))
                let steps = (n / batch).rounded(.up)
                let e = Double(epochs ?? scenario.epochs)
                perSeed += e * (3e-6 + steps * (2e-7 + batch * p * 6 / 2e9) + all * p * 2 / 2e9)
            }
            return perSeed * Double(seeds) / 2
        }

        /// "3 h 20 min", "12 min", "40 s".
        static func duration(_ seconds: Double) -> String {
            if seconds >= 86_400 * 2 { return "\(NumberFormat.grouped(Int(seconds / 86_400))) days" }
            if seconds >= 3600 { return "\(Int(seconds / 3600)) h \(Int(seconds.truncatingRemainder(dividingBy: 3600) / 60)) min" }
            if seconds >= 60 { return "\(Int((seconds / 60).rounded())) min" }
            return "\(Int(seconds.rounded(.up))) s"
        }

        func validate() throws {
            if let epochs, !(0...ScenarioLimits.maxEpochs).contains(epochs) {
                throw NNLabError("--epochs: must be between 0 and \(ScenarioLimits.maxEpochs), found \(epochs)")
            }
            if let seed, seed < 0 { throw NNLabError("--seed: must be 0 or more, found \(seed)") }
            if let seeds, !(1...1000).contains(seeds) { throw NNLabError("--seeds: must be between 1 and 1000, found \(seeds)") }
            if let from {
                guard seeds != nil else { throw NNLabError("--from: gives the first seed of --seeds; add --seeds N") }
                guard from >= 0, from <= Int(Int32.max) else { throw NNLabError("--from: must be 0 or more, found \(from)") }
            }
            if seed != nil && seeds != nil { throw NNLabError("--seed and --seeds: give one (--seeds N --from S sweeps seeds S to S+N-1)") }
        }

        func run() throws {
            let scenario = try loadScenario(lesson, directory: dir)
            let style = OutputStyle.detect(ascii: output.ascii)
            let theme = Theme(colorMode: style.color ? .full : .mono, glyphs: style.unicode ? .unicodeSet : .asciiSet)
            ProcessSignals.catchInterrupt()
            if estimate {
                let n = seeds ?? 1
                print("\(scenario.name): \(n) seed\(n == 1 ? "" : "s"), \(scenario.runs.count) network\(scenario.runs.count == 1 ? "" : "s"), "
                      + "\(NumberFormat.grouped(epochs ?? scenario.epochs)) epochs each: about \(Self.duration(Self.estimatedSeconds(scenario, seeds: n, epochs: epochs)))")
                return
            }
            if seeds != nil || json {
                try sweep(scenario, style: style, theme: theme)
                return
            }
            let total = epochs ?? scenario.epochs
            var line = Progress(enabled: !output.quiet)
            let count = scenario.runs.count
            var index = 0
            var current: ObjectIdentifier?
            let run = try ScenarioRunner.run(scenario, epochs: epochs, seed: seed.map(UInt64.init)) { session in
                if current != ObjectIdentifier(session) { current = ObjectIdentifier(session); index += 1 }
                let m = session.metrics
                let which = count > 1 ? " \(scenario.runs[index - 1].name) (\(index)/\(count))" : ""
                line.update("\(scenario.name)\(which): [\(Progress.bar(Double(m.epoch) / Double(Swift.max(total, 1)), unicode: style.unicode))] "
                            + "epoch \(m.epoch)/\(total)  loss \(NumberFormat.fixed(m.train.meanLoss, decimals: 4, trim: false))")
                return !ProcessSignals.interrupted
            }
            line.finish()
            printTitle(run.scenario, theme: theme)
            if run.runs.count == 1 {
                print(TrainReport.render(run.session, outcome: run.outcome, theme: theme))
            } else {
                print(variantTable(run))
            }
            print("")
            print("claims (\(run.results.filter(\.passed).count) of \(run.results.count) hold)")
            for result in run.results {
                let line = "  " + result.line
                print(theme.hasColor ? sgrWrap(line, result.passed ? theme.good : theme.error) : line)
            }
            if run.results.isEmpty { print("  (this lesson makes no claims)") }
            if run.interrupted { throw ExitCode(130) }
            if !run.allPassed { throw ExitCode(1) }
        }

        func printTitle(_ scenario: Scenario, theme: Theme) {
            print(scenario.title)
            print(String(repeating: theme.glyphs.unicode ? "═" : "=", count: min(78, displayWidth(scenario.title))))
        }

        /// One row per variant: how it differs, how training ended, loss and accuracy.
        func variantTable(_ run: ScenarioRun) -> String {
            let rows = run.runs.map { r -> [String] in
                let m = r.session.metrics
                func accuracy(_ e: Evaluation?) -> String { e?.accuracy.map { NumberFormat.percent($0) } ?? "-" }
                return [r.variant.name, r.variant.says, NumberFormat.loss(m.train.meanLoss), accuracy(m.train),
                        m.test.map { NumberFormat.loss($0.meanLoss) } ?? "-", accuracy(m.test), r.outcome]
            }
            return table(header: ["variant", "differs by", "train loss", "train acc", "test loss", "test acc", "training"], rows: rows)
        }

        /// `--seeds N [--from S]`: every seed, then per claim the seeds it held on.
        func sweep(_ scenario: Scenario, style: OutputStyle, theme: Theme) throws {
            // --json alone: the lesson's own seed, as a run without options trains.
            let first = from.map(UInt64.init) ?? seed.map(UInt64.init) ?? (seeds == nil ? scenario.configuration.seed : 1)
            let n = seeds ?? 1
            let list = (0..<UInt64(n)).map { first + $0 }
            let estimate = Self.estimatedSeconds(scenario, seeds: n, epochs: epochs)
            if estimate > Double(Self.longSweepMinutes * 60) && !allowLong {
                throw NNLabError("--seeds: \(n) seed\(n == 1 ? "" : "s") of \(scenario.name) would take about \(Self.duration(estimate)) "
                                 + "(\(scenario.runs.count) network\(scenario.runs.count == 1 ? "" : "s"), \(NumberFormat.grouped(epochs ?? scenario.epochs)) epochs each); "
                                 + "add --allow-long to run it, or give fewer seeds or --epochs")
            }
            if estimate > 60 && !output.quiet { Console.error("\(scenario.name): \(n) seeds, about \(Self.duration(estimate))\n") }
            let progress = Progress.Shared(enabled: !output.quiet)
            let result = try ScenarioRunner.sweep(scenario, seeds: list, epochs: epochs, proceed: { !ProcessSignals.interrupted }) { done in
                progress.update("\(scenario.name): [\(Progress.bar(Double(done) / Double(n), unicode: style.unicode))] \(done) of \(n) seeds")
            }
            progress.finish()
            if result.seeds.isEmpty {
                // Interrupted before any seed finished: nothing was measured, so nothing held.
                if json { print(sweepJSON(result)) } else { Console.error("\(scenario.name): interrupted before any seed finished; no claim was checked\n") }
                throw ExitCode(130)
            }
            if json {
                print(sweepJSON(result))
            } else {
                printTitle(scenario, theme: theme)
                let done = result.seeds.count
                var seedsText = done == 1 ? "seed \(result.seeds[0])" : "seeds \(result.seeds[0])-\(result.seeds[done - 1])"
                if result.interrupted { seedsText += " (interrupted: \(done) of \(n) seeds)" }
                let e = epochs ?? scenario.epochs
                print("\(seedsText), \(NumberFormat.grouped(e)) epoch\(e == 1 ? "" : "s")" + (scenario.variants.isEmpty ? "" : ", variants: ")
                      + scenario.variants.map { "\($0.name) (\($0.says))" }.joined(separator: ", "))
                print("")
                let met = result.claims.filter(\.passed).count
                print("claims (\(met) of \(result.claims.count) hold on enough seeds)")
                for c in result.claims {
                    var line = "  \(c.passed ? "PASS" : "FAIL")  \(c.claim.description): held on \(c.held)/\(c.results.count) (needs \(c.required))"
                    let values = c.sortedValues
                    if let median = c.median {
                        line += "; median \(NumberFormat.measured(median)), min \(NumberFormat.measured(values.first!)), max \(NumberFormat.measured(values.last!))"
                    }
                    let failed = zip(result.seeds, c.results).filter { !$0.1.passed }.map { String($0.0) }
                    if !failed.isEmpty && failed.count <= 12 { line += "; failed on seed\(failed.count == 1 ? "" : "s") \(failed.joined(separator: ", "))" }
                    print(theme.hasColor ? sgrWrap(line, c.passed ? theme.good : theme.error) : line)
                    if let says = c.claim.says { print("        \(says)") }
                }
                if result.claims.isEmpty { print("  (this lesson makes no claims)") }
            }
            if result.interrupted { throw ExitCode(130) }
            if !result.allPassed { throw ExitCode(1) }
        }

        func sweepJSON(_ r: SweepResult) -> String {
            func number(_ x: Double?) -> String { x.map { $0.isFinite ? jsonNumber($0) : "null" } ?? "null" }
            let claims = r.claims.map { c -> String in
                let values = c.sortedValues
                let perSeed = c.results.map { number($0.measured) }.joined(separator: ", ")
                let failed = zip(r.seeds, c.results).filter { !$0.1.passed }.map { String($0.0) }.joined(separator: ", ")
                return "{\"claim\": \(jsonString(c.claim.description)), \"held\": \(c.held), \"seeds\": \(c.results.count), "
                    + "\"required\": \(c.required), \"passed\": \(c.passed), \"median\": \(number(c.median)), "
                    + "\"min\": \(number(values.first)), \"max\": \(number(values.last)), \"values\": [\(perSeed)], \"failed_seeds\": [\(failed)]}"
            }
            return "{\"lesson\": \(jsonString(r.scenario.name)), \"seeds\": [\(r.seeds.map(String.init).joined(separator: ", "))], "
                + "\"variants\": [\(r.scenario.variants.map { jsonString($0.name) }.joined(separator: ", "))], "
                + "\"passed\": \(r.allPassed && !r.seeds.isEmpty), \"interrupted\": \(r.interrupted), \"claims\": [\(claims.joined(separator: ", "))]}"
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
