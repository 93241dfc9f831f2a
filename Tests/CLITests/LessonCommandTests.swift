import Foundation
import Testing

@Suite struct LessonCommandTests {
    @Test func listShowsEveryLessonAndTheDefault() throws {
        let r = try CLI.run(["list"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("04-xor-two-hidden-units (default)  Two hidden units solve XOR [compares two, four]"))
        #expect(r.stdout.contains("14-maxout"))
        #expect(r.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }.count == 41)
    }

    @Test func runChecksTheClaimsFromAnyFolder() throws {
        // From /tmp: the lessons are compiled in.
        let r = try CLI.run(["run", "4"], directory: "/tmp")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Two hidden units solve XOR\n"))
        #expect(r.stdout.contains("claims (3 of 3 hold)"))
        #expect(r.stdout.contains("  PASS  four.train_accuracy = 1.0 at epoch 3000; expected four.train_accuracy >= 1"))
        // One row per variant, with how it differs.
        #expect(r.stdout.contains("\ntwo      two hidden units, 2-2-1"))
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
        #expect(lines.first == "unknown-keys.yaml:5:3: data.nosie: unknown key; did you mean \"noise\"? (allowed: dataset, file, points, noise, classes, train_ratio, validation_ratio, features, seed)")
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
        #expect(lines[2] == "seeds 5-7, 2,000 epochs, variants: line (inputs x1, x2), product (inputs x1, x2 and x1*x2)")
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
            ("layers=513,2", "nnlab: --vary: layers 513: a layer has at most 512 units, found 513"),
            ("features=x1 x2;r", "nnlab: --vary: features x1 x2: \"x1 x2\" names 2 features; separate them with commas (x1,x2)"),
            ("norm=none,group", "nnlab: --vary: norm group: unknown norm \"group\"; expected none, batch or layer"),
            ("skip=0,x", "nnlab: --vary: skip x: a skip is a whole number of layers (0 for none)"),
            ("skip=0,1", "nnlab: --vary: skip 1: no hidden layer has the width of a(l+1-1), so nothing would be added"),
            ("dropout=1,0", "nnlab: --vary: dropout 0: the keep probability must be a number in (0, 1], found \"0\""),
        ]
        for (vary, message) in cases {
            let r = try CLI.run(["compare", "4", "--vary", vary])
            #expect(r.status == 2, "\(vary)")
            #expect(r.stderr.hasPrefix(message) && r.stderr.split(separator: "\n").count == 1, "\(vary): \(r.stderr)")
        }
        let twice = try CLI.run(["compare", "4", "--vary", "layers=none,2", "--vary", "batch=1,4"])
        #expect(twice.status == 2 && twice.stderr.hasPrefix("nnlab: --vary: given 2 times; a comparison changes one setting"), "\(twice.stderr)")
        for vary in ["layers=none,2", "norm=none,batch,layer", "dropout=1,0.8"] {
            let ok = try CLI.run(["compare", "4", "--vary", vary])
            #expect(ok.status == 2 && ok.stderr.contains("the lab needs a terminal"), "\(vary): \(ok.stderr)")
        }
        let skip = try CLI.run(["compare", "06a", "--vary", "skip=0,1"])
        #expect(skip.status == 2 && skip.stderr.contains("the lab needs a terminal"), "\(skip.stderr)")
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

/// `nnlab step --batch M`: a minibatch through the vectorised pass, every matrix with its shape.
@Suite struct BatchStepTests {
    /// The rows of the matrix printed under the line that starts with `title`.
    static func matrix(_ text: String, _ title: String) -> [[Double]] {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(where: { $0.hasPrefix(title) }) else { return [] }
        return lines[(start + 1)...].prefix { $0.hasPrefix("  [") }.map { line in
            line.replacingOccurrences(of: "[", with: " ").replacingOccurrences(of: "]", with: " ")
                .split(separator: " ").compactMap { Double($0) }
        }
    }

    @Test func aBatchOfEightWithShapesAndTheMean() throws {
        let r = try CLI.run(["step", "--scenario", "05c", "--batch", "8", "--ascii"])
        #expect(r.status == 0, "\(r.stderr)")
        let text = r.stdout
        for line in ["A(1) = X    (2 x 8)", "Z(2) = W(1) A(1) + b(1)    (4 x 8", "A(2) = tanh(Z(2))    (4 x 8", "Delta(3) = A(3) - Y    (1 x 8",
                     "grad W(2) = (1/m) Delta(3) (A(2))^T    (1 x 4, 1/m = 1/8", "grad b(1) = the row mean of Delta(2)    (4 x 1",
                     "Delta(2) = (W(2))^T Delta(3) .* f'(Z(2))    (4 x 8"] {
            #expect(text.contains(line), "\(line)")
        }
        // The printed numbers obey the formulas: Z(2) = W(1) X + b(1), grad b(2) = the mean of
        // Delta(3), grad W(2) = (1/m) Delta(3) A(2)^T (to the four digits printed).
        let X = Self.matrix(text, "A(1) = X"), W1 = Self.matrix(text, "W(1)"), b1 = Self.matrix(text, "b(1)")
        let Z2 = Self.matrix(text, "Z(2) ="), A2 = Self.matrix(text, "A(2) ="), D3 = Self.matrix(text, "Delta(3) =")
        let gW2 = Self.matrix(text, "grad W(2) ="), gb2 = Self.matrix(text, "grad b(2) =")
        try #require(X.count == 2 && X[0].count == 8 && W1.count == 4 && Z2.count == 4 && D3.count == 1 && D3[0].count == 8)
        for i in 0..<4 {
            for c in 0..<8 {
                let z = W1[i][0] * X[0][c] + W1[i][1] * X[1][c] + b1[i][0]
                #expect(abs(z - Z2[i][c]) <= 2e-3 * max(1, abs(z)), "Z(2)[\(i),\(c)]")
            }
            let g = (0..<8).reduce(0.0) { $0 + D3[0][$1] * A2[i][$1] } / 8
            #expect(abs(g - gW2[0][i]) <= 2e-3 * max(0.01, abs(g)), "grad W(2)[0,\(i)]: \(g) against \(gW2[0][i])")
        }
        #expect(abs(D3[0].reduce(0, +) / 8 - gb2[0][0]) < 2e-3)
        // Errors name the flag and exit 2.
        let big = try CLI.run(["step", "--scenario", "04", "--batch", "8"])
        #expect(big.status == 2 && big.stderr.contains("--batch: 04-xor-two-hidden-units has 4 training examples"), "\(big.stderr)")
        let alone = try CLI.run(["step", "--batch", "8"])
        #expect(alone.status == 2 && alone.stderr.contains("--batch: name the lesson"))
        let mixed = try CLI.run(["step", "--scenario", "05c", "--batch", "8", "--point", "1,0"])
        #expect(mixed.status == 2 && mixed.stderr.contains("leave out --point"))
    }

    /// `run --seeds` reports the epochs it trained, says so when interrupted before any seed
    /// finished (nothing held), and estimates a long sweep before starting it (refused past
    /// 15 minutes without --allow-long).
    @Test func sweepReportsWhatItRan() throws {
        let r = try CLI.run(["run", "04", "--seeds", "3", "--epochs", "1", "--ascii"])
        #expect(r.status == 1 && r.stdout.contains("seeds 1-3, 1 epoch, variants:"), "\(r.stdout)")
        let long = try CLI.run(["run", "07b", "--seeds", "1000", "--epochs", "1000000"])
        #expect(long.status == 2 && long.stderr.contains("would take about") && long.stderr.contains("--allow-long"), "\(long.stderr)")
        let estimate = try CLI.run(["run", "04", "--seeds", "10", "--estimate"])
        #expect(estimate.status == 0 && estimate.stdout.hasPrefix("04-xor-two-hidden-units: 10 seeds, 2 networks, 3,000 epochs each: about "), "\(estimate.stdout)")
        // Ctrl-C half a second in (a python parent, so that the signal is not masked as the
        // test runner's threads mask it).
        let cut = try CLI.shell("""
            python3 -c 'import os, signal, subprocess, sys, time
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            p = subprocess.Popen([os.environ["NNLAB"], "run", "07b", "--seeds", "3", "--ascii"])
            time.sleep(0.5)
            p.send_signal(signal.SIGINT)
            print("status", p.wait() & 255 if p.returncode is None or p.returncode >= 0 else 128 - p.returncode)'
            """)
        #expect(cut.stdout.contains("status 130") && !cut.stdout.contains("PASS"), "\(cut.stdout)")
        #expect(cut.stderr.contains("interrupted before any seed finished; no claim was checked"), "\(cut.stderr)")
    }
}
