import Foundation
import Testing
import GoldenSupport

@Suite struct TrainCommandTests {
    @Test(arguments: [
        (["--lr", "-1"], "nnlab: --lr: must be greater than 0, found -1"),
        (["--lr", "0"], "nnlab: --lr: must be greater than 0, found 0"),
        (["--dataset", "circlez"], #"nnlab: --dataset: "circlez" is not one of "xor-table", "xor", "circles", "gauss", "spiral", "spirals", "moons", "plane", "multigauss", "sine", "abs", "step", "bump", "cube"; did you mean "circles"?"#),
        (["--activation", "rellu"], #"nnlab: --activation: "rellu" is not one of "logistic", "tanh", "relu", "leaky_relu", "abs", "softplus", "linear", "step", "maxout"; did you mean "relu"?"#),
        (["--layers", "8,0"], "nnlab: --layers: layer widths must be at least 1, found 0 (use none for no hidden layer)"),
        (["--layers", "8,-2"], "nnlab: --layers: layer widths must be at least 1, found -2 (use none for no hidden layer)"),
        (["--layers", "0"], "nnlab: --layers: layer widths must be at least 1, found 0 (use none for no hidden layer)"),
        (["--layers", ""], "nnlab: --layers: no widths given (use none for no hidden layer)"),
        (["--layers", "8,,8"], "nnlab: --layers: an empty width (two commas in a row?); give widths like 8,8"),
        (["--features", "x1,,x2"], "nnlab: --features: an empty feature name (two commas in a row?); give names like x1,x2"),
        (["--features", "x1,x1,x1"], "nnlab: --features: x1 is given twice; each feature is one input"),
        (["--seed", "-1"], "nnlab: --seed: must be 0 or more, found -1"),
        (["--points", "-5"], "nnlab: --points: must be between 4 and 100000, found -5"),
        (["--init", "uniform:1e308"], #"nnlab: --init: expected glorot, he, glorot:G or he:G (a gain G such as 5/3, greater than 0, at most 100), uniform:R or normal:STD (R and STD greater than 0, at most 1000), found "uniform:1e308""#),
        (["--save", "/nonexistent/folder/m.json"], "nnlab: --save: cannot write /nonexistent/folder/m.json: the folder /nonexistent/folder does not exist"),
        (["--log", "/"], "nnlab: --log: cannot write /: it is a directory, not a regular file; give the name of a file"),
        (["--layers", "5000"], "nnlab: --layers: layer widths must be at most 4096, found 5000"),
        (["--layers", "8,x"], "nnlab: --layers: \"x\" is not a whole number (expected widths like 8,8)"),
        (["--activation", "tanh,relu,relu"], "nnlab: --activation: give one activation, or one per hidden layer (2); found 3"),
        (["--noise", "80"], "nnlab: --noise: must be between 0 and 50 (percent), found 80"),
        (["--train-ratio", "95"], "nnlab: --train-ratio: give 0.1 to 0.9 or 10 to 90 (percent), found 95"),
        (["--batch", "0"], "nnlab: --batch: must be at least 1, found 0"),
        (["--epochs", "0"], "nnlab: --epochs: must be between 1 and 1,000,000, found 0"),
        (["--features", "x1,rr"], #"nnlab: --features: "rr" is not one of "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)", "cos(x1)", "cos(x2)", "r", "theta"; did you mean "r"?"#),
        (["--optimizer", "adamw"], #"nnlab: --optimizer: "adamw" is not one of "sgd", "momentum", "adam"; did you mean "adam"?"#),
        (["--init", "lecun"], #"nnlab: --init: expected glorot, he, glorot:G or he:G (a gain G such as 5/3, greater than 0, at most 100), uniform:R or normal:STD (R and STD greater than 0, at most 1000), found "lecun""#),
        (["--data", "/nonexistent/mine.csv"], "nnlab: cannot read /nonexistent/mine.csv: No such file or directory"),
        (["--l2", "-0.1"], "nnlab: --l2: must be at least 0, found -0.1"),
        (["--classes", "9", "--dataset", "spirals"], "nnlab: --classes: the spirals have 2 to 5 arms, found 9"),
        (["--dataset", "sine", "--output", "softmax"], "nnlab: the data has real-valued targets but the network's output is softmax; regression needs an identity output"),
    ])
    func badValuesNameTheFlagAndExitWith2(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(["train"] + arguments + ["--epochs", arguments.contains("--epochs") ? arguments[arguments.firstIndex(of: "--epochs")! + 1] : "1"])
        #expect(r.status == 2)
        #expect(r.stderr.split(separator: "\n").first.map(String.init) == message)
        #expect(r.stdout.isEmpty)
    }

    @Test func trainsXORAndSavesTheModel() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try CLI.run(["train", "--dataset", "xor-table", "--layers", "2", "--activation", "logistic", "--lr", "1",
                             "--batch", "4", "--epochs", "3000", "--seed", "2", "--save", dir + "/xor.json", "--log", dir + "/log.csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("network:  2 -> 2 logistic -> 1 logistic (9 parameters)"))
        #expect(r.stdout.contains("outcome:  trained for 3000 epochs (3,000 steps)"))
        #expect(r.stdout.contains("  train    0.0044      100.0%"))
        #expect(!r.stdout.contains("\u{1B}"), "piped output must have no escape codes")
        #expect(r.stderr.contains("saved the model to \(dir)/xor.json"))
        let log = try String(contentsOfFile: dir + "/log.csv", encoding: .utf8).split(separator: "\n")
        #expect(log.count == 3002)
        #expect(log[0] == "epoch,step,train_loss,test_loss,train_accuracy,test_accuracy,objective,layer1_saturation,layer1_grad_norm,layer1_update_ratio")
        // Continue from the saved model: its 4/4 carries over.
        let again = try CLI.run(["train", "--dataset", "xor-table", "--model", dir + "/xor.json", "--lr", "1", "--batch", "4", "--epochs", "1"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("100.0%"))
    }

    @Test func divergenceIsExplainedAndExitsWith1() throws {
        let r = try CLI.run(["train", "--dataset", "circles", "--layers", "8", "--activation", "relu", "--lr", "100", "--epochs", "50"])
        #expect(r.status == 1)
        #expect(r.stdout.contains("outcome:  stopped: training diverged"))
        #expect(r.stdout.contains("the figures below are of epoch"))
        #expect(r.stdout.contains("the learning rate 100 is too high; try 10 or lower"))
        #expect(!r.stdout.contains("nan"))
    }

    @Test func targetLossStopsEarly() throws {
        let r = try CLI.run(["train", "--dataset", "gauss", "--layers", "none", "--epochs", "500", "--target-loss", "0.1"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("reached the target 0.1"))
    }

    @Test func perceptronStopsWhenConverged() throws {
        let r = try CLI.run(["train", "--dataset", "gauss", "--layers", "none", "--output", "step", "--lr", "0.1", "--epochs", "100"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("the perceptron rule converged"))
    }

    @Test func noColorAndAsciiAreHonoured() throws {
        let r = try CLI.run(["train", "--dataset", "gauss", "--epochs", "1"], environment: ["LANG": "C.UTF-8", "NO_COLOR": "1"])
        #expect(r.stdout.contains("→") && !r.stdout.contains("\u{1B}"))
        let a = try CLI.run(["train", "--dataset", "gauss", "--epochs", "1", "--ascii"], environment: ["LANG": "C.UTF-8"])
        #expect(a.stdout.unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test func infoAndGradExitCodes() throws {
        let info = try CLI.run(["info", "--layers", "10,10,5,1"])
        #expect(info.status == 0 && info.stdout.hasPrefix("10 -> 10 logistic -> 5 logistic -> 1 logistic (171 parameters)"))
        let missing = try CLI.run(["grad", "--model", "/nonexistent.json", "--data", "/nonexistent.csv"])
        #expect(missing.status == 2 && missing.stderr == "nnlab: cannot read /nonexistent.json: No such file or directory\n")
        let unknown = try CLI.run(["trian"])
        #expect(unknown.status == 2)
    }

    /// `--plot hidden`: the XOR network's hidden space after the report, as text (golden);
    /// a layer or units that do not exist: one line, exit 2.
    @Test func plotHidden() throws {
        let r = try CLI.run(["train", "--dataset", "xor-table", "--layers", "2", "--activation", "logistic", "--lr", "1", "--batch", "4",
                             "--epochs", "3000", "--seed", "2", "--plot", "hidden:1:0,1", "--ascii", "--quiet"])
        #expect(r.status == 0)
        let start = try #require(r.stdout.range(of: "the hidden space:"))
        let text = String(r.stdout[start.lowerBound...]).trimmingCharacters(in: .newlines)
        if let problem = Golden.check("train-xor-hidden-ascii.txt", text) { Issue.record(Comment(rawValue: problem)) }
        for (plot, message) in [("hidden:9", "nnlab: --plot: hidden layer 9 does not exist: the network has 1 hidden layer (1 to 1)\n"),
                                ("hidden:1:0,5", "nnlab: --plot: units 0,5: give two different units from 0 to 1 of hidden layer 1, like 0,1\n"),
                                ("map", "nnlab: --plot: expected hidden, hidden:LAYER or hidden:LAYER:I,J, found \"map\"\n")] {
            let b = try CLI.run(["train", "--dataset", "xor-table", "--layers", "2", "--epochs", "1", "--plot", plot])
            #expect(b.status == 2 && b.stderr == message, "\(plot): \(b.stderr)")
        }
    }

    /// `nnlab step --quiz` with a piped answer file: every question, each mark, the score; a
    /// line that is not a number counts as wrong; exit 0 whatever the score.
    @Test func stepQuizFromAFile() throws {
        let dir = "/tmp/nnlab-quiz-\(ProcessInfo.processInfo.processIdentifier)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let train = try CLI.run(["train", "--dataset", "xor-table", "--layers", "2", "--activation", "logistic", "--lr", "1", "--batch", "4",
                                 "--epochs", "3000", "--seed", "2", "--save", dir + "/xor.json", "--quiet"])
        #expect(train.status == 0)
        let r = try CLI.shell("printf '3.9\\n-2.86\\nabc\\n0.054\\n' | \"$NNLAB\" step --model \(dir)/xor.json --point 1,0 --label 1 --quiz --ascii")
        #expect(r.status == 0)
        #expect(r.stdout.contains("Quiz: predict each value, one per line; right within 1% or 0.01. 29 questions."))
        #expect(r.stdout.contains("  z(2)_1 = ? 3.9\n  right: z(2)_1 = 3.935\n"))
        #expect(r.stdout.contains("  a(2)_1 = ? abc\n  wrong: a(2)_1 = 0.9808 (not a number)\n"))
        #expect(r.stdout.contains("  z(3) = ? \n  wrong: z(3) = 5.54 (no answer)\n"))
        #expect(r.stdout.components(separatedBy: " = ? ").count - 1 == 29)
        #expect(r.stdout.hasSuffix("score: 3 of 29 right\n"))
        // An endless line (50 MB of zeros, no newline) is read 256 bytes an answer and echoed
        // cut at 40: the quiz ends with every question asked, in a few kilobytes of output.
        let z = try CLI.shell("head -c 50000000 /dev/zero | \"$NNLAB\" step --model \(dir)/xor.json --point 1,0 --label 1 --quiz --ascii | wc -c")
        #expect(z.status == 0)
        #expect((Int(z.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? .max) < 100_000, "\(z.stdout)")
        let long = try CLI.shell("printf '%0300d\\n' 7 | \"$NNLAB\" step --model \(dir)/xor.json --point 1,0 --label 1 --quiz --ascii")
        #expect(long.stdout.contains("  z(2)_1 = ? 0000000000000000000000000000000000000000...\n"), "\(long.stdout.prefix(600))")
    }
}
