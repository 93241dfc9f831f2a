import ArgumentParser
import NeuralCore

extension NNLab {
    /// `nnlab info`: describe a network and count its parameters.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe a network and count its parameters.",
            discussion: "The first width is the input layer, the last the output layer: 10,10,5,1 has 171 parameters.")

        @Option(help: "Layer widths from input to output, e.g. 10,10,5,1.")
        var layers: String

        @Option(help: "Hidden activation: one name, or one per hidden layer (\(Activation.names.joined(separator: ", "))).")
        var activation: String = "logistic"

        @Option(help: "Output activation: identity, logistic or softmax (default: logistic for 1 output, softmax for more).")
        var output: String?

        @Option(help: "Loss: squared_error or cross_entropy (default: the output's natural loss).")
        var loss: String?

        @Flag(help: "Plain ASCII output.")
        var ascii = false

        func run() throws {
            let widths = try Parse.widths(layers, flag: "--layers", allowNone: false)
            guard widths.count >= 2 else {
                throw NNLabError("--layers: give at least an input and an output width, e.g. 2,1 (found \(widths.count) width)")
            }
            let hiddenWidths = Array(widths.dropFirst().dropLast())
            let fs = try Parse.activations(activation, flag: "--activation", hiddenCount: max(hiddenWidths.count, 1))
            let outputs = widths.last!
            let o = try output.map { o in try flagged("--output") { try OutputActivation(spec: o) } } ?? (outputs == 1 ? .logistic : .softmax)
            let arch = Architecture(inputs: widths[0], hidden: zip(hiddenWidths, fs).map { HiddenLayer(units: $0, activation: $1) },
                                    outputs: outputs, output: o, loss: try loss.map { l in try flagged("--loss") { try Loss(spec: l) } })
            try arch.validate()
            let style = OutputStyle.detect(ascii: ascii)
            print(arch.description(arrow: style.arrow))
            for s in arch.shapes {
                let count = s.parameterCount
                let pieces = s.pieces > 1 ? " x \(s.pieces) pieces" : ""
                print("  W(\(s.l)): \(s.units)\(pieces) x \(s.inputs), b(\(s.l)): \(s.rows)  ->  \(s.rows) x (\(s.inputs) + 1) = \(count) parameters")
            }
            print("  total: \(arch.parameterCount) parameters, loss \(arch.loss.rawValue)")
        }
    }
}
