import Foundation
import NeuralCore
import Testing

@Suite struct ModelFileTests {
    static let good = """
    {"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "cross_entropy",
     "layers": [{"units": 2, "activation": "tanh", "W": [[0.5, -1.25], [2, 0.125]], "b": [0.1, -0.2]},
                {"units": 1, "activation": "logistic", "W": [[1.5, -0.75]], "b": [0.3]}]}
    """

    @Test func readsTheDocumentedFormat() throws {
        let net: Network<Double> = try ModelFile.decode(Self.good, path: "m.json")
        #expect(net.architecture.description == "2 → 2 tanh → 1 logistic (9 parameters)")
        #expect(net.W(1).values == [0.5, -1.25, 2, 0.125])
        #expect(net.b(1) == [0.1, -0.2])
        #expect(net.W(2).values == [1.5, -0.75] && net.b(2) == [0.3])
        #expect(net.architecture.loss == .crossEntropy)
    }

    @Test(arguments: [
        architecture(2, [8, 8], .tanh),
        architecture(3, [5], .maxout(pieces: 3), outputs: 4, output: .softmax),
        architecture(1, [7], .leakyReLU(slope: 0.2), outputs: 2, output: .identity),
        architecture(2, [], .relu, outputs: 1, output: .step, loss: .squaredError),
        Architecture(inputs: 2, hidden: [HiddenLayer(units: 3, activation: .softplus), HiddenLayer(units: 2, activation: .abs),
                                         HiddenLayer(units: 2, activation: .step), HiddenLayer(units: 2, activation: .linear)],
                     outputs: 1, output: .logistic, loss: .squaredError),
    ])
    func roundTripIsExact(_ arch: Architecture) throws {
        let float = try! Network<Float>(architecture: arch, weightInit: .normal(std: 3.7), biasInit: 0.1, seed: 12)
        let readFloat: Network<Float> = try ModelFile.decode(ModelFile.encode(float), path: "f.json")
        #expect(readFloat.architecture == arch)
        #expect(readFloat.parameters.map(\.bitPattern) == float.parameters.map(\.bitPattern))
        let double = try! Network<Double>(architecture: arch, weightInit: .normal(std: 1e-7), seed: 13)
        let readDouble: Network<Double> = try ModelFile.decode(ModelFile.encode(double), path: "d.json")
        #expect(readDouble.parameters.map(\.bitPattern) == double.parameters.map(\.bitPattern))
    }

    @Test func savingIsAtomicAndNeverDamagesAnExistingFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-model-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.json").path
        let net = try! Network<Float>(architecture: architecture(2, [3], .relu), seed: 1)
        try ModelFile.save(net, to: path, extras: [("training", "{\"lr\": 0.1}")])
        let loaded: Network<Float> = try ModelFile.load(path)
        #expect(loaded.parameters == net.parameters)
        // A model that diverged is refused and the good file stays as it was.
        var broken = net
        broken.parameters[0] = .nan
        #expect(throws: NNLabError.self) { try ModelFile.save(broken, to: path) }
        let again: Network<Float> = try ModelFile.load(path)
        #expect(again.parameters == net.parameters)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.json"])
        // Saving into a folder that does not exist fails with a message.
        #expect(throws: NNLabError.self) { try ModelFile.save(net, to: dir.path + "/missing/m.json") }
    }

    static let badFiles: [(String, String, String)] = [
        ("not JSON", "{\"format\": \"nnlab-model\",\n \"version\": 1,", "m.json:2:15: not valid JSON: unexpected end of file inside an object"),
        ("an array", "[1, 2]", "m.json:1:1: model: expected a JSON object, found an array"),
        ("wrong format", #"{"format": "keras", "version": 1}"#, #"m.json:1:12: format: expected "nnlab-model", found "keras""#),
        ("newer version", #"{"format": "nnlab-model", "version": 3}"#, "m.json:1:38: version: this nnlab reads versions 1 and 2, found 3"),
        ("missing inputs", #"{"format": "nnlab-model", "version": 1, "loss": "squared_error", "layers": []}"#,
         #"m.json:1:1: inputs: missing key "inputs""#),
        ("unknown loss", #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "hinge", "layers": []}"#,
         #"m.json:1:62: loss: "hinge" is not one of "squared_error", "cross_entropy""#),
        ("no layers", #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "squared_error", "layers": []}"#,
         "m.json:1:89: layers: expected at least one layer (the output layer)"),
        ("unknown activation", #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "squared_error", "layers": [{"units": 2, "activation": "rellu", "W": [[1, 2], [3, 4]], "b": [0, 0]}, {"units": 1, "activation": "identity", "W": [[1, 1]], "b": [0]}]}"#,
         #"m.json:1:117: layers[0].activation: "rellu" is not one of "logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "step", "maxout"; did you mean "relu"?"#),
        ("softmax hidden", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 2, "activation": "softmax", "W": [[1], [3]], "b": [0, 0]}, {"units": 1, "activation": "identity", "W": [[1, 1]], "b": [0]}]}"#,
         #"m.json:1:117: layers[0].activation: "softmax" is an output activation; a hidden layer takes one of "logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "step", "maxout""#),
        ("hidden activation as output", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "tanh", "W": [[1]], "b": [0]}]}"#,
         #"m.json:1:117: layers[0].activation: "tanh" is a hidden activation; the output layer takes one of "identity", "logistic", "softmax", "step""#),
        ("too few rows", #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "squared_error", "layers": [{"units": 2, "activation": "identity", "W": [[1, 2]], "b": [0, 0]}]}"#,
         "m.json:1:134: layers[0].W: expected 2 rows (one per unit), found 1"),
        ("short row", #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [[1]], "b": [0]}]}"#,
         "m.json:1:135: layers[0].W[0]: expected 2 values (one per input), found 1"),
        ("bias length", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [[1]], "b": [0, 1]}]}"#,
         "m.json:1:146: layers[0].b: expected 1 value (one per unit), found 2"),
        ("NaN", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [[NaN]], "b": [0]}]}"#,
         "m.json:1:136: not valid JSON: NaN and Infinity are not JSON numbers"),
        ("NaN as a string", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [["NaN"]], "b": [0]}]}"#,
         "m.json:1:136: layers[0].W[0][0]: expected a number, found a string"),
        ("overflow", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [[1e999]], "b": [0]}]}"#,
         "m.json:1:136: layers[0].W[0][0]: 1e999 is not a finite float64 number"),
        ("absurd size", #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "squared_error", "layers": [{"units": 100000000, "activation": "identity", "W": [], "b": []}]}"#,
         "m.json:1:100: layers[0].units: must be between 1 and 4096, found 100000000"),
        ("too many parameters", #"{"format": "nnlab-model", "version": 1, "inputs": 4096, "loss": "squared_error", "layers": [{"units": 4096, "activation": "relu", "W": [], "b": []}, {"units": 4096, "activation": "identity", "W": [], "b": []}]}"#,
         "m.json:1:92: layers: the network has 33562624 parameters; the limit is 20000000"),
        ("maxout without pieces", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "maxout", "W": [[1]], "b": [0]}, {"units": 1, "activation": "identity", "W": [[1]], "b": [0]}]}"#,
         #"m.json:1:90: layers[0]: missing key "pieces""#),
        ("inconsistent loss", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 2, "activation": "softmax", "W": [[1], [2]], "b": [0, 0]}]}"#,
         "m.json:1:89: layers: softmax is trained with cross_entropy; use cross_entropy, or a logistic output with squared_error"),
        ("units not an integer", #"{"format": "nnlab-model", "version": 1, "inputs": 1.5, "loss": "squared_error", "layers": []}"#,
         "m.json:1:51: inputs: expected an integer, found 1.5"),
        // RFC 8259: no leading zeros, exactly four hex digits in \u, each key once.
        ("leading zero", #"{"format": "nnlab-model", "version": 1, "inputs": 00.5, "loss": "squared_error", "layers": []}"#,
         "m.json:1:51: not valid JSON: a number may not start with 0 (found 00)"),
        ("signed \\u escape", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "\u+02D", "layers": []}"#,
         "m.json:1:65: not valid JSON: a \\u escape needs four hex digits"),
        ("duplicate key", #"{"format": "nnlab-model", "version": 1, "version": 1, "inputs": 1, "loss": "squared_error", "layers": []}"#,
         #"m.json:1:41: not valid JSON: the key "version" appears twice in this object"#),
        // Text from a file reaches the terminal only with its control characters visible.
        ("escape sequence in a field", #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "\u001b[31mRED\u001b[0m", "layers": []}"#,
         #"m.json:1:62: loss: "\u{1B}[31mRED\u{1B}[0m" is not one of "squared_error", "cross_entropy""#),
    ]

    @Test func aByteOrderMarkIsSkipped() throws {
        let text = "\u{FEFF}" + #"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [[2]], "b": [1]}]}"#
        let network: Network<Double> = try ModelFile.decode(text, path: "m.json")
        #expect(network.parameters == [2, 1])
    }

    /// A file padded with one long array is refused at that array, long before its end (the
    /// memory this takes is measured by the end-to-end script on a 290 MB file).
    @Test func aLongArrayIsRefusedAtItsLimit() {
        let padding = Array(repeating: "0", count: ModelFile.limits.arrayLength + 10).joined(separator: ",")
        let text = #"{"format": "nnlab-model", "version": 1, "padding": ["# + padding + "]}"
        #expect(throws: NNLabError("m.json:1:\(53 + 2 * ModelFile.limits.arrayLength): not valid JSON: more than 65536 elements in one array")) {
            let _: Network<Float> = try ModelFile.decode(text, path: "m.json")
        }
    }

    @Test(arguments: badFiles.indices)
    func badFilesAreRejectedWithTheirMessage(_ index: Int) {
        let (what, text, expected) = Self.badFiles[index]
        do {
            let _: Network<Double> = try ModelFile.decode(text, path: "m.json")
            Issue.record("\(what): accepted")
        } catch let error as NNLabError {
            #expect(error.message == expected, "\(what)")
        } catch {
            Issue.record("\(what): unexpected error \(error)")
        }
    }

    @Test func missingFileIsReported() {
        #expect(throws: NNLabError("cannot read /nonexistent/m.json: No such file or directory")) {
            let _: Network<Double> = try ModelFile.load("/nonexistent/m.json")
        }
    }
}
