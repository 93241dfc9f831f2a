import Formatting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing whole files, with limits and atomic replacement. Only regular files
/// are read or written: a FIFO, a device, a socket or a directory is refused at once, before
/// anything waits on it or replaces it.
public enum FileIO {
    /// The bytes of `path`, without a leading UTF-8 byte-order mark; refuses anything but a
    /// regular file, and files over `limit` bytes.
    public static func readBytes(_ path: String, limit: Int) throws -> [UInt8] {
        // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting; the
        // type check below then refuses it.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw NNLabError("cannot read \(path): \(errnoMessage())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw NNLabError("cannot read \(path): \(errnoMessage())") }
        if let kind = specialKind(info.st_mode) { throw NNLabError("cannot read \(path): it is \(kind), not a regular file") }
        if Int(info.st_size) > limit {
            // In bytes too when the rounded sizes read the same ("64.0 MB; the limit is 64.0 MB").
            let size = describeBytes(Int(info.st_size)), most = describeBytes(limit)
            let exact = size == most ? " (\(NumberFormat.grouped(Int(info.st_size))) bytes; at most \(NumberFormat.grouped(limit)))" : ""
            throw NNLabError("\(path) is \(size); the limit is \(most)\(exact)")
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Int(info.st_size))
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
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        return bytes
    }

    /// The contents of `path` as UTF-8 text (a byte-order mark is skipped); refuses what
    /// `readBytes` refuses and files that are not UTF-8.
    public static func readText(_ path: String, limit: Int) throws -> String {
        guard let text = String(validating: try readBytes(path, limit: limit), as: UTF8.self) else {
            throw NNLabError("\(path) is not UTF-8 text")
        }
        return text
    }

    /// Throws unless `path` can be written: it names a regular file (or a symbolic link to
    /// one, which is then replaced through the link) or nothing yet, in a folder that exists
    /// and is writable. Commands call this before long work, so a bad destination is reported
    /// before training, not after.
    public static func checkWritable(_ path: String) throws {
        _ = try destination(path)
    }

    /// Replaces `path` with `text` atomically: writes a temporary file beside it, flushes it
    /// to disk, then renames it over `path`. A crash at any moment leaves either the old file
    /// or the new one, never a damaged one; SIGINT, SIGTERM and SIGHUP wait until the
    /// temporary file is renamed or removed, and temporary files left by a killed process
    /// (`.NAME.tmp-PID`) are removed the next time NAME is written.
    public static func writeAtomically(_ text: String, to path: String) throws {
        let target = try destination(path)
        let (directory, name) = split(target)
        removeStaleTemporaries(of: name, in: directory)
        // The file replaced keeps its permissions (and its owner and group where we may).
        var old = stat()
        let existing = stat(target, &old) == 0 ? old : nil
        var blocked = sigset_t(), previous = sigset_t()
        sigemptyset(&blocked)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&blocked, signal) }
        pthread_sigmask(SIG_BLOCK, &blocked, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        // A temporary of our own: a new name (pid and a random part) created exclusively and
        // never through a link, so nothing planted at the name can redirect the write.
        var temporary = ""
        var fd: Int32 = -1
        for _ in 0..<8 {
            temporary = directory + "/.\(name).tmp-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, existing.map { $0.st_mode & 0o777 } ?? 0o666)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            if let existing {
                // The umask narrowed the mode at open; give back exactly the original's.
                _ = fchown(fd, existing.st_uid, existing.st_gid)
                _ = fchmod(fd, existing.st_mode & 0o7777)
            }
            try writeAll(fd, Array(text.utf8), path: path)
            guard fsync(fd) == 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        }
        guard rename(temporary, target) == 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        ok = true
        let dirFD = open(directory, O_RDONLY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// Creates (or empties) the regular file `path` for writing a stream, such as a log;
    /// refuses what `checkWritable` refuses. Returns the open file descriptor.
    public static func createForWriting(_ path: String) throws -> Int32 {
        let target = try destination(path)
        let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        return fd
    }

    /// Writes all of `bytes` to `fd` (retrying short writes and interruptions).
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw NNLabError("cannot write \(path): \(errnoMessage())")
            }
            written += n
        }
    }

    /// True if `path` names an existing regular file.
    public static func isFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }

    /// "1.5 MB", "512 bytes".
    public static func describeBytes(_ n: Int) -> String {
        if n >= 1 << 30 { return "\((n * 10 / (1 << 30)) / 10).\((n * 10 / (1 << 30)) % 10) GB" }
        if n >= 1 << 20 { return "\((n * 10 / (1 << 20)) / 10).\((n * 10 / (1 << 20)) % 10) MB" }
        if n >= 1 << 10 { return "\(n / (1 << 10)) KB" }
        return "\(n) bytes"
    }

    // MARK: Destinations

    /// The file a write to `path` replaces: `path` itself, or the file a symbolic link names.
    private static func destination(_ path: String) throws -> String {
        guard !path.isEmpty else { throw NNLabError("no file name given") }
        var target = path
        var info = stat()
        if lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK {
            // A link to a file is written through: the link stays, its file is replaced.
            guard let resolved = realpath(path, nil) else {
                throw NNLabError("cannot write \(path): it is a symbolic link to a file that does not exist")
            }
            target = String(cString: resolved)
            free(resolved)
        }
        if stat(target, &info) == 0 {
            if let kind = specialKind(info.st_mode) {
                throw NNLabError("cannot write \(path): it is \(kind), not a regular file; give the name of a file")
            }
            guard access(target, W_OK) == 0 else { throw NNLabError("cannot write \(path): \(errnoMessage())") }
        }
        let (directory, _) = split(target)
        var dirInfo = stat()
        guard stat(directory, &dirInfo) == 0, (dirInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw NNLabError("cannot write \(path): the folder \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw NNLabError("cannot write \(path): the folder \(directory) is not writable")
        }
        return target
    }

    /// The folder and the name of a path ("." for a bare name).
    private static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    /// Removes `.NAME.tmp-PID` files in `directory` whose process no longer runs.
    private static func removeStaleTemporaries(of name: String, in directory: String) {
        guard let dir = opendir(directory) else { return }
        defer { closedir(dir) }
        let prefix = ".\(name).tmp-"
        while let entry = readdir(dir) {
            let file = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            // ".NAME.tmp-PID-RANDOM" (and the older ".NAME.tmp-PID"): the writer's pid.
            guard file.hasPrefix(prefix), let pid = Int32(file.dropFirst(prefix.count).prefix { $0 != "-" }), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH { unlink(directory + "/" + file) }
        }
    }

    /// "a directory", "a FIFO", ... for anything that is not a regular file, else nil.
    private static func specialKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    private static func errnoMessage() -> String { String(cString: strerror(errno)) }
}
