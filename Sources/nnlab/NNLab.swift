import ArgumentParser
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
        subcommands: [Open.self, Train.self, Run.self, Step.self, List.self, Check.self, Info.self, Grad.self, GradCheck.self, Bench.self],
        defaultSubcommand: Open.self)

    /// Runs the command line. Usage errors and bad files print one clear line and exit 2.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as NNLabError {
            FileHandle.standardError.write(Data("nnlab: \(error.message)\n".utf8))
            Foundation.exit(2)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            // One line naming the problem, then where to read the usage.
            var text = "nnlab: \(self.message(for: error))\n"
            if let hint = message.split(separator: "\n").last(where: { $0.contains("--help") }) {
                text += hint.trimmingCharacters(in: .whitespaces) + "\n"
            }
            FileHandle.standardError.write(Data(text.utf8))
            Foundation.exit(code == .validationFailure || code.rawValue == 64 ? 2 : code.rawValue)
        }
    }
}
