import Formatting
import Foundation
import NeuralCore
import Yams

/// One problem in a scenario file: where it is and what is wrong.
public struct ScenarioProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, as given.
    public let path: String
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int
    /// The key path ("network.activation", "expect[2].after"), or "" for the file itself.
    public let key: String
    /// What is wrong and what was expected.
    public let message: String

    /// `FILE:LINE:COLUMN: key: message`, with control characters written visibly (the file
    /// name and the values quoted are text from the user).
    public var description: String {
        ("\(path):\(line):\(column): " + (key.isEmpty ? "" : "\(key): ") + message).terminalSafeLine
    }
}

/// All the problems of one file (a scenario is reported whole, not one error at a time).
public struct ScenarioErrors: Error, Sendable, CustomStringConvertible {
    /// The problems, in file order.
    public let problems: [ScenarioProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// Limits of a scenario file.
public enum ScenarioLimits {
    /// Largest scenario file.
    public static let maxBytes = 256 * 1024
    /// Most hidden layers: the core's limit, the one limit of depth everywhere.
    public static let maxLayers = Limits.maxHiddenLayers
    /// Widest hidden layer.
    public static let maxWidth = 512
    /// Most epochs.
    public static let maxEpochs = 1_000_000
    /// Most points.
    public static let maxPoints = DatasetSpec.maxCount
}

/// Reads scenario files (YAML, read with Yams, which keeps every node's line and column).
public enum ScenarioParser {
    /// Reads and parses the scenario at `path`; relative data and model files are resolved
    /// against its folder.
    public static func load(_ path: String) throws -> Scenario {
        let text: String
        do {
            text = try FileIO.readText(path, limit: ScenarioLimits.maxBytes)
        } catch let e as NNLabError {
            throw ScenarioErrors(problems: [ScenarioProblem(path: path, line: 1, column: 1, key: "", message: e.message)])
        }
        let directory = (path as NSString).deletingLastPathComponent
        return try parse(text, path: path, directory: directory.isEmpty ? "." : directory)
    }

    /// Parses scenario text. `directory` resolves relative files (nil: files are not allowed,
    /// as for lessons compiled into the binary).
    public static func parse(_ text: String, path: String, directory: String?) throws -> Scenario {
        var reader = Reader(path: path, directory: directory)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioErrors(problems: [reader.yamlProblem(error, text: text)])
        } catch {
            throw ScenarioErrors(problems: [ScenarioProblem(path: path, line: 1, column: 1, key: "", message: "not valid YAML: \(error)")])
        }
        guard let root else {
            throw ScenarioErrors(problems: [ScenarioProblem(path: path, line: 1, column: 1, key: "", message: "the file is empty; a scenario needs title, lesson, data, network and training")])
        }
        let scenario = reader.scenario(root)
        if !reader.problems.isEmpty || scenario == nil {
            throw ScenarioErrors(problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return scenario!
    }

    /// Every key the format knows, by section (for the documentation and the tests).
    public static let keys: [String: [String]] = [
        "": ["title", "lesson", "data", "network", "training", "variants", "robustness", "view", "expect"],
        "data": ["dataset", "file", "points", "noise", "classes", "train_ratio", "validation_ratio", "features", "seed"],
        "network": ["layers", "activation", "norm", "skip", "dropout", "output", "loss", "init", "bias_init", "model", "weights", "threshold"],
        "training": ["optimizer", "learning_rate", "batch", "l1", "l2", "epochs", "seed", "shuffle"],
        "view": ["main", "paused", "lock", "discretize", "test_points", "speed", "compare", "quiz", "chain"],
        "claim": ["at_least", "at_most", "equals", "layer", "to_layer", "feature", "after", "says", "robustness"],
        "variant": ["says", "data", "network", "training"],
        "robustness": ["seeds", "at_least"],
    ]

    /// What a variant may change: everything but the data sample, the seed and the epochs
    /// (every variant trains on the same points for as long as the others).
    public static let variantKeys: [String: [String]] = [
        "data": ["features"],
        "network": ["layers", "activation", "norm", "skip", "dropout", "output", "loss", "init", "bias_init", "model", "weights", "threshold"],
        "training": ["optimizer", "learning_rate", "batch", "l1", "l2", "shuffle"],
    ]

    /// Most variants in a lesson.
    public static let maxVariants = 4
}

/// Walks the YAML tree, collecting every problem.
private struct Reader {
    let path: String
    let directory: String?
    var problems: [ScenarioProblem] = []
    /// Put before every problem's key while a variant is read ("variants.relu.").
    var keyPrefix = ""
    /// The names under `variants:` (also of variants that could not be read), for the claims.
    var variantNames: [String] = []

    mutating func problem(_ node: Node?, _ key: String, _ message: String) {
        let mark = node?.mark
        problems.append(ScenarioProblem(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, key: keyPrefix + key, message: message))
    }

    func yamlProblem(_ error: YamlError, text: String) -> ScenarioProblem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            // libyaml's words for its nesting limit name its own C function.
            let words = problem.contains("nesting level") ? "lists or mappings nested too deeply (a lesson needs a few levels)" : problem
            return ScenarioProblem(path: path, line: mark.line, column: mark.column, key: "", message: "not valid YAML: \(words)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams points at the mapping; point at the key's second appearance instead.
            let key = duplicates.first ?? ""
            var seen = 0
            var place = (context.mark.line, context.mark.column)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.drop { $0 == " " }
                if trimmed.hasPrefix(key + ":") {
                    seen += 1
                    if seen == 2 { place = (i + 1, line.count - trimmed.count + 1); break }
                }
            }
            return ScenarioProblem(path: path, line: place.0, column: place.1, key: key,
                                   message: "appears twice; give each key once")
        case .reader(let problem, _, _, _):
            return ScenarioProblem(path: path, line: 1, column: 1, key: "", message: "not valid YAML: \(problem)")
        default:
            return ScenarioProblem(path: path, line: 1, column: 1, key: "", message: "not valid YAML: \(error)")
        }
    }

    // MARK: Typed values

    /// The mapping's entries, checking for unknown keys (with a hint) and missing required ones.
    mutating func entries(_ node: Node, _ key: String, allowed: [String], required: [String] = []) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            problem(node, key, "expected a mapping of keys (\(allowed.joined(separator: ", "))), found \(describe(node))")
            return nil
        }
        var out: [String: Node] = [:]
        for (k, v) in mapping {
            guard case .scalar(let scalar) = k else {
                problem(k, key, "keys must be plain names")
                continue
            }
            let name = scalar.string
            let full = key.isEmpty ? name : "\(key).\(name)"
            if !allowed.contains(name) {
                var message = "unknown key"
                if let hint = closestMatch(name, among: allowed) { message += "; did you mean \"\(hint)\"?" }
                message += " (allowed: \(allowed.joined(separator: ", ")))"
                problem(k, full, message)
                continue
            }
            out[name] = v
        }
        for r in required where out[r] == nil {
            problem(node, key, "missing key \"\(r)\"")
        }
        return out
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s): "\"\(s.string.quotedForMessage())\""
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    mutating func string(_ node: Node, _ key: String) -> String? {
        guard case .scalar(let s) = node else {
            problem(node, key, "expected text, found \(describe(node))")
            return nil
        }
        return s.string
    }

    mutating func number(_ node: Node, _ key: String, _ range: ClosedRange<Double>, exclusiveLower: Bool = false) -> Double? {
        guard case .scalar(let s) = node, let v = Double(s.string.trimmingCharacters(in: .whitespaces)), v.isFinite else {
            problem(node, key, "expected a number, found \(describe(node))")
            return nil
        }
        if exclusiveLower && v <= range.lowerBound {
            problem(node, key, "must be greater than \(NumberFormat.short(range.lowerBound)), found \(s.string)")
            return nil
        }
        return within(range, v, node, key, found: s.string, NumberFormat.short)
    }

    mutating func integer(_ node: Node, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard case .scalar(let s) = node, let v = Int(s.string.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) else {
            problem(node, key, "expected a whole number, found \(describe(node))")
            return nil
        }
        return within(range, v, node, key, found: "\(v)") { "\($0)" }
    }

    /// `v` if it is in `range`, else a problem naming the range and what was `found`.
    mutating func within<T: Comparable>(_ range: ClosedRange<T>, _ v: T, _ node: Node, _ key: String, found: String,
                                        _ text: (T) -> String) -> T? {
        guard range.contains(v) else {
            problem(node, key, "must be between \(text(range.lowerBound)) and \(text(range.upperBound)), found \(found)")
            return nil
        }
        return v
    }

    mutating func bool(_ node: Node, _ key: String) -> Bool? {
        guard case .scalar(let s) = node else {
            problem(node, key, "expected true or false, found \(describe(node))")
            return nil
        }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, key, "expected true or false, found \"\(s.string)\"")
            return nil
        }
    }

    /// A single name or a list of names.
    mutating func names(_ node: Node, _ key: String) -> [(String, Node)]? {
        switch node {
        case .scalar(let s):
            return s.string.split(separator: ",").map { (String($0).trimmingCharacters(in: .whitespaces), node) }
        case .sequence(let seq):
            var out: [(String, Node)] = []
            for item in seq {
                if let s = string(item, key) { out.append((s.trimmingCharacters(in: .whitespaces), item)) }
            }
            return out
        default:
            problem(node, key, "expected a name or a list of names, found \(describe(node))")
            return nil
        }
    }

    /// The text of `node` read by one of NeuralCore's parsers (`Activation(spec:)`, ...); its
    /// message becomes a problem at the node.
    mutating func parsed<T>(_ node: Node, _ key: String, _ parse: (String) throws -> T) -> T? {
        guard let text = string(node, key) else { return nil }
        do {
            return try parse(text.trimmingCharacters(in: .whitespaces))
        } catch let e as NNLabError {
            problem(node, key, e.message)
        } catch {
            problem(node, key, "\(error)")
        }
        return nil
    }

    mutating func choice(_ node: Node, _ key: String, _ allowed: [String]) -> String? {
        guard let s = string(node, key) else { return nil }
        guard allowed.contains(s) else {
            problem(node, key, choiceMessage(found: s, allowed: allowed))
            return nil
        }
        return s
    }

    mutating func file(_ node: Node, _ key: String, what: String) -> String? {
        guard let name = string(node, key) else { return nil }
        guard let directory else {
            problem(node, key, "a lesson compiled into nnlab cannot read files; use a generated dataset")
            return nil
        }
        let resolved = name.hasPrefix("/") ? name : directory + "/" + name
        guard FileIO.isFile(resolved) else {
            problem(node, key, "cannot find the \(what) \(name) (paths are relative to the scenario's folder)")
            return nil
        }
        return resolved
    }

    // MARK: Sections

    mutating func scenario(_ root: Node) -> Scenario? {
        guard let top = entries(root, "", allowed: ScenarioParser.keys[""]!, required: ["title", "lesson", "data", "network", "training"]) else {
            return nil
        }
        let title = top["title"].flatMap { string($0, "title") }
        if let t = title, t.trimmingCharacters(in: .whitespaces).isEmpty { problem(top["title"], "title", "must not be empty") }
        let lesson = top["lesson"].flatMap { string($0, "lesson") }
        let data = top["data"].flatMap { dataSection($0) }
        let network = top["network"].flatMap { networkSection($0) }
        let training = top["training"].flatMap { trainingSection($0) }
        let view = top["view"].map { viewSection($0) } ?? ViewSettings()
        var variants: [(variant: Variant, network: NetworkPart)] = []
        if case .mapping(let m)? = top["variants"] { variantNames = m.compactMap(\.key.string).filter(Self.isVariantName) }
        if let v = top["variants"], let data, let network, let training, problems.isEmpty {
            variants = variantsSection(v, top: top, data: data, network: network, training: training)
        }
        var robustness = Robustness()
        if let r = top["robustness"], let v = robustnessValue(r, "robustness") { robustness = v }
        var claims: [Claim] = []
        if let e = top["expect"] {
            var truthTable = false
            if case .generated(let spec)? = data?.source, spec.kind == .xorTable { truthTable = true }
            claims = expectSection(e, epochs: training?.epochs, network: network, variants: variants, noTestSet: truthTable)
        }
        guard let title, let lesson, let data, let network, let training, problems.isEmpty else { return nil }
        let name = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let configuration = self.configuration(data, network, training)
        var text = lesson.trimmingCharacters(in: .whitespacesAndNewlines)
        if !variants.isEmpty {
            text += "\n\nThis lesson compares " + variants.map { "\($0.variant.name) (\($0.variant.says))" }.joined(separator: ", ")
                + (view.compare ? ". The lab trains them side by side; `nnlab open \(name) --variant NAME` opens one alone, "
                   : ". The lab opens \(variants[0].variant.name) (press c to clone it and compare); `nnlab open \(name) --variant NAME` opens another, ")
                + "`nnlab run \(name)` trains them all and checks the claims."
        }
        // The lesson's text reaches the terminal: control characters become visible text.
        var scenario = Scenario(name: name, path: path, title: title.terminalSafeLine, lesson: text.terminalSafe,
                                configuration: variants.first?.variant.configuration ?? configuration,
                                modelPath: variants.first?.variant.modelPath ?? network.model, epochs: training.epochs,
                                view: view, claims: claims)
        scenario.variants = variants.map(\.variant)
        scenario.robustness = robustness
        return scenario
    }

    func configuration(_ data: DataPart, _ network: NetworkPart, _ training: TrainingPart) -> SessionConfiguration {
        var configuration = SessionConfiguration(
            data: data.source, trainRatio: data.trainRatio, features: data.features, hidden: network.hidden,
            output: network.output, loss: network.loss, weightInit: network.weightInit, biasInit: network.biasInit,
            settings: training.settings, seed: training.seed)
        configuration.initialWeights = network.weights
        configuration.threshold = network.threshold
        configuration.validationRatio = data.validationRatio
        if case .generated(var spec) = data.source, let seed = data.seed {
            spec.seed = seed
            configuration.data = .generated(spec)
        }
        return configuration
    }

    /// `variants:`: two to four names, each with the keys it changes. A variant's sections are
    /// the lesson's with its keys replaced, read again by the same section readers.
    mutating func variantsSection(_ node: Node, top: [String: Node], data: DataPart, network: NetworkPart,
                                  training: TrainingPart) -> [(variant: Variant, network: NetworkPart)] {
        guard case .mapping(let mapping) = node else {
            problem(node, "variants", "expected a mapping of variant names to the keys they change, like \"relu: {network: {activation: relu}}\", found \(describe(node))")
            return []
        }
        guard (2...ScenarioParser.maxVariants).contains(mapping.count) else {
            problem(node, "variants", "a lesson compares 2 to \(ScenarioParser.maxVariants) variants, found \(mapping.count)")
            return []
        }
        var out: [(variant: Variant, network: NetworkPart)] = []
        for (k, v) in mapping {
            guard let name = k.string, Self.isVariantName(name) else {
                problem(k, "variants", "a variant's name is 1 to 24 lower-case letters, digits, _ or -, starting with a letter; found \(describe(k))")
                continue
            }
            let before = problems.count
            keyPrefix = "variants.\(name)."
            defer { keyPrefix = "" }
            guard let parts = entries(v, "", allowed: ScenarioParser.keys["variant"]!, required: ["says"]) else { continue }
            let says = parts["says"].flatMap { string($0, "says") }?.trimmingCharacters(in: .whitespaces) ?? ""
            if parts["says"] != nil && says.isEmpty { problem(parts["says"], "says", "say in a few words how this variant differs") }
            // Each section: the variant's keys checked, then merged over the lesson's.
            var merged: [String: Node] = [:]
            for section in ["data", "network", "training"] {
                guard let change = parts[section] else { continue }
                guard let changed = entries(change, section, allowed: ScenarioParser.keys[section]!) else { continue }
                let allowed = ScenarioParser.variantKeys[section]!
                for (key, value) in changed where !allowed.contains(key) {
                    problem(value, "\(section).\(key)", "a variant cannot change \(key): every variant trains on the same data, "
                            + "seed and epochs (it may change: \(allowed.joined(separator: ", ")))")
                }
                guard case .mapping(let base) = top[section]!, case .mapping(let overrides) = change else { continue }
                let replaced = Set(overrides.compactMap { $0.key.string })
                var pairs = base.filter { !replaced.contains($0.key.string ?? "") }.map { ($0.key, $0.value) }
                pairs += overrides.map { ($0.key, $0.value) }
                merged[section] = .mapping(Node.Mapping(pairs, .implicit, .block, change.mark))
            }
            guard problems.count == before else { continue }
            let d = merged["data"].map { dataSection($0) } ?? data
            let n = merged["network"].map { networkSection($0) } ?? network
            let t = merged["training"].map { trainingSection($0) } ?? training
            guard let d, let n, let t, problems.count == before else { continue }
            out.append((Variant(name: name, says: says.terminalSafeLine, configuration: configuration(d, n, t), modelPath: n.model), n))
        }
        return out
    }

    /// 1 to 24 lower-case letters, digits, _ or -, starting with a letter.
    static func isVariantName(_ name: String) -> Bool {
        name.range(of: "^[a-z][a-z0-9_-]{0,23}$", options: .regularExpression) != nil
    }

    /// `robustness: {seeds: 10, at_least: 9}`.
    mutating func robustnessValue(_ node: Node, _ key: String) -> Robustness? {
        guard let r = entries(node, key, allowed: ScenarioParser.keys["robustness"]!, required: ["at_least"]) else { return nil }
        var value = Robustness()
        if let s = r["seeds"], let n = integer(s, "\(key).seeds", 1...1000) { value.seeds = n }
        guard let a = r["at_least"], let n = integer(a, "\(key).at_least", 1...1000) else { return nil }
        guard n <= value.seeds else {
            problem(a, "\(key).at_least", "is above seeds (\(value.seeds)): a claim cannot hold on more seeds than are run")
            return nil
        }
        value.atLeast = n
        return value
    }

    struct DataPart {
        var source: DataSource
        var trainRatio = 0.5
        var validationRatio = 0.0
        var features = FeatureSet.plain
        var seed: UInt64?
    }

    mutating func dataSection(_ node: Node) -> DataPart? {
        guard let d = entries(node, "data", allowed: ScenarioParser.keys["data"]!) else { return nil }
        var source: DataSource?
        if d["dataset"] != nil && d["file"] != nil {
            problem(d["file"], "data.file", "give either dataset or file, not both")
        } else if let n = d["dataset"] {
            if let kind = parsed(n, "data.dataset", DatasetKind.init(spec:)) {
                var spec = DatasetSpec(kind: kind)
                if let p = d["points"], let v = integer(p, "data.points", 4...ScenarioLimits.maxPoints) { spec.count = v }
                if let p = d["noise"], let v = number(p, "data.noise", 0...50) { spec.noise = v }
                if let p = d["classes"] {
                    if kind != .spirals { problem(p, "data.classes", "only the spirals data set has a number of classes") }
                    else if let v = integer(p, "data.classes", 2...5) { spec.classes = v }
                }
                source = .generated(spec)
            }
        } else if let f = d["file"] {
            for k in ["points", "noise", "classes"] where d[k] != nil {
                problem(d[k], "data.\(k)", "applies to generated data sets, not to a file")
            }
            if let resolved = file(f, "data.file", what: "data file") {
                do {
                    _ = try Dataset.load(csv: resolved)
                    source = .file(resolved)
                } catch let e as NNLabError {
                    problem(f, "data.file", e.message)
                } catch {
                    problem(f, "data.file", "\(error)")
                }
            }
        } else {
            problem(node, "data", "missing key \"dataset\" (a generated data set) or \"file\" (a CSV file)")
        }
        var part = DataPart(source: source ?? .generated(DatasetSpec(kind: .circles)))
        if let r = d["train_ratio"], let v = number(r, "data.train_ratio", 0.1...0.9) { part.trainRatio = v }
        if let r = d["validation_ratio"], let v = number(r, "data.validation_ratio", 0...0.5) {
            part.validationRatio = v
            if part.trainRatio + v > 0.9 { problem(r, "data.validation_ratio", "train_ratio + validation_ratio must leave at least 10% for testing") }
        }
        if let f = d["features"], let list = names(f, "data.features") {
            var features: [Feature] = []
            for (name, n) in list {
                guard let feature = parsed(n, "data.features", { _ in try Feature(spec: name) }) else { continue }
                if features.contains(feature) {
                    problem(n, "data.features", "\(feature.rawValue) is given twice; each feature is one input")
                } else {
                    features.append(feature)
                }
            }
            if features.isEmpty && !list.isEmpty { problem(f, "data.features", "at least one feature is needed") }
            if !features.isEmpty { part.features = FeatureSet(features) }
        }
        if let s = d["seed"], let v = integer(s, "data.seed", 0...Int(Int32.max)) { part.seed = UInt64(v) }
        return source == nil ? nil : part
    }

    struct NetworkPart {
        var hidden: [HiddenLayer] = []
        var output: OutputActivation?
        var loss: Loss?
        var weightInit: WeightInit?
        var biasInit = 0.0
        /// A single logistic output's decision threshold.
        var threshold = 0.5
        var model: String?
        /// Hand-set parameters in the model file's order (W(1) row by row, b(1), W(2), ...).
        var weights: [Double]?
    }

    mutating func networkSection(_ node: Node) -> NetworkPart? {
        guard let n = entries(node, "network", allowed: ScenarioParser.keys["network"]!) else { return nil }
        var part = NetworkPart()
        var widths: [Int] = []
        if let l = n["layers"] {
            switch l {
            case .sequence(let seq):
                if seq.count > ScenarioLimits.maxLayers {
                    problem(l, "network.layers", "at most \(ScenarioLimits.maxLayers) hidden layers, found \(seq.count)")
                }
                for (i, item) in seq.enumerated() {
                    if let w = integer(item, "network.layers[\(i)]", 1...ScenarioLimits.maxWidth) { widths.append(w) }
                }
            case .scalar(let s) where s.string == "none" || s.string == "[]" || s.string.isEmpty:
                break
            case .scalar:
                if let w = integer(l, "network.layers", 1...ScenarioLimits.maxWidth) { widths = [w] }
            default:
                problem(l, "network.layers", "expected a list of hidden layer widths like [8, 8] ([] for a single neuron), found \(describe(l))")
            }
        } else if n["model"] == nil {
            problem(node, "network", "missing key \"layers\" (hidden layer widths; [] for a single neuron)")
        }
        var activations = [Activation](repeating: .tanh, count: widths.count)
        if let a = n["activation"], let list = names(a, "network.activation") {
            var parsed: [Activation] = []
            for (name, node) in list {
                if let f = self.parsed(node, "network.activation", { _ in try Activation(spec: name) }) { parsed.append(f) }
            }
            if parsed.count == list.count {
                if parsed.count == 1 {
                    activations = [Activation](repeating: parsed[0], count: widths.count)
                } else if parsed.count == widths.count {
                    activations = parsed
                } else {
                    problem(a, "network.activation", "give one activation, or one per hidden layer (\(widths.count)); found \(parsed.count)")
                }
            }
        }
        part.hidden = zip(widths, activations).map { HiddenLayer(units: $0, activation: $1) }
        layerParts(n, &part.hidden)
        if let o = n["output"] { part.output = parsed(o, "network.output", OutputActivation.init(spec:)) }
        if let l = n["loss"] { part.loss = parsed(l, "network.loss", Loss.init(spec:)) }
        if let i = n["init"] { part.weightInit = initValue(i) }
        if let b = n["bias_init"], let v = number(b, "network.bias_init", -100...100) { part.biasInit = v }
        if let t = n["threshold"], let v = number(t, "network.threshold", 0.001...0.999) {
            part.threshold = v
            if let o = part.output, o != .logistic {
                problem(t, "network.threshold", "a decision threshold needs a logistic output (the output is \(o))")
            }
        }
        if let m = n["model"], let resolved = file(m, "network.model", what: "model file") {
            do {
                let _: Network<Float> = try ModelFile.load(resolved)
                part.model = resolved
            } catch let e as NNLabError {
                problem(m, "network.model", e.message)
            } catch {
                problem(m, "network.model", "\(error)")
            }
        }
        if let w = n["weights"] {
            if n["model"] != nil { problem(w, "network.weights", "give either model or weights, not both") }
            if part.hidden.contains(where: { $0.norm != nil }) {
                problem(w, "network.weights", "hand-set weights are W and b only; a network with a norm also has gamma and beta (save it with w and use model: instead)")
            }
            part.weights = weightsValue(w, widths: widths)
        }
        if let output = part.output, let message = outputCombinationProblem(output, part.loss ?? Loss.natural(for: output)) {
            problem(n["loss"] ?? n["output"], n["loss"] == nil ? "network.output" : "network.loss", message)
        }
        if part.output == .step && !widths.isEmpty {
            problem(n["output"], "network.output", "a step output is trained by the perceptron rule, which has no hidden layers; use layers: []")
        }
        return part
    }

    /// `init: glorot`, `init: he:5/3`, or `init: {scheme: glorot, gain: 1.667}` (a gain for
    /// glorot and he only; 5/3 is read as a fraction).
    mutating func initValue(_ node: Node) -> WeightInit? {
        guard case .mapping = node else { return parsed(node, "network.init", WeightInit.init(spec:)) }
        guard let e = entries(node, "network.init", allowed: ["scheme", "gain"], required: ["scheme"]), let schemeNode = e["scheme"],
              let scheme = parsed(schemeNode, "network.init.scheme", WeightInit.init(spec:)) else { return nil }
        guard let g = e["gain"] else { return scheme }
        guard scheme.scheme == "glorot" || scheme.scheme == "he" else {
            problem(g, "network.init.gain", "a gain scales glorot and he; \(scheme.scheme) sets its own scale")
            return nil
        }
        return gainValue(g).map { scheme.with(gain: $0) }
    }

    mutating func gainValue(_ node: Node) -> Double? {
        guard let text = string(node, "network.init.gain") else { return nil }
        guard let g = WeightInit.gain(text) else {
            problem(node, "network.init.gain", "expected a number or a fraction greater than 0 and at most \(NumberFormat.short(WeightInit.maxGain)), like 5/3; found \(describe(node))")
            return nil
        }
        return g
    }

    /// `norm`, `skip` and `dropout` of the hidden layers, as `nnlab train`'s flags:
    /// `norm: batch` or `[none, layer, ...]` (one for all or one per hidden layer), `dropout: 0.8`
    /// (keep probabilities, one or one per layer), `skip: K` (each hidden layer whose a(l+1-K) is
    /// a hidden layer of its width gets it added).
    mutating func layerParts(_ n: [String: Node], _ hidden: inout [HiddenLayer]) {
        func perLayer<T>(_ key: String, _ values: [T], _ node: Node, _ apply: (inout HiddenLayer, T) -> Void) {
            if values.count == 1 {
                for i in hidden.indices { apply(&hidden[i], values[0]) }
            } else if values.count == hidden.count {
                for i in hidden.indices { apply(&hidden[i], values[i]) }
            } else {
                problem(node, "network.\(key)", "give one value, or one per hidden layer (\(hidden.count)); found \(values.count)")
            }
        }
        let given = ["norm", "skip", "dropout"].filter { n[$0] != nil }
        if hidden.isEmpty, let key = given.first {
            problem(n[key], "network.\(key)", "acts on hidden layers, and the network has none")
            return
        }
        if let a = n["norm"], let list = names(a, "network.norm") {
            var kinds: [NormKind?] = []
            for (name, node) in list {
                let kind: NormKind?? = parsed(node, "network.norm") { _ in try NormKind(spec: name) }
                if let kind { kinds.append(kind) }
            }
            if kinds.count == list.count { perLayer("norm", kinds, a) { (layer: inout HiddenLayer, kind: NormKind?) in layer.norm = kind } }
        }
        if let d = n["dropout"] {
            let items: [Node] = if case .sequence(let seq) = d { Array(seq) } else { [d] }
            let keeps = items.compactMap { number($0, "network.dropout", 0...1, exclusiveLower: true) }
            if keeps.count == items.count { perLayer("dropout", keeps, d) { $0.keep = $1 } }
        }
        if let k = n["skip"], let skip = integer(k, "network.skip", 0...ScenarioLimits.maxLayers), skip > 0 {
            hidden = hidden.withSkip(skip, inputs: nil)
            if hidden.skipDistance == 0 {
                problem(k, "network.skip", "no hidden layer has the width of the hidden layer \(skip) below it, so nothing would be added; make the widths agree (e.g. layers: [16, 16, 16])")
            }
        }
        let architecture = Architecture(inputs: 2, hidden: hidden, outputs: 1, output: .identity)
        for i in hidden.indices {
            if let message = architecture.partsProblem(i) {
                problem(n["norm"] ?? n["dropout"] ?? n["skip"], "network.\(given.first ?? "norm")", message)
                break
            }
        }
    }

    /// `weights: [{W: [[...], ...], b: [...]}, ...]`: one entry per layer, W with one row per
    /// unit and one column per input of the layer; the rows of one layer are the inputs of the next.
    mutating func weightsValue(_ node: Node, widths: [Int]) -> [Double]? {
        guard case .sequence(let layers) = node else {
            problem(node, "network.weights", "expected a list of layers like \"- {W: [[20, 20]], b: [-10]}\", found \(describe(node))")
            return nil
        }
        guard layers.count == widths.count + 1 else {
            problem(node, "network.weights", "give one entry per layer of weights: \(widths.count + 1) (the hidden layers and the output), found \(layers.count)")
            return nil
        }
        var values: [Double] = []
        var inputs: Int?
        for (l, layer) in layers.enumerated() {
            let key = "network.weights[\(l)]"
            guard let e = entries(layer, key, allowed: ["W", "b"], required: ["W", "b"]), let wNode = e["W"], let bNode = e["b"] else { return nil }
            guard case .sequence(let rows) = wNode, !rows.isEmpty else {
                problem(wNode, "\(key).W", "expected a list of rows, one per unit, like [[20, 20], [-20, -20]]")
                return nil
            }
            var matrix: [[Double]] = []
            for row in rows {
                guard case .sequence(let cells) = row, !cells.isEmpty else {
                    problem(row, "\(key).W", "each row is a list of numbers, one per input of the layer")
                    return nil
                }
                let numbers = cells.compactMap { number($0, "\(key).W", -1e6...1e6) }
                guard numbers.count == cells.count else { return nil }
                matrix.append(numbers)
            }
            let columns = matrix[0].count
            if let i = matrix.firstIndex(where: { $0.count != columns }) {
                problem(rows[i], "\(key).W", "every row needs \(columns) numbers, like the first; this one has \(matrix[i].count)")
                return nil
            }
            if let inputs, columns != inputs {
                problem(wNode, "\(key).W", "the layer before has \(inputs) units, so each row needs \(inputs) numbers, found \(columns)")
                return nil
            }
            if l < widths.count, matrix.count != widths[l] {
                problem(wNode, "\(key).W", "hidden layer \(l + 1) has \(widths[l]) units, so W(\(l + 1)) needs \(widths[l]) rows, found \(matrix.count)")
                return nil
            }
            guard case .sequence(let bs) = bNode else {
                problem(bNode, "\(key).b", "expected a list of biases, one per unit")
                return nil
            }
            let biases = bs.compactMap { number($0, "\(key).b", -1e6...1e6) }
            guard biases.count == bs.count else { return nil }
            guard biases.count == matrix.count else {
                problem(bNode, "\(key).b", "W(\(l + 1)) has \(matrix.count) rows, so b(\(l + 1)) needs \(matrix.count) biases, found \(biases.count)")
                return nil
            }
            values += matrix.joined()
            values += biases
            inputs = matrix.count
        }
        return values
    }

    func outputCombinationProblem(_ output: OutputActivation, _ loss: Loss) -> String? {
        let arch = Architecture(inputs: 2, hidden: [], outputs: output == .softmax ? 3 : 1, output: output, loss: loss)
        do { try arch.validate(); return nil } catch { return (error as? NNLabError)?.message }
    }

    struct TrainingPart {
        var settings = TrainingSettings()
        var epochs = 100
        var seed: UInt64 = 1
    }

    mutating func trainingSection(_ node: Node) -> TrainingPart? {
        guard let t = entries(node, "training", allowed: ScenarioParser.keys["training"]!, required: ["epochs"]) else { return nil }
        var part = TrainingPart()
        if let o = t["optimizer"], let opt = parsed(o, "training.optimizer", Optimizer.init(spec:)) { part.settings.optimizer = opt }
        if let v = t["learning_rate"].flatMap({ number($0, "training.learning_rate", 0...1000, exclusiveLower: true) }) { part.settings.learningRate = v }
        if let v = t["batch"].flatMap({ integer($0, "training.batch", 1...ScenarioLimits.maxPoints) }) { part.settings.batchSize = v }
        if let v = t["l1"].flatMap({ number($0, "training.l1", 0...100) }) { part.settings.l1 = v }
        if let v = t["l2"].flatMap({ number($0, "training.l2", 0...100) }) { part.settings.l2 = v }
        if let v = t["epochs"].flatMap({ integer($0, "training.epochs", 0...ScenarioLimits.maxEpochs) }) { part.epochs = v }
        if let v = t["seed"].flatMap({ integer($0, "training.seed", 0...Int(Int32.max)) }) { part.seed = UInt64(v) }
        if let v = t["shuffle"].flatMap({ bool($0, "training.shuffle") }) { part.settings.shuffle = v }
        return part
    }

    mutating func viewSection(_ node: Node) -> ViewSettings {
        var view = ViewSettings()
        guard let v = entries(node, "view", allowed: ScenarioParser.keys["view"]!) else { return view }
        if let m = v["main"], let name = choice(m, "view.main", ViewSettings.MainPanel.allCases.map(\.rawValue)) {
            view.main = ViewSettings.MainPanel(rawValue: name)!
        }
        if let p = v["paused"], let b = bool(p, "view.paused") { view.paused = b }
        if let d = v["discretize"], let b = bool(d, "view.discretize") { view.discretize = b }
        if let t = v["test_points"], let b = bool(t, "view.test_points") { view.testPoints = b }
        if let s = v["speed"], let n = integer(s, "view.speed", 0...10_000_000) { view.speed = n }
        if let c = v["compare"], let b = bool(c, "view.compare") { view.compare = b }
        if let q = v["quiz"], let b = bool(q, "view.quiz") { view.quiz = b }
        if let c = v["chain"], let b = bool(c, "view.chain") { view.chain = b }
        if let l = v["lock"], let list = names(l, "view.lock") {
            for (name, n) in list {
                if let lock = Lock(rawValue: name) { view.locked.insert(lock) } else {
                    problem(n, "view.lock", choiceMessage(found: name, allowed: Lock.names))
                }
            }
        }
        return view
    }

    /// One side of a claim's name: "relu.test_accuracy" or "test_accuracy".
    mutating func term(_ text: String, _ node: Node, _ key: String, variants: [String]) -> (variant: String?, measure: Claim.Measure)? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", maxSplits: 1).map(String.init)
        let variant: String? = parts.count == 2 ? parts[0] : nil
        let name = parts.last ?? ""
        guard let measure = Claim.Measure(rawValue: name) else {
            problem(node, key, choiceMessage(found: name, allowed: Claim.Measure.allCases.map(\.rawValue)))
            return nil
        }
        if let variant {
            if variants.isEmpty {
                problem(node, key, "\"\(variant)\" names a variant, but the lesson has no variants")
                return nil
            }
            guard variants.contains(variant) else {
                var message = "there is no variant \"\(variant)\" (the variants: \(variants.joined(separator: ", ")))"
                if let hint = closestMatch(variant, among: variants) { message += "; did you mean \"\(hint)\"?" }
                problem(node, key, message)
                return nil
            }
        } else if !variants.isEmpty {
            problem(node, key, "name the variant it is measured on: \(variants.map { "\($0).\(name)" }.joined(separator: " or "))")
            return nil
        }
        return (variant, measure)
    }

    mutating func expectSection(_ node: Node, epochs: Int?, network base: NetworkPart?,
                                variants: [(variant: Variant, network: NetworkPart)], noTestSet: Bool = false) -> [Claim] {
        guard case .sequence(let items) = node else {
            problem(node, "expect", "expected a list of claims like \"- train_accuracy: {at_least: 0.95}\", found \(describe(node))")
            return []
        }
        var claims: [Claim] = []
        for (index, item) in items.enumerated() {
            let key = "expect[\(index)]"
            guard case .mapping(let mapping) = item, mapping.count == 1, let (k, value) = mapping.first.map({ ($0.key, $0.value) }) else {
                problem(item, key, "each claim is one measure, like \"- train_accuracy: {at_least: 0.95}\"")
                continue
            }
            let name = k.string ?? ""
            let names = variantNames
            // "a.m", or "a.m - b.m", "a.m / b.m": a comparison of two measures.
            var sides = [name]
            var operation: Claim.Term.Operation?
            for op in [Claim.Term.Operation.minus, .over] where name.contains(" \(op.rawValue) ") {
                sides = name.components(separatedBy: " \(op.rawValue) ")
                operation = op
            }
            guard sides.count <= 2 else {
                problem(k, key, "compare two measures at most, like \"relu.test_accuracy - softplus.test_accuracy\"")
                continue
            }
            guard let first = term(sides[0], k, key, variants: names) else { continue }
            var claim = Claim(measure: first.measure, variant: first.variant)
            if let operation {
                guard let second = term(sides[1], k, key, variants: names) else { continue }
                claim.other = Claim.Term(operation: operation, variant: second.variant, measure: second.measure)
                if first.measure == .parameters || second.measure == .parameters {
                    problem(k, key, "parameters is a fact of the network, not a measure to compare; say it in the lesson's text")
                }
            }
            // The truth table's 4 points are its training set; a test measure would quietly
            // measure them again (the report shows no test set).
            let testMeasures: Set<Claim.Measure> = [.testAccuracy, .testLoss, .accuracyGap, .testLossRise, .bestTestEpoch, .earlyStoppedTestLoss]
            if noTestSet, let m = ([first.measure] + (claim.other.map { [$0.measure] } ?? [])).first(where: testMeasures.contains) {
                problem(k, key, "\(m.rawValue): xor-table has no test set (its 4 points are the training set); measure train_accuracy or train_loss")
            }
            let measure = first.measure
            let network = first.variant.flatMap { v in variants.first { $0.variant.name == v }?.network } ?? base
            let full = "\(key).\(name)"
            var featureGiven = false
            switch value {
            case .scalar:
                if measure.isYesNo {
                    claim.equals = bool(value, full).map { $0 ? 1 : 0 }
                } else if measure == .parameters {
                    claim.equals = integer(value, full, 1...Limits.maxParameters).map(Double.init)
                } else {
                    problem(value, full, "give bounds like {at_least: 0.9} or {at_most: 0.1}")
                }
            case .mapping:
                guard let o = entries(value, full, allowed: ScenarioParser.keys["claim"]!) else { continue }
                if let v = o["at_least"] { claim.atLeast = number(v, "\(full).at_least", -1e12...1e12) }
                if let v = o["at_most"] { claim.atMost = number(v, "\(full).at_most", -1e12...1e12) }
                if let v = o["equals"] {
                    claim.equals = measure.isYesNo ? bool(v, "\(full).equals").map { $0 ? 1 : 0 } : number(v, "\(full).equals", -1e12...1e12)
                }
                if let v = o["layer"] { claim.layer = integer(v, "\(full).layer", 1...(ScenarioLimits.maxLayers + 1)) }
                if let v = o["to_layer"] { claim.toLayer = integer(v, "\(full).to_layer", 1...(ScenarioLimits.maxLayers + 1)) }
                if let v = o["feature"], let name = string(v, "\(full).feature") {
                    featureGiven = true
                    if measure != .featureCorrelation { problem(v, "\(full).feature", "feature applies to feature_correlation") }
                    else if let f = try? Feature(spec: name) { claim.feature = f }
                    else { problem(v, "\(full).feature", choiceMessage(found: name, allowed: Feature.allCases.map(\.rawValue))) }
                }
                if let v = o["after"] {
                    claim.after = integer(v, "\(full).after", 0...ScenarioLimits.maxEpochs)
                    if let a = claim.after, let e = epochs, a > e {
                        problem(v, "\(full).after", "is after the last epoch (training.epochs is \(e))")
                    }
                }
                if let v = o["says"] { claim.says = string(v, "\(full).says")?.terminalSafeLine }
                if let v = o["robustness"] { claim.robustness = robustnessValue(v, "\(full).robustness") }
                if claim.atLeast == nil && claim.atMost == nil && claim.equals == nil && o["at_least"] == nil && o["at_most"] == nil && o["equals"] == nil {
                    problem(value, full, "give at_least, at_most or equals")
                }
            default:
                problem(value, full, "expected bounds like {at_least: 0.9}, found \(describe(value))")
            }
            if measure.needsLayer {
                if claim.layer == nil { problem(value, full, "needs layer: the hidden layer (1 = the first)") }
                else if let hidden = network?.hidden.count {
                    // Gradient norms are of W(l), which runs one past the hidden layers.
                    // So is the radius correlation, whose layer one past the hidden ones is the output's z.
                    let highest = measure == .gradientNorm || measure == .gradientRatio || measure == .radiusCorrelation || measure == .featureCorrelation ? hidden + 1 : hidden
                    for (name, l) in [("layer", claim.layer), ("to_layer", claim.toLayer)] {
                        if let l, l > highest {
                            problem(value, "\(full).\(name)", measure == .radiusCorrelation || measure == .featureCorrelation
                                    ? "the network has \(hidden) hidden layer\(hidden == 1 ? "" : "s") and the output (layer \(highest))"
                                    : measure == .gradientNorm || measure == .gradientRatio
                                    ? "W(\(l)) does not exist: the network has W(1) to W(\(highest))"
                                    : "the network has \(hidden) hidden layer\(hidden == 1 ? "" : "s")")
                        }
                    }
                }
                if measure == .gradientRatio && claim.toLayer == nil { problem(value, full, "needs to_layer: the layer whose gradient norm divides") }
                if measure == .featureCorrelation && claim.feature == nil && !featureGiven {
                    problem(value, full, "needs feature: the function of x1, x2 a unit should track (r, theta, x1*x2, ...)")
                }
            }
            if measure == .converges || measure == .epochMistakes, network?.output != .step {
                problem(k, key, "\(measure.rawValue) applies to a perceptron (output: step)")
            }
            if measure == .perceptronAgreement, network.map({ !$0.hidden.isEmpty || ($0.output ?? .logistic) != .logistic }) ?? false {
                problem(k, key, "perceptron_agreement needs a single logistic neuron (layers: [], output: logistic)")
            }
            claims.append(claim)
        }
        return claims
    }
}
