import ArgumentParser
import Foundation
import Lessons
import NeuralCore

/// How a headless command writes: `--ascii` and `--quiet`, shared by train, run, gradcheck
/// and step.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Plain ASCII output, no colour (also when piped or with NO_COLOR).")
    var ascii = false

    @Flag(help: "No progress line on standard error.")
    var quiet = false
}

/// Completions for the shells (`nnlab --generate-completion-script bash`).
enum Completions {
    /// Lesson names, and lesson files in the folder being completed.
    static let lesson = CompletionKind.custom { _, _, prefix in
        let names = ShippedLessons.names.filter { $0.hasPrefix(prefix) }
        let folder = prefix.contains("/") ? String(prefix[..<prefix.lastIndex(of: "/")!]) : "."
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .map { folder == "." ? $0 : folder + "/" + $0 }
            .filter { $0.hasPrefix(prefix) }
        return names + files.sorted()
    }
    static let csv = CompletionKind.file(extensions: ["csv"])
    static let model = CompletionKind.file(extensions: ["json"])
    static let activations = CompletionKind.list(Activation.names)
}
