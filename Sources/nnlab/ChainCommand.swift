import ArgumentParser
import Formatting
import NeuralCore

extension NNLab {
    /// `nnlab chain`: the lecture's two chain-rule examples, value by value.
    struct Chain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the lecture's two chain-rule examples as computation graphs, value by value.",
            discussion: """
            For each example: the forward values, every local derivative, the product of the local \
            derivatives along each path from x to f, the sum over the paths (df/dx), the same derivative \
            from reverse mode and by finite differences.
            """)

        @Option(name: .customLong("x"), parsing: .unconditional, help: ArgumentHelp("The point x (default 1).", valueName: "number"))
        var x: String = "1"

        func run() throws {
            guard let value = Double(x.trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw NNLabError("--x: expected a number, found \"\(x.terminalSafeLine)\"")
            }
            guard Swift.abs(value) <= 1000 else { throw NNLabError("--x: must be between -1000 and 1000, found \(x.terminalSafeLine)") }
            print("The chain rule at x = \(NumberFormat.compact(value, significant: 8))\n")
            print(Self.render(ChainRuleReport.univariate(at: value)))
            print("")
            print(Self.render(ChainRuleReport.multivariate(at: value)))
        }

        /// The report's lines under their headings, the names lined up.
        static func render(_ r: ChainRuleReport) -> String {
            let headings: [ChainRuleReport.LineKind: String] = [
                .forward: "forward, node by node:", .local: "local derivatives, one per edge:",
                .path: r.paths.count == 1 ? "backward: the one path from x to f" : "backward: every path from x to f, the local derivatives multiplied along it",
            ]
            var out = [r.title, ""]
            var last: ChainRuleReport.LineKind?
            for line in r.lines {
                if line.kind != last, let heading = headings[line.kind] { out.append(heading) }
                last = line.kind
                out.append((line.kind == .check ? "" : "  ") + line.text)
            }
            return out.joined(separator: "\n")
        }
    }
}
