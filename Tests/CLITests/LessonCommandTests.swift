import Foundation
import Testing

@Suite struct LessonCommandTests {
    @Test func listShowsEveryLessonAndTheDefault() throws {
        let r = try CLI.run(["list"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("04-xor-two-hidden-units (default)  Two hidden units solve XOR [compares two, four]"))
        #expect(r.stdout.contains("14-maxout"))
        #expect(r.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }.count == 34)
    }

    @Test func runChecksTheClaimsFromAnyFolder() throws {
        // From /tmp: the lessons are compiled in.
        let r = try CLI.run(["run", "4"], directory: "/tmp")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Two hidden units solve XOR\n"))
        #expect(r.stdout.contains("claims (3 of 3 hold)"))
        #expect(r.stdout.contains("  PASS  four.train_accuracy = 1.0 at epoch 3000; expected four.train_accuracy >= 1"))
        // One row per variant, with how it differs.
        #expect(r.stdout.contains("\ntwo      two hidden units, the lecture's 2-2-1"))
        // Too few epochs: the claim fails and the exit status says so.
        let short = try CLI.run(["run", "04-xor-two-hidden-units", "--epochs", "5"])
        #expect(short.status == 1)
        #expect(short.stdout.contains("  FAIL  two.train_accuracy"))
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
        #expect(ok.status == 0 && ok.stdout.contains(": ok: Maxout units (1 claim)"))
        let variants = try CLI.run(["check", "bad-variants.yaml"], directory: dir)
        #expect(variants.status == 2)
        #expect(variants.stderr.contains("bad-variants.yaml:25:5: expect[0]: there is no variant \"softplus\" (the variants: relu, slow, points)"))
    }

    /// `--seeds N --from S`: per claim the seeds it held on, against the lesson's robustness;
    /// `--json` for tools; bad combinations exit with 2.
    @Test func seedSweeps() throws {
        let r = try CLI.run(["run", "1", "--seeds", "3", "--from", "5", "--ascii"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines[2] == "seeds 5-7, 2000 epochs, variants: line (inputs x1, x2), product (inputs x1, x2 and x1*x2)")
        #expect(lines.contains { $0.hasPrefix("  PASS  line.train_loss >= 0.693 and line.train_loss <= 0.694: held on 3/3 (needs 3); median 0.6931") })
        let json = try CLI.run(["run", "1", "--seeds", "2", "--json"])
        #expect(json.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["seeds"] as? [Int] == [1, 2] && object["passed"] as? Bool == true)
        let claims = try #require(object["claims"] as? [[String: Any]])
        #expect(claims.count == 2 && claims[0]["held"] as? Int == 2 && (claims[0]["values"] as? [Double])?.count == 2)
        // Too few epochs on every seed: exit 1, and the failing seeds are named.
        let failing = try CLI.run(["run", "4", "--seeds", "2", "--epochs", "3", "--ascii"])
        #expect(failing.status == 1)
        #expect(failing.stdout.contains("FAIL  four.train_accuracy >= 1: held on 0/2 (needs 2)") && failing.stdout.contains("failed on seeds 1, 2"))
        for bad in [["--seeds", "0"], ["--from", "3"], ["--seed", "1", "--seeds", "2"], ["--seeds", "2", "--from", "-1"]] {
            let b = try CLI.run(["run", "1"] + bad)
            #expect(b.status == 2, "\(bad)")
        }
    }

    /// `nnlab compare --vary`: every bad value is one line naming the flag, exit 2, before
    /// the lab needs a terminal.
    @Test func compareVaryErrors() throws {
        let cases: [(String, String)] = [
            ("colour=red,blue", "nnlab: --vary: \"colour\" is not one of \"activation\", \"layers\""),
            ("activation=relu", "nnlab: --vary: give 2 to 4 values of activation, separated by \",\"; found 1"),
            ("layers=1,2,3,4,5", "nnlab: --vary: give 2 to 4 values of layers, separated by \",\"; found 5"),
            ("activation=relu,rellu", "nnlab: --vary: activation rellu: \"rellu\" is not one of \"logistic\""),
            ("learning_rate=0.1,-1", "nnlab: --vary: learning_rate -1: must be greater than 0"),
            ("layers=2,0x3", "nnlab: --vary: layers 0x3: layer widths must be at least 1, found 0"),
        ]
        for (vary, message) in cases {
            let r = try CLI.run(["compare", "4", "--vary", vary])
            #expect(r.status == 2, "\(vary)")
            #expect(r.stderr.hasPrefix(message) && r.stderr.split(separator: "\n").count == 1, "\(vary): \(r.stderr)")
        }
        let ok = try CLI.run(["compare", "4", "--vary", "layers=none,2"])
        #expect(ok.status == 2 && ok.stderr.contains("the lab needs a terminal"))
    }

    /// `nnlab chain`: both examples value by value; a bad --x is one line, exit 2.
    @Test func chainRule() throws {
        let r = try CLI.run(["chain", "--x", "1"])
        #expect(r.status == 0)
        for line in ["  g     = x^3 + 2x        = 3", "  x -> g -> f:  df/dg * dg/dx = 9 * 5 = 45",
                     "  x -> g2 -> f:  df/dg2 * dg2/dx = -9 * 4 = -36", "  df/dx = the sum over the paths = 9 + (-36) = -27"] {
            #expect(r.stdout.contains(line + "\n"), "\(line)")
        }
        let negative = try CLI.run(["chain", "--x", "-2"])
        #expect(negative.status == 0 && negative.stdout.hasPrefix("The chain rule at x = -2\n"))
        for bad in ["abc", "nan", "1e9"] {
            let b = try CLI.run(["chain", "--x", bad])
            #expect(b.status == 2 && b.stderr.hasPrefix("nnlab: --x: ") && b.stderr.split(separator: "\n").count == 1, "\(bad)")
        }
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
