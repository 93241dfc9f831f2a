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
