#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing whole files, with limits and atomic replacement.
public enum FileIO {
    /// The contents of `path` as UTF-8 text; refuses files over `limit` bytes, directories,
    /// and files that are not UTF-8.
    public static func readText(_ path: String, limit: Int) throws -> String {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw NNLabError("cannot read \(path): \(errnoMessage())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NNLabError("cannot read \(path): \(errnoMessage())") }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw NNLabError("cannot read \(path): it is a directory") }
        if Int(info.st_size) > limit {
            throw NNLabError("\(path) is \(describeBytes(Int(info.st_size))); the limit is \(describeBytes(limit))")
        }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NNLabError("cannot read \(path): \(errnoMessage())")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw NNLabError("\(path) is larger than the limit of \(describeBytes(limit))") }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw NNLabError("\(path) is not UTF-8 text")
        }
        return text
    }

    /// Replaces `path` with `text` atomically: writes a temporary file beside it, flushes it
    /// to disk, then renames it over `path`. A crash at any moment leaves either the old file
    /// or the new one, never a damaged one.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let temporary = (directory.isEmpty ? "" : directory + "/") + ".\(name).tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                let message = errnoMessage()
                close(fd)
                throw NNLabError("cannot write \(path): \(message)")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            let message = errnoMessage()
            close(fd)
            throw NNLabError("cannot write \(path): \(message)")
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        ok = true
        let dirFD = open(directory.isEmpty ? "/" : directory, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// True if `path` names an existing regular file.
    public static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// "1.5 MB", "512 bytes".
    public static func describeBytes(_ n: Int) -> String {
        if n >= 1 << 20 { return "\((n * 10 / (1 << 20)) / 10).\((n * 10 / (1 << 20)) % 10) MB" }
        if n >= 1 << 10 { return "\(n / (1 << 10)) KB" }
        return "\(n) bytes"
    }

    private static func errnoMessage() -> String { String(cString: strerror(errno)) }
}

/// The closest of `choices` to `word` (case-insensitive edit distance at most 2, or a prefix),
/// for "did you mean" hints.
public func closestMatch(_ word: String, among choices: [String]) -> String? {
    let w = Array(word.lowercased())
    var best: (String, Int)?
    for choice in choices {
        let c = Array(choice.lowercased())
        // Optimal string alignment distance: a swap of neighbours ("tahn") costs 1.
        var d = [[Int]](repeating: [Int](repeating: 0, count: c.count + 1), count: w.count + 1)
        for i in 0...w.count { d[i][0] = i }
        for j in 0...c.count { d[0][j] = j }
        if !w.isEmpty && !c.isEmpty {
            for i in 1...w.count {
                for j in 1...c.count {
                    let cost = w[i - 1] == c[j - 1] ? 0 : 1
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                    if i > 1, j > 1, w[i - 1] == c[j - 2], w[i - 2] == c[j - 1] {
                        d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                    }
                }
            }
        }
        let distance = d[w.count][c.count]
        if distance <= max(1, min(2, c.count / 3)) || (w.count >= 3 && c.starts(with: w)), best == nil || distance < best!.1 {
            best = (choice, distance)
        }
    }
    return best?.0
}

/// "expected one of a, b, c" with a "did you mean" hint when one is close.
public func choiceMessage(found: String, allowed: [String]) -> String {
    var message = "\"\(found)\" is not one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", ")
    if let hint = closestMatch(found, among: allowed) { message += "; did you mean \"\(hint)\"?" }
    return message
}
