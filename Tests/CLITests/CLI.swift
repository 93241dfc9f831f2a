import Foundation

/// Runs the `nnlab` binary: `NNLAB_BIN` if set (CI points it at the release build), else
/// the debug build beside the tests.
enum CLI {
    /// The repository's root folder.
    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["NNLAB_BIN"], !b.isEmpty { return b }
        return repository + "/.build/debug/nnlab"
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs `nnlab arguments...` with stdin from /dev/null and `environment` added. A run
    /// that has not ended after `timeout` seconds is killed (status 137), so a hang fails the
    /// test instead of stopping the suite.
    static func run(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil,
                    timeout: Double = 120) throws -> Result {
        try run(executable: binary, arguments, environment: environment, directory: directory, timeout: timeout)
    }

    /// Runs `sh -c script` with `$NNLAB` set to the binary (for redirections such as `2>&-`).
    static func shell(_ script: String, timeout: Double = 120) throws -> Result {
        try run(executable: "/bin/sh", ["-c", script], environment: ["NNLAB": binary], directory: nil, timeout: timeout)
    }

    private static func run(executable: String, _ arguments: [String], environment: [String: String], directory: String?,
                            timeout: Double) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        // Output must not depend on the locale or terminal of whoever runs the tests.
        env["LANG"] = "C"
        env.removeValue(forKey: "LC_ALL")
        env.removeValue(forKey: "LC_CTYPE")
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in environment { env[k] = v }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: watchdog)
        defer { watchdog.cancel() }
        // Read both pipes before waiting, so a full pipe cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "nnlab-cli-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
