import Formatting
/// A problem with a network's configuration, a model file or a data file, in words a student
/// can act on.
public struct NNLabError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The message, naming the file, line and field where known.
    public let message: String

    /// An error with `message`; control characters in it (from file names, fields, values)
    /// are written visibly, so a message can never drive the user's terminal.
    public init(_ message: String) { self.message = message.terminalSafe }

    public var description: String { message }
}

/// Traps with `message` unless `condition` holds. NeuralCore is compiled with `-Ounchecked`
/// (2.3 to 2.8x on the lesson-size networks), which removes `precondition`; `require` stays, so
/// a broken invariant stops the program (the crash guard restores the terminal and a report
/// is written) instead of reading or writing memory it does not own. Public entry points that
/// take sizes from outside throw an `NNLabError` before any of these can fail.
@inline(__always)
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = "internal invariant") {
    if !condition() { fatalError(message()) }
}
