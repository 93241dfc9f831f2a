import Formatting
import Foundation
import NeuralCore

/// Parsers for option values shared by the commands; each error names its flag.
enum Parse {
    /// "10,10,5,1" -> [10, 10, 5, 1]; `none` -> [] (where `allowNone`). An empty list and a
    /// width of 0 are errors that say how to ask for no hidden layer.
    static func widths(_ text: String, flag: String, allowNone: Bool) throws -> [Int] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let noneHint = allowNone ? " (use none for no hidden layer)" : ""
        if allowNone && trimmed.lowercased() == "none" { return [] }
        guard !trimmed.isEmpty else { throw NNLabError("\(flag): no widths given\(noneHint)") }
        var widths: [Int] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let p = part.trimmingCharacters(in: .whitespaces)
            guard !p.isEmpty else { throw NNLabError("\(flag): an empty width (two commas in a row?); give widths like 8,8") }
            guard let w = Int(p) else { throw NNLabError("\(flag): \"\(p.quotedForMessage())\" is not a whole number (expected widths like 8,8)") }
            guard w >= 1 else { throw NNLabError("\(flag): layer widths must be at least 1, found \(w)\(noneHint)") }
            guard w <= Limits.maxUnits else { throw NNLabError("\(flag): layer widths must be at most \(Limits.maxUnits), found \(w)") }
            widths.append(w)
        }
        return widths
    }

    /// One activation (with `leaky_relu:0.1` or `maxout:3` parameters).
    static func activation(_ text: String, flag: String) throws -> Activation {
        try flagged(flag) { try Activation(spec: text) }
    }

    /// One activation for every hidden layer, or one per hidden layer (comma-separated).
    static func activations(_ text: String, flag: String, hiddenCount: Int) throws -> [Activation] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let list = try names.map { try activation($0, flag: flag) }
        if list.count == 1 { return Array(repeating: list[0], count: hiddenCount) }
        guard list.count == hiddenCount else {
            throw NNLabError("\(flag): give one activation, or one per hidden layer (\(hiddenCount)); found \(list.count)")
        }
        return list
    }

    /// One value for every hidden layer, or one per layer (comma-separated).
    static func perLayer<T>(_ text: String, flag: String, count: Int, what: String, _ parse: (String) throws -> T) throws -> [T] {
        let list = try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            try flagged(flag) { try parse(String(item).trimmingCharacters(in: .whitespaces)) }
        }
        if list.count == 1 { return Array(repeating: list[0], count: count) }
        guard list.count == count else {
            throw NNLabError("\(flag): give one \(what), or one per hidden layer (\(count)); found \(list.count)")
        }
        return list
    }

    /// The hidden layers with their norms, skips and dropout from `--norm`, `--skip` and
    /// `--dropout`; `--skip K` goes to every layer whose a(l+1-K) has its width.
    static func layerParts(widths: [Int], activations: [Activation], norm: String, skip: Int, dropout: String, inputs: Int?) throws -> [HiddenLayer] {
        let count = Swift.max(widths.count, 1)
        let norms = try perLayer(norm, flag: "--norm", count: count, what: "norm") { try NormKind(spec: $0) }
        let keeps = try perLayer(dropout, flag: "--dropout", count: count, what: "keep probability") { text -> Double in
            guard let p = Double(text), p.isFinite, p > 0, p <= 1 else {
                throw NNLabError("the keep probability must be a number in (0, 1], found \"\(text.quotedForMessage())\"")
            }
            return p
        }
        guard skip >= 0, skip <= Limits.maxHiddenLayers else { throw NNLabError("--skip: must be between 0 and \(Limits.maxHiddenLayers), found \(skip)") }
        if widths.isEmpty && (norms[0] != nil || keeps[0] < 1 || skip > 0) {
            throw NNLabError("--norm, --skip and --dropout act on hidden layers; --layers has none")
        }
        let hidden = zip(widths, activations).enumerated().map { i, layer in
            HiddenLayer(units: layer.0, activation: layer.1, norm: norms[i], keep: keeps[i])
        }.withSkip(skip, inputs: inputs)
        // The architecture's own rules (a norm on maxout), named by the flag.
        let architecture = Architecture(inputs: inputs ?? 1, hidden: hidden, outputs: 1, output: .identity)
        if let problem = hidden.indices.lazy.compactMap(architecture.partsProblem).first { throw NNLabError("--norm: \(problem)") }
        if skip > 0 && !hidden.contains(where: { $0.skip > 0 }) {
            throw NNLabError("--skip \(skip): no hidden layer has the width of a(l+1-\(skip)), so nothing would be added; make the widths agree (e.g. --layers 16,16,16)")
        }
        return hidden
    }

    /// A finite number that is at least `minimum`.
    static func number(_ value: Double, flag: String, minimum: Double = 0, exclusive: Bool = false) throws -> Double {
        guard value.isFinite else { throw NNLabError("\(flag): must be a finite number, found \(value)") }
        if exclusive ? value <= minimum : value < minimum {
            throw NNLabError("\(flag): must be \(exclusive ? "greater than" : "at least") \(NumberFormat.short(minimum)), found \(NumberFormat.short(value))")
        }
        return value
    }
}
