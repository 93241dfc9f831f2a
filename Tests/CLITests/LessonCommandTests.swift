import Foundation
import Testing

@Suite struct LessonCommandTests {
    @Test func listShowsEveryLessonAndTheDefault() throws {
        let r = try CLI.run(["list"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("04-xor-two-hidden-units (default)  Two hidden units solve XOR"))
        #expect(r.stdout.contains("14-maxout"))
        #expect(r.stdout.split(separator: "\n").filter { $0.hasPrefix("0") || $0.hasPrefix("1") }.count == 29)
    }

    @Test func runChecksTheClaimsFromAnyFolder() throws {
        // From /tmp: the lessons are compiled in.
        let r = try CLI.run(["run", "4"], directory: "/tmp")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Two hidden units solve XOR\n"))
        #expect(r.stdout.contains("claims (3 of 3 hold)"))
        #expect(r.stdout.contains("  PASS  train_accuracy = 1.0 at epoch 3000; expected train_accuracy >= 1"))
        // Too few epochs: the claim fails and the exit status says so.
        let short = try CLI.run(["run", "04-xor-two-hidden-units", "--epochs", "5"])
        #expect(short.status == 1)
        #expect(short.stdout.contains("  FAIL  train_accuracy"))
        // No argument: the default lesson.
        let byDefault = try CLI.run(["run", "--epochs", "1"])
        #expect(byDefault.stdout.hasPrefix("Two hidden units solve XOR\n"))
    }

    @Test func checkReportsEveryProblemWithExitStatus2() throws {
        let dir = repository.appendingPathComponent("Tests/LessonsTests/Broken").path
        let r = try CLI.run(["check", "unknown-keys.yaml", "bad-enums.yaml"], directory: dir)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 4 + 10)
        #expect(lines.first == "unknown-keys.yaml:5:3: data.nosie: unknown key; did you mean \"noise\"? (allowed: dataset, file, points, noise, classes, train_ratio, features, seed)")
        let ok = try CLI.run(["check", repository.appendingPathComponent("scenarios/14-maxout.yaml").path])
        #expect(ok.status == 0 && ok.stdout.contains(": ok: Maxout units (2 claims)"))
    }

    @Test func unknownLessonsAndBadFilesExitWith2() throws {
        let r = try CLI.run(["run", "spiral-deeep"])
        #expect(r.status == 2)
        #expect(r.stderr == "nnlab: no lesson called \"spiral-deeep\"; did you mean \"06a-spiral-deep\"? (nnlab list shows the lessons)\n")
        let dir = repository.appendingPathComponent("Tests/LessonsTests/Broken").path
        let bad = try CLI.run(["run", dir + "/out-of-range.yaml"])
        #expect(bad.status == 2)
        #expect(bad.stderr.split(separator: "\n").count == 10)
    }
}

let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct LabCommandTests {
    /// Without a terminal the lab says where to go instead, with exit status 2; a misspelt
    /// lock is caught first.
    @Test func openWithoutATerminal() throws {
        let r = try CLI.run(["open", "6a"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("the lab needs a terminal") && r.stderr.contains("nnlab run 06a-spiral-deep"))
        let lock = try CLI.run(["open", "--lock", "network,netwrk"])
        #expect(lock.status == 2)
        #expect(lock.stderr.contains("--lock: \"netwrk\" is not one of") && lock.stderr.contains("did you mean \"network\"?"))
    }

    /// `nnlab step` prints the trace the step-through shows: the lecture's 2-2-1 XOR network,
    /// the same text as the golden file the trace tests check number by number.
    @Test func stepPrintsTheTrace() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nnlab-step-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = dir.appendingPathComponent("xor.json").path
        try """
        {"format": "nnlab-model", "version": 1, "inputs": 2, "loss": "cross_entropy",
         "layers": [{"units": 2, "activation": "logistic", "W": [[1, -2], [0.5, 1.5]], "b": [0.1, -0.2]},
                    {"units": 1, "activation": "logistic", "W": [[2, -1]], "b": [0.3]}]}
        """.write(toFile: model, atomically: true, encoding: .utf8)
        let r = try CLI.run(["step", "--model", model, "--point", "1,0", "--label", "1", "--lr", "0.5", "--ascii"])
        #expect(r.status == 0, "\(r.stderr)")
        let golden = try String(contentsOfFile: CLI.repository + "/Tests/Golden/step-xor-221-ascii.txt", encoding: .utf8)
        let body = r.stdout.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false).dropFirst(2).joined()
        #expect(r.stdout.hasPrefix("Step-through of x = 1, 0, label 1 through 2 -> 2 logistic -> 1 logistic"))
        #expect(body.trimmingCharacters(in: .newlines) == golden.trimmingCharacters(in: .newlines))
        let bad = try CLI.run(["step", "--model", model, "--point", "1,0"])
        #expect(bad.status == 2 && bad.stderr.contains("--label: this model classifies"))
    }
}
