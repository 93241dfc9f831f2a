import ArgumentParser
import Formatting
import Foundation
import NeuralCore

@main
struct NNLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nnlab",
        abstract: "A terminal learning lab for feed-forward neural networks.",
        discussion: """
        With no command, opens the lab on the default lesson (`nnlab open`).

        Examples:
          nnlab                      the lab on the default lesson
          nnlab open 6               the lab on lesson 6
          nnlab run 4                train lesson 4 headless and check its claims
          nnlab info --layers 10,10,5,1
          nnlab grad --model model.json --data data.csv
          nnlab gradcheck --model model.json --data data.csv
        """,
        version: "0.1.0",
        subcommands: [Open.self, Compare.self, Train.self, Run.self, Step.self, Chain.self, Snapshot.self, Record.self, List.self, Check.self, Info.self, Grad.self, GradCheck.self, Bench.self],
        defaultSubcommand: Open.self)

    /// Runs the command line. Usage errors and bad files print one clear line and exit 2.
    static func main() {
        CrashReports.prepare()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as NNLabError {
            // Already safe for the terminal (NNLabError escapes control characters).
            Console.error("nnlab: \(error.message)\n")
            Foundation.exit(2)
        } catch let error as ExitCode {
            Console.flush()
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Console.flush()
                Foundation.exit(0)
            }
            // A command's validate() threw (ArgumentParser reports such errors as failures):
            // our own message, naming its flag, is the whole line.
            if code == .failure {
                Console.error("nnlab: \(self.message(for: error).terminalSafe)\n")
                Foundation.exit(2)
            }
            // One line naming the problem (arguments are text from the user: made safe).
            let line = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad arguments"
            // ArgumentParser's second line, "See 'nnlab train --help' for more information.",
            // shortened into the same line.
            let help = fullMessage(for: error).split(separator: "'").first { $0.hasSuffix("--help") }.map { " (see \($0))" } ?? ""
            Console.error("nnlab: \(line.terminalSafeLine)\(help)\n")
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : code.rawValue)
        }
        Console.flush()
    }
}
