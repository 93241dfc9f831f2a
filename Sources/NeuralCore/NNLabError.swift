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
