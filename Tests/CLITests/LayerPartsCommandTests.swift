import Foundation
import Testing

/// `--norm`, `--skip` and `--dropout` through `nnlab train`, and `nnlab grad` and `gradcheck`
/// on the model it saves, in both modes.
@Suite struct LayerPartsCommandTests {
    static func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "nnlab-parts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var csv = "x1,x2,label\n"
        for i in 0..<24 {
            let t = Double(i) / 24 * 6.28
            csv += "\(cos(t) * Double(1 + i % 2)),\(sin(t) * Double(1 + i % 2)),\(i % 2)\n"
        }
        try csv.write(toFile: dir + "/d.csv", atomically: true, encoding: .utf8)
        return dir
    }

    @Test func trainSavesPartsThatGradAndGradcheckRead() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let train = try CLI.run(["train", "--layers", "6,6,6", "--norm", "layer,batch,none", "--skip", "1", "--dropout", "1,0.8,1",
                                 "--epochs", "5", "--save", dir + "/m.json"])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stdout.contains("2 -> 6 tanh +LN -> 6 tanh +BN drop 0.8 +skip -> 6 tanh +skip -> 1 logistic"), "\(train.stdout)")
        let model = try String(contentsOfFile: dir + "/m.json", encoding: .utf8)
        #expect(model.contains("\"version\": 2") && model.contains("\"running_var\"") && model.contains("\"dropout\": 0.8"))
        for mode in ["train", "eval"] {
            let grad = try CLI.run(["grad", "--model", dir + "/m.json", "--data", dir + "/d.csv", "--mode", mode])
            #expect(grad.status == 0, "\(grad.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(grad.stdout.utf8)) as! [String: Any]
            #expect(json["mode"] as? String == mode)
            let layers = json["layers"] as! [[String: Any]]
            #expect(layers.count == 4)
            #expect((layers[0]["dgamma"] as? [Double])?.count == 6 && (layers[1]["dbeta"] as? [Double])?.count == 6)
            #expect(layers[2]["dgamma"] == nil)
            let check = try CLI.run(["gradcheck", "--model", dir + "/m.json", "--data", dir + "/d.csv", "--mode", mode, "--quiet"])
            #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
            #expect(check.stdout.contains("gamma(1)") && check.stdout.contains("beta(2)"), "\(check.stdout)")
        }
        let masked = try CLI.run(["gradcheck", "--model", dir + "/m.json", "--data", dir + "/d.csv", "--seed", "4", "--quiet"])
        #expect(masked.status == 0 && masked.stdout.contains("dropout's masks fixed by the seed"), "\(masked.stdout)")
        // The step-through shows every part value by value, each gradient checked.
        let step = try CLI.run(["step", "--model", dir + "/m.json", "--point", "0.5,0.5", "--label", "1", "--lr", "0.1", "--ascii"])
        #expect(step.status == 0, "\(step.stderr)")
        for line in ["mu(2) = (1/6) sum_i z(2)_i", "mu(3) = the running mean of z(3)", "zhat(2) = gamma(1) .* (z(2) - mu(2)) / sqrt(sigma^2(2) + eps) + beta(1)",
                     "a(3) = tanh(zhat(3)) + a(2)", "a(4) = tanh(z(4)) + a(3)", "dJ/da(3) = (W(3))^T delta(4) + dJ/da(4)",
                     "grad gamma(1) = dJ/dzhat(2)", "gamma(2) <- gamma(2) - eta grad gamma(2)", "dropout with keep p = 0.8 is off here"] {
            #expect(step.stdout.contains(line), "\(line)")
        }
        let checks = step.stdout.split(separator: "\n").filter { $0.hasPrefix("finite differences:") }
        #expect(checks.count == 12 && checks.allSatisfy { $0.contains(" ok ") }, "\(checks)")
        let batch = try CLI.run(["step", "--model", dir + "/m.json", "--scenario", "1", "--batch", "4"])
        #expect(batch.status == 2 && batch.stderr.contains("no minibatch view yet for norms, skips and dropout"), "\(batch.stderr)")
        // Train and eval differ for batch norm (batch statistics against running ones).
        let a = try CLI.run(["grad", "--model", dir + "/m.json", "--data", dir + "/d.csv", "--mode", "train"]).stdout
        let b = try CLI.run(["grad", "--model", dir + "/m.json", "--data", dir + "/d.csv", "--mode", "eval"]).stdout
        #expect(a.split(separator: ",").first != b.split(separator: ",").first)
    }

    @Test(arguments: [
        (["train", "--layers", "4,4", "--norm", "group"], "--norm: unknown norm \"group\""),
        (["train", "--layers", "4,4", "--norm", "batch,layer,layer"], "--norm: give one norm, or one per hidden layer (2); found 3"),
        (["train", "--layers", "4,4", "--dropout", "0"], "--dropout: the keep probability must be a number in (0, 1], found \"0\""),
        (["train", "--layers", "4,8", "--skip", "2"], "--skip 2: no hidden layer has the width"),
        (["train", "--layers", "none", "--norm", "layer"], "act on hidden layers; --layers has none"),
        (["train", "--layers", "4", "--activation", "maxout:2", "--norm", "layer"], "--norm: hidden layer 1: a norm on a maxout layer"),
        (["grad", "--model", "m.json", "--data", "d.csv", "--mode", "test2"], "--mode: expected train or eval"),
    ])
    func badFlagsNameTheFlag(_ arguments: [String], _ message: String) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }
}
