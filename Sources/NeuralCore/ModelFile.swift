import Formatting
/// The `nnlab-model` JSON format, version 1:
///
///     {"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "cross_entropy",
///      "layers": [{"units": 8, "activation": "tanh", "W": [[...], ...], "b": [...]}, ...]}
///
/// `W` of a layer is `[units][inputs of that layer]` (row i = unit i, as W(l)_ij); maxout layers
/// have `units * pieces` rows, piece p of unit i at row `i * pieces + p`. The last layer's
/// activation is the output (`identity`, `logistic`, `softmax`; NNLab also writes `step` for a
/// perceptron). Keys other than these are allowed and ignored by readers.
///
/// Version 2 adds a hidden layer's parts, each optional (missing means none):
///
///     {"units": 32, "activation": "relu", "W": ..., "b": ..., "skip": 1, "dropout": 0.8,
///      "norm": {"kind": "batch", "gamma": [...], "beta": [...], "epsilon": 1e-5,
///               "momentum": 0.1, "running_mean": [...], "running_var": [...]}}
///
/// `skip` k adds a(l+1-k) to the layer's output, `dropout` is the keep probability, `norm`'s
/// kind is `batch` or `layer` (layer norm has no running statistics). NNLab writes version 1
/// for a network without parts (older readers read it) and version 2 otherwise.
public enum ModelFile {
    /// Largest model file read (a 20M-parameter model is about 250 MB of JSON).
    public static let maxBytes = 300 << 20

    /// Reads a model file; every problem names the file, line, column and field.
    public static func load<S: NNScalar>(_ path: String, as _: S.Type = S.self) throws -> Network<S> {
        try decode(bytes: FileIO.readBytes(path, limit: maxBytes), path: path)
    }

    /// What a model file may hold: no array longer than a row or a column of the largest
    /// layer (4096 x 16 maxout rows), and no more values than the largest network has
    /// parameters, plus room for the keys. A 290 MB file padded with one long array is
    /// refused at that array, having built almost nothing.
    public static let limits = JSONLimits(arrayLength: Limits.maxUnits * Limits.maxPieces, values: Limits.maxParameters + 1_000_000)

    /// Saves atomically (a temporary file, then a rename), so a crash never damages an
    /// existing file. `extras` are extra top-level members, as raw JSON (ignored by readers).
    public static func save<S: NNScalar>(_ network: Network<S>, to path: String, extras: [(key: String, json: String)] = []) throws {
        guard network.isFinite else {
            throw NNLabError("the model has weights that are NaN or infinite (training diverged); \(path) was not written")
        }
        try FileIO.writeAtomically(encode(network, extras: extras), to: path)
    }

    /// The model as JSON text, one row of W per line.
    public static func encode<S: NNScalar>(_ network: Network<S>, extras: [(key: String, json: String)] = []) -> String {
        let arch = network.architecture
        var out = "{\n"
        out += "  \"format\": \"nnlab-model\",\n  \"version\": \(arch.isPlain ? 1 : 2),\n"
        out += "  \"description\": \(jsonString(arch.description)),\n"
        out += "  \"inputs\": \(arch.inputs),\n  \"loss\": \"\(arch.loss.rawValue)\",\n"
        out += "  \"layers\": [\n"
        for (k, s) in network.shapes.enumerated() {
            var head = "{\"units\": \(s.units), \"activation\": "
            switch s.function {
            case .hidden(let f):
                head += "\"\(f.name)\""
                if case .leakyReLU(let slope) = f { head += ", \"slope\": \(jsonNumber(slope))" }
                if case .maxout(let pieces) = f { head += ", \"pieces\": \(pieces)" }
            case .output(let o):
                head += "\"\(o.rawValue)\""
            }
            out += "    " + head + ",\n"
            out += "     \"W\": ["
            for r in 0..<s.rows {
                let row = (0..<s.inputs).map { jsonNumber(network.parameters[s.weightOffset + r * s.inputs + $0]) }
                out += (r == 0 ? "" : ",\n           ") + "[" + row.joined(separator: ", ") + "]"
            }
            out += "],\n"
            let b = (0..<s.rows).map { jsonNumber(network.parameters[s.biasOffset + $0]) }
            out += "     \"b\": [" + b.joined(separator: ", ") + "]"
            if s.skip > 0 { out += ",\n     \"skip\": \(s.skip)" }
            if s.keep < 1 { out += ",\n     \"dropout\": \(jsonNumber(s.keep))" }
            if let norm = s.norm {
                func list(_ values: ArraySlice<S>) -> String { "[" + values.map { jsonNumber($0) }.joined(separator: ", ") + "]" }
                out += ",\n     \"norm\": {\"kind\": \"\(norm.rawValue)\", \"epsilon\": \(jsonNumber(normEpsilon)),"
                out += "\n              \"gamma\": " + list(network.parameters[s.gammaOffset..<s.gammaOffset + s.units]) + ","
                out += "\n              \"beta\": " + list(network.parameters[s.betaOffset..<s.betaOffset + s.units])
                if norm == .batch {
                    let o = s.statisticsOffset
                    out += ",\n              \"momentum\": \(jsonNumber(batchNormMomentum)),"
                    out += "\n              \"running_mean\": " + list(network.statistics[o..<o + s.units]) + ","
                    out += "\n              \"running_var\": " + list(network.statistics[o + s.units..<o + 2 * s.units])
                }
                out += "}"
            }
            out += "}"
            out += k == network.shapes.count - 1 ? "\n" : ",\n"
        }
        out += "  ]"
        for (key, json) in extras { out += ",\n  \(jsonString(key)): \(json)" }
        out += "\n}\n"
        return out
    }

    /// Parses model text; `path` names the file in messages.
    public static func decode<S: NNScalar>(_ text: String, path: String) throws -> Network<S> {
        try decode(bytes: Array(text.utf8), path: path)
    }

    /// Parses the UTF-8 bytes of a model file.
    public static func decode<S: NNScalar>(bytes: [UInt8], path: String) throws -> Network<S> {
        let document: JSONDocument
        do {
            document = try JSONParser.parse(bytes: bytes, limits: limits)
        } catch let e as JSONSyntaxError {
            throw NNLabError("\(path):\(e.line):\(e.column): not valid JSON: \(e.message)")
        }
        var reader = Reader<S>(path: path, document: document)
        return try reader.network(document.root)
    }

    private struct Reader<S: NNScalar> {
        let path: String
        let document: JSONDocument

        func fail(_ node: JSONNode, _ field: String, _ message: String) -> NNLabError {
            let (line, column) = document.position(of: node)
            return NNLabError("\(path):\(line):\(column): \(field): \(message)")
        }

        func member(_ object: JSONNode, _ key: String, _ field: String) throws -> JSONNode {
            guard let node = object[key] else { throw fail(object, field, "missing key \"\(key)\"") }
            return node
        }

        func string(_ node: JSONNode, _ field: String) throws -> String {
            guard case .string(let s) = node.value else { throw fail(node, field, "expected a string, found \(node.kind)") }
            return s
        }

        func integer(_ node: JSONNode, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            guard case .number(let text) = node.value else { throw fail(node, field, "expected an integer, found \(node.kind)") }
            guard let x = Double(text), x == x.rounded(), x.isFinite else {
                throw fail(node, field, "expected an integer, found \(text.quotedForMessage())")
            }
            guard x >= Double(range.lowerBound), x <= Double(range.upperBound) else {
                throw fail(node, field, "must be between \(range.lowerBound) and \(range.upperBound), found \(text.quotedForMessage())")
            }
            return Int(x)
        }

        func number(_ node: JSONNode, _ field: String) throws -> S {
            guard case .number(let text) = node.value else { throw fail(node, field, "expected a number, found \(node.kind)") }
            guard let x = S(text), x.isFinite else { throw fail(node, field, "\(text.quotedForMessage()) is not a finite \(S.precisionName) number") }
            return x
        }

        /// The string at `node` read by one of NeuralCore's parsers; its message gets the
        /// file, line, column and field.
        func parse<T>(_ node: JSONNode, _ field: String, _ parser: (String) throws -> T) throws -> T {
            let text = try string(node, field)
            do { return try parser(text) } catch let e as NNLabError { throw fail(node, field, e.message) }
        }

        func array(_ node: JSONNode, _ field: String, count: Int, what: String) throws -> [JSONNode] {
            guard case .array(let elements) = node.value else { throw fail(node, field, "expected an array, found \(node.kind)") }
            guard elements.count == count else {
                let noun = count == 1 ? what.replacingFirst("values", with: "value").replacingFirst("rows", with: "row") : what
                throw fail(node, field, "expected \(count) \(noun), found \(elements.count)")
            }
            return elements
        }

        mutating func network(_ root: JSONNode) throws -> Network<S> {
            guard case .object = root.value else { throw fail(root, "model", "expected a JSON object, found \(root.kind)") }
            let format = try string(member(root, "format", "format"), "format")
            guard format == "nnlab-model" else {
                throw fail(root["format"]!, "format", "expected \"nnlab-model\", found \"\(format.quotedForMessage())\"")
            }
            let version = try integer(member(root, "version", "version"), "version", 0...Int(Int32.max))
            guard version == 1 || version == 2 else {
                throw fail(root["version"]!, "version", "this nnlab reads versions 1 and 2, found \(version)")
            }
            let inputs = try integer(member(root, "inputs", "inputs"), "inputs", 1...Limits.maxInputs)
            let lossNode = try member(root, "loss", "loss")
            let loss = try parse(lossNode, "loss", Loss.init(spec:))
            let layersNode = try member(root, "layers", "layers")
            guard case .array(let layers) = layersNode.value else {
                throw fail(layersNode, "layers", "expected an array of layers, found \(layersNode.kind)")
            }
            guard !layers.isEmpty else { throw fail(layersNode, "layers", "expected at least one layer (the output layer)") }
            guard layers.count <= Limits.maxHiddenLayers + 1 else {
                throw fail(layersNode, "layers", "at most \(Limits.maxHiddenLayers + 1) layers, found \(layers.count)")
            }

            // First the shapes (so sizes are checked before any large allocation), then values.
            var hidden: [HiddenLayer] = []
            var output = OutputActivation.identity
            var outputs = 0
            for (k, layer) in layers.enumerated() {
                let field = "layers[\(k)]"
                guard case .object = layer.value else { throw fail(layer, field, "expected an object, found \(layer.kind)") }
                let units = try integer(member(layer, "units", field), field + ".units", 1...Limits.maxUnits)
                let activationNode = try member(layer, "activation", field)
                if k == layers.count - 1 {
                    output = try parse(activationNode, field + ".activation", OutputActivation.init(spec:))
                    outputs = units
                } else {
                    var f = try parse(activationNode, field + ".activation", Activation.init(spec:))
                    if case .leakyReLU = f, let slopeNode = layer["slope"] {
                        let slope = try Reader<Double>(path: path, document: document).number(slopeNode, field + ".slope")
                        guard slope >= 0, slope < 1 else { throw fail(slopeNode, field + ".slope", "must be in [0, 1), found \(slope)") }
                        f = .leakyReLU(slope: slope)
                    }
                    if case .maxout = f {
                        let pieces = try integer(member(layer, "pieces", field), field + ".pieces", 2...Limits.maxPieces)
                        f = .maxout(pieces: pieces)
                    }
                    var hiddenLayer = HiddenLayer(units: units, activation: f)
                    if version >= 2 { try readParts(layer, field, into: &hiddenLayer, index: k, inputs: inputs, below: hidden) }
                    hidden.append(hiddenLayer)
                }
                if version == 1 {
                    for key in ["norm", "skip", "dropout"] {
                        if let node = layer[key] { throw fail(node, "\(field).\(key)", "a version 2 key in a version 1 file (write \"version\": 2)") }
                    }
                }
                if k == layers.count - 1 && version >= 2 {
                    for key in ["norm", "skip", "dropout"] {
                        if let node = layer[key] { throw fail(node, "\(field).\(key)", "the output layer takes no \(key) (only hidden layers do)") }
                    }
                }
            }
            let architecture = Architecture(inputs: inputs, hidden: hidden, outputs: outputs, output: output, loss: loss)
            do {
                try architecture.validate()
            } catch let e as NNLabError {
                throw fail(layersNode, "layers", e.message)
            }

            var parameters = [S]()
            parameters.reserveCapacity(architecture.parameterCount)
            for (k, shape) in architecture.shapes.enumerated() {
                let layer = layers[k]
                let field = "layers[\(k)]"
                let rowsWhat = shape.pieces > 1 ? "rows (\(shape.units) units x \(shape.pieces) pieces)" : "rows (one per unit)"
                let rows = try array(member(layer, "W", field), field + ".W", count: shape.rows, what: rowsWhat)
                for (r, row) in rows.enumerated() {
                    let rowField = "\(field).W[\(r)]"
                    let what = k == 0 ? "values (one per input)" : "values (one per unit of the layer below)"
                    for (j, value) in try array(row, rowField, count: shape.inputs, what: what).enumerated() {
                        parameters.append(try number(value, "\(rowField)[\(j)]"))
                    }
                }
                let bias = try array(member(layer, "b", field), field + ".b", count: shape.rows, what: "values (one per \(shape.pieces > 1 ? "piece" : "unit"))")
                for (i, value) in bias.enumerated() { parameters.append(try number(value, "\(field).b[\(i)]")) }
                if shape.norm != nil, let norm = layer["norm"] {
                    for key in ["gamma", "beta"] {
                        let values = try array(member(norm, key, "\(field).norm"), "\(field).norm.\(key)", count: shape.units, what: "values (one per unit)")
                        for (i, value) in values.enumerated() { parameters.append(try number(value, "\(field).norm.\(key)[\(i)]")) }
                    }
                }
            }
            var statistics = [S]()
            for (k, shape) in architecture.shapes.enumerated() where shape.norm == .batch {
                let norm = layers[k]["norm"]!
                let field = "layers[\(k)].norm"
                for (key, start) in [("running_mean", S(0)), ("running_var", S(1))] {
                    guard let node = norm[key] else {
                        statistics.append(contentsOf: repeatElement(start, count: shape.units))
                        continue
                    }
                    for (i, value) in try array(node, "\(field).\(key)", count: shape.units, what: "values (one per unit)").enumerated() {
                        let x = try number(value, "\(field).\(key)[\(i)]")
                        if key == "running_var" && x < 0 { throw fail(value, "\(field).\(key)[\(i)]", "a variance cannot be negative, found \(x)") }
                        statistics.append(x)
                    }
                }
            }
            return Network(unchecked: architecture, parameters: parameters, statistics: statistics)
        }

        /// A version 2 hidden layer's norm, skip and dropout, each checked where it stands.
        func readParts(_ layer: JSONNode, _ field: String, into hidden: inout HiddenLayer, index: Int, inputs: Int, below: [HiddenLayer]) throws {
            if let node = layer["skip"] {
                hidden.skip = try integer(node, field + ".skip", 0...(index + 1))
                // The architecture's own rule (the widths must agree), said at the key.
                let upToHere = Architecture(inputs: inputs, hidden: below + [hidden], outputs: 1, output: .identity)
                if let problem = upToHere.partsProblem(index) { throw fail(node, field + ".skip", problem) }
            }
            if let node = layer["dropout"] {
                let keep = try Reader<Double>(path: path, document: document).number(node, field + ".dropout")
                guard keep > 0 && keep <= 1 else { throw fail(node, field + ".dropout", "the keep probability must be in (0, 1], found \(keep)") }
                hidden.keep = keep
            }
            if let node = layer["norm"] {
                guard case .object = node.value else { throw fail(node, field + ".norm", "expected an object like {\"kind\": \"layer\", ...}, found \(node.kind)") }
                let kindNode = try member(node, "kind", field + ".norm")
                let kind = try parse(kindNode, field + ".norm.kind") { try NormKind(spec: $0) }
                if case .maxout = hidden.activation, kind != nil { throw fail(kindNode, field + ".norm.kind", "a norm on a maxout layer is not supported") }
                let doubles = Reader<Double>(path: path, document: document)
                if let e = node["epsilon"], try doubles.number(e, field + ".norm.epsilon") != normEpsilon {
                    throw fail(e, field + ".norm.epsilon", "this nnlab uses epsilon \(jsonNumber(normEpsilon)) in every norm")
                }
                if let m = node["momentum"], try doubles.number(m, field + ".norm.momentum") != batchNormMomentum {
                    throw fail(m, field + ".norm.momentum", "this nnlab uses momentum \(jsonNumber(batchNormMomentum)) for batch norm's running statistics")
                }
                if kind != nil {
                    for key in ["gamma", "beta"] where node[key] == nil { throw fail(node, field + ".norm", "missing key \"\(key)\"") }
                }
                hidden.norm = kind
            }
        }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else { return self }
        return replaceSubrange(range, with: replacement)
    }

    private func range(of target: String) -> Range<Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }

    private func replaceSubrange(_ r: Range<Index>, with s: String) -> String {
        String(self[..<r.lowerBound]) + s + String(self[r.upperBound...])
    }
}
