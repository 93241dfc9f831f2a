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
            print("The chain rule at x = \(Self.number(value))\n")
            print(Self.render(ChainRuleReport.univariate(at: value)))
            print("")
            print(Self.render(ChainRuleReport.multivariate(at: value)))
        }

        static func number(_ v: Double) -> String { NumberFormat.compact(v, significant: 8) }

        /// A number inside a sum or product: negative ones in parentheses.
        static func term(_ v: Double) -> String { v < 0 ? "(\(number(v)))" : number(v) }

        /// The report as text: forward, local derivatives, paths, their sum, the checks.
        static func render(_ r: ChainRuleReport) -> String {
            var out = [r.title, ""]
            let width = (r.forward + r.local).map { $0.name.count }.max() ?? 1
            let formulaWidth = (r.forward + r.local).map { $0.formula.count }.max() ?? 1
            func line(_ l: ChainRuleReport.Line) -> String {
                let f = l.formula.isEmpty ? "" : (l.formula.padding(toLength: formulaWidth, withPad: " ", startingAt: 0) + " = ")
                return "  " + l.name.padding(toLength: width, withPad: " ", startingAt: 0) + " = " + f + number(l.value)
            }
            out.append("forward, node by node:")
            out += r.forward.map(line)
            out.append("local derivatives, one per edge:")
            out += r.local.map(line)
            out.append(r.paths.count == 1 ? "backward: the one path from x to f" : "backward: every path from x to f, the local derivatives multiplied along it")
            for p in r.paths {
                let names = p.factors.map(\.name).joined(separator: " * ")
                let values = p.factors.enumerated().map { $0.offset == 0 ? number($0.element.value) : term($0.element.value) }.joined(separator: " * ")
                out.append("  " + p.nodes.joined(separator: " -> ") + ":  " + names + " = " + values + " = " + number(p.product))
            }
            if r.paths.count > 1 {
                let terms = r.paths.enumerated().map { $0.offset == 0 ? number($0.element.product) : term($0.element.product) }
                out.append("  df/dx = the sum over the paths = " + terms.joined(separator: " + ") + " = " + number(r.total))
            } else {
                out.append("  df/dx = " + number(r.total))
            }
            let scale = Swift.max(Swift.abs(r.total), 1e-12)
            out.append("check: reverse mode (the tape) gives \(number(r.tape)); finite differences (f(x+h) - f(x-h)) / 2h with h = "
                       + "\(NumberFormat.compact(r.h, significant: 2)) give \(number(r.finiteDifference)) "
                       + "(relative difference \(NumberFormat.scientific(Swift.abs(r.finiteDifference - r.total) / scale, digits: 1)))")
            return out.joined(separator: "\n")
        }
    }
}
