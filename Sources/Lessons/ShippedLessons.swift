import Foundation
import NeuralCore

/// The lessons shipped with NNLab (the files in `scenarios/`, compiled in).
public enum ShippedLessons {
    /// The lesson the lab opens with no argument.
    public static let defaultName = "04-xor-two-hidden-units"

    /// Every shipped lesson's name, in order.
    public static var names: [String] { shippedLessonTexts.map(\.name) }

    /// The YAML text of a shipped lesson.
    public static func text(_ name: String) -> String? {
        shippedLessonTexts.first { $0.name == name }?.text
    }

    /// Parses a shipped lesson.
    public static func load(_ name: String) throws -> Scenario {
        guard let text = text(name) else { throw NNLabError("no shipped lesson is called \"\(name)\"") }
        return try ScenarioParser.parse(text, path: "scenarios/\(name).yaml", directory: nil)
    }

    /// The default lesson.
    public static func defaultLesson() throws -> Scenario { try load(defaultName) }

    /// A scenario by file path, or a shipped lesson (or one in `directory`) by name: the exact
    /// name, its number ("4", "04", "05b"), or a unique part of the name ("spiral-deep").
    public static func resolve(_ reference: String, directory: String? = nil) throws -> Scenario {
        if reference.hasSuffix(".yaml") || reference.hasSuffix(".yml") || reference.contains("/") || FileIO.isFile(reference) {
            return try ScenarioParser.load(reference)
        }
        var candidates: [(name: String, load: () throws -> Scenario)] = names.map { n in (n, { try load(n) }) }
        if let directory {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasSuffix(".yaml") {
                let name = (file as NSString).deletingPathExtension
                candidates.append((name, { try ScenarioParser.load(directory + "/" + file) }))
            }
        }
        if let exact = candidates.first(where: { $0.name == reference }) { return try exact.load() }
        // "5", "05", "6a": a lesson number, compared with the part of each name before its first
        // dash ("05a"); a bare number also matches its lettered variants.
        let digits = reference.prefix { $0.isNumber }
        let letter = reference.dropFirst(digits.count)
        let isNumber = (1...2).contains(digits.count) && letter.count <= 1 && letter.allSatisfy(\.isLetter)
        let number = String(repeating: "0", count: max(0, 2 - digits.count)) + digits + letter.lowercased()
        let matches = candidates.filter { c in
            guard isNumber else { return c.name.contains(reference) }
            let prefix = c.name.prefix { $0 != "-" }
            return prefix == number || (letter.isEmpty && prefix.dropLast() == number && prefix.last!.isLetter)
        }
        if matches.count == 1 { return try matches[0].load() }
        if matches.isEmpty {
            var message = "no lesson called \"\(reference)\""
            // Compare with the names and with the names without their number ("spiral-deep").
            let names = candidates.map(\.name)
            let bare = names.map { String($0.drop { $0 != "-" }.dropFirst()) }
            if let hint = closestMatch(reference, among: names) {
                message += "; did you mean \"\(hint)\"?"
            } else if let hint = closestMatch(reference, among: bare), let i = bare.firstIndex(of: hint) {
                message += "; did you mean \"\(names[i])\"?"
            }
            throw NNLabError(message + " (nnlab list shows the lessons)")
        }
        throw NNLabError("\"\(reference)\" could be \(matches.map(\.name).joined(separator: ", ")); give more of the name")
    }

    /// Name, title and variants of every shipped lesson.
    public static func catalogue() -> [(name: String, title: String, variants: [String])] {
        names.map { name in
            let s = try? load(name)
            return (name, s?.title ?? "(does not parse)", s?.variants.map(\.name) ?? [])
        }
    }
}
