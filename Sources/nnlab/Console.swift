#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Standard error and the progress line. Writes go straight to the file descriptor and their
/// errors are ignored: a closed or full stderr (`2>&-`, `2>/dev/full`) never ends the process
/// with a trap, and the exit status still says what happened.
enum Console {
    /// Writes `text` to standard error.
    static func error(_ text: String) {
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            written += n
        }
    }

    /// Flushes standard output (ignoring errors).
    static func flush() { fflush(nil) }
}

/// A progress line on standard error for work that takes longer than about a second: nothing
/// for quick runs, then one line redrawn at most ten times a second, cleared at the end. Only
/// on a terminal, and not with `--quiet`.
struct Progress {
    private let enabled: Bool
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant?
    private var shown = false

    /// A progress line, drawn only if `enabled` and standard error is a terminal.
    init(enabled: Bool = true) {
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
        start = clock.now
    }

    /// Seconds since the work started.
    var elapsed: Double { (clock.now - start) / .seconds(1) }

    /// Redraws the line with `text()` when a second has passed since the start and a tenth
    /// since the last draw (the text is only built then).
    mutating func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = clock.now
        guard now - start >= .seconds(1), lastDraw.map({ now - $0 >= .milliseconds(100) }) ?? true else { return }
        lastDraw = now
        shown = true
        Console.error("\r" + text() + "\u{1B}[K")
    }

    /// Clears the line, if it was drawn.
    mutating func finish() {
        if shown { Console.error("\r\u{1B}[K") }
        shown = false
    }

    /// A bar of `width` cells for `done` in 0...1.
    static func bar(_ done: Double, width: Int = 24, unicode: Bool) -> String {
        let filled = Int((Swift.min(Swift.max(done.isFinite ? done : 0, 0), 1) * Double(width)).rounded(.down))
        return unicode
            ? String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            : String(repeating: "=", count: filled) + String(repeating: " ", count: width - filled)
    }
}

extension Progress {
    /// A progress line that several threads update (one at a time).
    final class Shared: @unchecked Sendable {
        private let lock = NSLock()
        private var line: Progress

        init(enabled: Bool) { line = Progress(enabled: enabled) }

        func update(_ text: @autoclosure () -> String) { lock.withLock { line.update(text()) } }

        func finish() { lock.withLock { line.finish() } }
    }
}
