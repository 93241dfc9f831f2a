import Foundation
import Testing

/// What a user or a file does must never crash, hang, flood the terminal or replace a file
/// that is not ours: refused with one line and exit 2, or explained with exit 1.
@Suite struct RobustnessTests {
    static let xorModel = #"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "cross_entropy", "layers": [{"units": 1, "activation": "logistic", "W": [[1, -1]], "b": [0]}]}"#

    static func write(_ text: String, _ path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    @Test func escapeSequencesFromFilesNeverReachTheTerminal() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A file name with an ESC, and a field with an escape sequence.
        let name = dir + "/m\u{1B}[31m.json"
        Self.write(#"{"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "squared_error", "layers": [{"units": 1, "activation": "\u001b]0;pwned\u0007\u001b[31mRED", "W": [[1, 2]], "b": [0]}]}"#, name)
        Self.write("x1,x2,label\n0,0,0\n", dir + "/d.csv")
        let r = try CLI.run(["grad", "--model", name, "--data", dir + "/d.csv"])
        #expect(r.status == 2)
        #expect(!r.stderr.contains("\u{1B}") && !r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{07}"))
        #expect(r.stderr.contains(#"m\u{1B}[31m.json"#), "the bytes are shown, escaped: \(r.stderr)")
        #expect(r.stderr.contains(#""\u{1B}]0;pwned\u{7}\u{1B}[31mRED""#), "\(r.stderr)")
        // A CSV header and a lesson's text and title.
        Self.write("x1,x2\u{9B}31m,label\n0,0,0\n0,1,1\n1,0,1\n1,zero,0\n", dir + "/h.csv")
        let h = try CLI.run(["train", "--data", dir + "/h.csv", "--epochs", "1"])
        #expect(h.status == 2 && !h.stderr.unicodeScalars.contains { $0.value == 0x9B } && h.stderr.contains(#"x2\u{9B}31m"#), "\(h.stderr)")
        Self.write("""
            title: "Red \\e[31mtitle"
            lesson: "Text \\e[2J that clears the screen"
            data: {dataset: xor-table}
            network: {layers: [2], activation: logistic}
            training: {epochs: 2, learning_rate: 1, batch: 4}
            """, dir + "/l.yaml")
        let l = try CLI.run(["run", dir + "/l.yaml"])
        #expect(l.status == 0, "\(l.stderr)")
        #expect(!l.stdout.contains("\u{1B}") && l.stdout.contains(#"Red \u{1B}[31mtitle"#))
    }

    /// Scratch device nodes, FIFOs and folders in a temporary folder (never in /dev): saving
    /// and logging onto them is refused with exit 2 and the node stays what it was.
    @Test func specialFilesAreNeverReplaced() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fifo = dir + "/fifo", folder = dir + "/folder", device = dir + "/null"
        #expect(mkfifo(fifo, 0o600) == 0)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        var targets = [(fifo, S_IFIFO), (folder, S_IFDIR)]
        // A character device needs root (CI has it); the same as /dev/null, made here.
        if mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 { targets.append((device, S_IFCHR)) }
        for (path, kind) in targets {
            for flag in ["--save", "--log"] {
                let r = try CLI.run(["train", "--dataset", "gauss", "--epochs", "1", flag, path], timeout: 20)
                #expect(r.status == 2, "\(flag) \(path): \(r.stderr)")
                #expect(r.stderr.contains("not a regular file"), "\(r.stderr)")
                #expect(r.stdout.isEmpty, "refused before training")
                var info = stat()
                #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == kind, "\(path) is still what it was")
            }
        }
        // Reading a FIFO is refused at once (a hang would be killed by the timeout: 137).
        let read = try CLI.run(["grad", "--model", fifo, "--data", fifo], timeout: 20)
        #expect(read.status == 2 && read.stderr.contains("a FIFO (named pipe), not a regular file"), "\(read.stderr)")
        let check = try CLI.run(["check", fifo], timeout: 20)
        #expect(check.status == 2)
        // A symbolic link to a model is written through: the link stays a link.
        Self.write(Self.xorModel, dir + "/real.json")
        #expect(symlink(dir + "/real.json", dir + "/link.json") == 0)
        let save = try CLI.run(["train", "--dataset", "xor-table", "--layers", "none", "--epochs", "1", "--save", dir + "/link.json"])
        #expect(save.status == 0, "\(save.stderr)")
        var info = stat()
        #expect(lstat(dir + "/link.json", &info) == 0 && info.st_mode & S_IFMT == S_IFLNK)
        #expect(try String(contentsOfFile: dir + "/real.json", encoding: .utf8).contains("\"training\""))
    }

    /// A temporary file left by a killed save (`.NAME.tmp-PID` of a process that is gone) is
    /// removed the next time NAME is saved.
    @Test func staleTemporaryFilesAreRemoved() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stale = dir + "/.m.json.tmp-999999999"
        Self.write("half a model", stale)
        let r = try CLI.run(["train", "--dataset", "gauss", "--epochs", "1", "--save", dir + "/m.json"])
        #expect(r.status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(FileManager.default.fileExists(atPath: dir + "/m.json"))
    }

    /// A link planted where the old writer put its temporary (`.NAME.tmp-PID`) is not
    /// followed: the file outside stays as it was and NAME is a regular file; a replaced file
    /// keeps its mode (a 600 file stays 600), and a new one of the new naming is cleaned up.
    @Test func atomicWritesCannotBeRedirectedAndKeepTheMode() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Self.write("keep me\n", dir + "/victim.txt")
        // The shell's pid is the one nnlab runs as (exec), so the planted name is its own.
        let r = try CLI.shell("cd '\(dir)' && sh -c 'ln -s victim.txt .snap.txt.tmp-$$; exec \"$NNLAB\" snapshot 04 --epoch 1 --size 80x24 --out snap.txt'")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOfFile: dir + "/victim.txt", encoding: .utf8) == "keep me\n")
        var info = stat()
        #expect(lstat(dir + "/snap.txt", &info) == 0 && info.st_mode & S_IFMT == S_IFREG)
        #expect(try String(contentsOfFile: dir + "/snap.txt", encoding: .utf8).contains("Two hidden units"))

        Self.write("secret", dir + "/m.json")
        chmod(dir + "/m.json", 0o600)
        let save = try CLI.run(["train", "--dataset", "gauss", "--epochs", "1", "--save", dir + "/m.json"])
        #expect(save.status == 0, "\(save.stderr)")
        #expect(stat(dir + "/m.json", &info) == 0 && info.st_mode & 0o777 == 0o600, "mode \(String(info.st_mode & 0o777, radix: 8))")
        let stale = dir + "/.m.json.tmp-999999999-abc"
        Self.write("half a model", stale)
        #expect(try CLI.run(["train", "--dataset", "gauss", "--epochs", "1", "--save", dir + "/m.json"]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: stale))
    }

    @Test func aClosedOrFullStandardErrorIsNotACrash() throws {
        for redirect in ["2>&-", "2>/dev/full"] {
            let ok = try CLI.shell("\"$NNLAB\" train --dataset gauss --epochs 1 --quiet \(redirect) >/dev/null; echo \"status $?\"")
            #expect(ok.stdout == "status 0\n", "\(redirect): \(ok.stdout)")
            let bad = try CLI.shell("\"$NNLAB\" grad --model /nonexistent.json --data /nonexistent.csv \(redirect); echo \"status $?\"")
            #expect(bad.stdout == "status 2\n", "\(redirect): \(bad.stdout)")
        }
    }

    @Test func valuesBeyondTheRangeAreRefusedWithTheirLine() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (value, what) in [("1e300", "classes"), ("1e20", "regression")] {
            Self.write(what == "classes" ? "x1,x2,label\n0,0,0\n1,1,\(value)\n0,1,1\n" : "x,y\n0,0\n0.5,\(value)\n1,1\n", dir + "/d.csv")
            let r = try CLI.run(["train", "--data", dir + "/d.csv", "--epochs", "1"])
            #expect(r.status == 2)
            #expect(r.stderr.contains("d.csv:3: column") && r.stderr.contains("\(value) is out of range; values must be between -1e6 and 1e6"), "\(r.stderr)")
        }
        // A CSV row of 60,000 commas is refused by its count, not split into fields.
        Self.write("x1,x2,label\n" + String(repeating: ",", count: 60_000) + "\n", dir + "/wide.csv")
        let wide = try CLI.run(["train", "--data", dir + "/wide.csv", "--epochs", "1"])
        #expect(wide.status == 2 && wide.stderr.contains("wide.csv:2: 60001 columns; a row has at most 8192"), "\(wide.stderr)")
    }

    @Test func nonFiniteResultsAreNeverReportedAsFine() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        Self.write(#"{"format": "nnlab-model", "version": 1, "inputs": 1, "loss": "squared_error", "layers": [{"units": 1, "activation": "identity", "W": [[1e200]], "b": [0]}]}"#, dir + "/m.json")
        Self.write("x,y\n1e6,0\n", dir + "/d.csv")
        let grad = try CLI.run(["grad", "--model", dir + "/m.json", "--data", dir + "/d.csv"])
        #expect(grad.status == 1 && grad.stdout.isEmpty && grad.stderr.contains("is not a finite number"), "\(grad.stdout) \(grad.stderr)")
        let check = try CLI.run(["gradcheck", "--model", dir + "/m.json", "--data", dir + "/d.csv"])
        #expect(check.status == 1 && check.stdout.contains("not a finite number"), "\(check.stdout)")
        // Initial weights that overflow float32 at once: explained, exit 1.
        let big = try CLI.run(["train", "--init", "uniform:1000", "--layers", "512,512,512", "--activation", "relu",
                               "--features", "x1,x2,x1^2,x2^2,x1*x2", "--epochs", "3"])
        #expect(big.status == 1 || big.status == 0, "\(big.stderr)")
        #expect(Self.metricLines(big.stdout).allSatisfy { !$0.lowercased().contains("nan") && !$0.contains("inf") }, "\(big.stdout)")
        // A learning rate that diverges in regression: explained, exit 1, no NaN.
        let sine = try CLI.run(["train", "--dataset", "sine", "--layers", "8", "--lr", "1000", "--epochs", "20"])
        #expect(sine.status == 1 && sine.stdout.contains("stopped: training diverged"), "\(sine.stdout)")
        #expect(Self.metricLines(sine.stdout).count == 2 && Self.metricLines(sine.stdout).allSatisfy { !$0.lowercased().contains("nan") }, "\(sine.stdout)")
    }

    /// The report's loss and accuracy lines.
    static func metricLines(_ report: String) -> [String] {
        report.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  train ") || $0.hasPrefix("  test ") }
    }

    @Test func aRunTooLargeForMemoryIsRefusedBeforeItStarts() throws {
        let r = try CLI.run(["train", "--layers", "4096,4096", "--points", "100000", "--batch", "100000", "--epochs", "1"], timeout: 30)
        #expect(r.status == 2)
        #expect(r.stderr.contains("of memory") && r.stderr.contains("the limit is 4.0 GB"), "\(r.stderr)")
    }
}

/// A binary tuned for the processor that built it, copied to one without those instructions,
/// says to rebuild instead of dying with SIGILL (the processor is made to look older).
@Suite struct CPUCheckTests {
    @Test func aMissingInstructionSetIsOneLineAndExit2() throws {
        let r = try CLI.run(["info", "--layers", "2,1"], environment: ["NNLAB_PRETEND_CPU_LACKS": "all"])
        // A portable build (NNLAB_PORTABLE=1) needs nothing and runs.
        if r.status == 0 { #expect(r.stdout.hasPrefix("2 -> 1 logistic")); return }
        #expect(r.status == 2 && r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("nnlab: this nnlab was built for a processor with ") && r.stderr.contains("swift build -c release"))
        #expect(r.stderr.split(separator: "\n").count == 1)
    }
}
