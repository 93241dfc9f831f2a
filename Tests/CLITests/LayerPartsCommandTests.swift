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
            #expect(check.stdout.contains("γ(1)") && check.stdout.contains("β(2)"), "\(check.stdout)")
        }
        let masked = try CLI.run(["gradcheck", "--model", dir + "/m.json", "--data", dir + "/d.csv", "--seed", "4", "--quiet"])
        #expect(masked.status == 0 && masked.stdout.contains("dropout's masks fixed by the seed"), "\(masked.stdout)")
        // The step-through does not show the parts yet, and says so instead of misstating them.
        let step = try CLI.run(["step", "--model", dir + "/m.json", "--point", "0.5,0.5", "--label", "1"])
        #expect(step.status == 2 && step.stderr.contains("no step-through yet for norms, skips, dropout"), "\(step.stderr)")
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
