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

    /// A finite number that is at least `minimum`.
    static func number(_ value: Double, flag: String, minimum: Double = 0, exclusive: Bool = false) throws -> Double {
        guard value.isFinite else { throw NNLabError("\(flag): must be a finite number, found \(value)") }
        if exclusive ? value <= minimum : value < minimum {
            throw NNLabError("\(flag): must be \(exclusive ? "greater than" : "at least") \(NumberFormat.short(minimum)), found \(NumberFormat.short(value))")
        }
        return value
    }
}
