/// Text from files, arguments and users is untrusted: a lesson text, a CSV header, a model
/// field or a file name could hold bytes that re-colour, move the cursor or retitle the
/// user's terminal. Everything such text passes through on its way to a terminal (messages,
/// reports, the lab's panels) goes through `terminalSafe` first.
extension String {
    /// The string with every control character except newline and tab written visibly as
    /// `\u{1B}`: C0 controls, DEL and the C1 controls, so also the ESC that starts every
    /// escape sequence (what follows an ESC is then harmless text). Idempotent.
    public var terminalSafe: String { escapingControls(keepLayout: true) }

    /// `terminalSafe` on one line: newlines and tabs are written visibly too.
    public var terminalSafeLine: String { escapingControls(keepLayout: false) }

    /// A value quoted in a message: made safe for the terminal, on one line, and cut to
    /// `limit` characters (a 60 MB CSV field does not become a 60 MB message).
    public func quotedForMessage(limit: Int = 40) -> String {
        let line = terminalSafeLine
        return line.count <= limit ? line : String(line.prefix(limit)) + "... (\(count) characters)"
    }

    private func escapingControls(keepLayout: Bool) -> String {
        guard unicodeScalars.contains(where: { isControl($0, keepLayout: keepLayout) }) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            if isControl(scalar, keepLayout: keepLayout) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}

/// True for C0 controls (newline and tab only if `keepLayout` is false), DEL and C1 controls.
private func isControl(_ s: Unicode.Scalar, keepLayout: Bool) -> Bool {
    switch s.value {
    case 0x0A, 0x09: !keepLayout
    case 0x00...0x1F, 0x7F...0x9F: true
    default: false
    }
}
