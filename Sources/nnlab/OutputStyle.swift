import Foundation

/// How text output may look: Unicode or ASCII, with or without colour.
struct OutputStyle {
    /// Draw with Unicode (arrows, blocks, braille).
    var unicode: Bool
    /// Use ANSI colours.
    var color: Bool

    /// The style for a stream: Unicode when the locale is UTF-8 (and not `--ascii`); colour
    /// only on a terminal, without `NO_COLOR`, with a TERM other than `dumb`.
    static func detect(ascii: Bool, stream: Int32 = STDOUT_FILENO) -> OutputStyle {
        let env = ProcessInfo.processInfo.environment
        let locale = env["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LC_CTYPE"].flatMap { $0.isEmpty ? nil : $0 } ?? env["LANG"] ?? ""
        let utf8 = locale.lowercased().contains("utf-8") || locale.lowercased().contains("utf8")
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let term = env["TERM"] ?? ""
        let tty = isatty(stream) == 1
        return OutputStyle(unicode: utf8 && !ascii, color: tty && !noColor && term != "dumb" && !ascii)
    }

    /// The arrow between layers in descriptions.
    var arrow: String { unicode ? "→" : "->" }
}
