#if canImport(Glibc)
import Formatting
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import LabTerminal

/// Crash reports go to a file, never to the student's terminal. The Swift runtime's
/// backtracer is configured only by `SWIFT_BACKTRACE` at start-up, and by default it stops at
/// "Press space to interact" for 30 seconds; so, unless the user set the variable, nnlab sets
/// it (reports to a folder, no interaction) and runs itself again. A crash then restores the
/// terminal, says where the report is, and the backtracer writes it there.
enum CrashReports {
    /// `$XDG_STATE_HOME/nnlab/crashes`, or `~/.local/state/nnlab/crashes`.
    static var directory: String {
        let env = ProcessInfo.processInfo.environment
        if let state = env["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/nnlab/crashes" }
        if let home = env["HOME"], home.hasPrefix("/") { return home + "/.local/state/nnlab/crashes" }
        return "/tmp/nnlab-crashes-\(getuid())"
    }

    /// Call first thing: may replace the process with itself, configured.
    static func prepare() {
        #if os(Linux)
        if getenv("SWIFT_BACKTRACE") == nil {
            let folder = directory
            if (try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)) != nil {
                setenv("SWIFT_BACKTRACE", "enable=yes,interactive=no,color=no,output-to=\(folder)", 1)
                // The real path, not /proc/self/exe: the report is named after the program.
                if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                    execv(executable, CommandLine.unsafeArgv)
                }
            }
            // Could not run itself again: at least never wait for a keypress.
            setenv("SWIFT_BACKTRACE", "interactive=no", 1)
        }
        #endif
        ProcessSignals.onCrash(say: message(for: String(cString: getenv("SWIFT_BACKTRACE") ?? strdup(""))))
    }

    /// What a crash prints, for the backtracer's settings in force.
    static func message(for settings: String) -> String {
        let keys = Dictionary(settings.split(separator: ",").compactMap { pair -> (String, String)? in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { $1 })
        var text = "nnlab crashed: this is a bug in nnlab, not in what you did."
        if keys["enable"] == "no" {
            text += " (No crash report: SWIFT_BACKTRACE has enable=no.)"
        } else if let folder = keys["output-to"], folder.hasPrefix("/") {
            text += " A report is being written to \(folder.terminalSafeLine)/nnlab-\(getpid())-*.log; please send it with the steps that led here."
        }
        return text + "\n"
    }
}
