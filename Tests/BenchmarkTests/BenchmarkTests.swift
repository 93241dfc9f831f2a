import Benchmarks
import Foundation
import NeuralCore
import Testing

@Suite struct BenchmarkTests {
    /// The embedded copies are byte for byte the files in Benchmarks/data.
    @Test(arguments: ["workloads.json", "W1.csv", "W1-init.json", "W2.csv", "W2-init.json", "W3.csv", "W3-init.json", "W4.csv", "W4-init.json",
                      "W5.csv", "W5-init.json", "W6.csv", "W6-init.json"])
    func embeddedDataMatchesTheFiles(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Benchmarks/data/\(name)"), encoding: .utf8)
        #expect(Workload.embeddedText(name) == file)
    }

    /// The initial objective of every workload matches the peers' reference (WORKLOADS.md).
    /// (FLOPs of a step by hand: 2 x batch x (2 x forward multiply-adds + those of the input
    /// gradients below the first layer); W1 2-2-1 x 4: 2*4*(2*6 + 2) = 112.)
    @Test(arguments: [("W1", 0.128880, 0.50, 112), ("W2", 0.689463, 0.556, 4_960), ("W3", 1.098664, 0.413, 780_000),
                      ("W4", 0.712873, 0.50, 101_974_016), ("W5", 1.722664, 0.456, 2_373_632), ("W6", 1.056449, 0.332, 7_970_816)])
    func initialObjectiveMatchesReference(_ id: String, _ loss: Double, _ accuracy: Double, _ flops: Int) throws {
        let w = try Workload.load(id)
        let (l, a) = BenchRunner.evaluate(w.initial, w)
        #expect(abs(l - loss) < 5e-7, "\(id): \(l)")
        #expect(abs(a - accuracy) < 5e-4)
        #expect(w.flopsPerStep == flops)
    }

    /// W1 in full: final loss within 1e-4 relative of 3.33819e-4 and 100% accuracy.
    @Test func w1FinalLossMatchesReference() throws {
        let w = try Workload.load("W1")
        let (trainer, _) = BenchRunner.train(w, steps: w.steps)
        let (loss, accuracy) = BenchRunner.evaluate(trainer.network, w)
        #expect(abs(loss - 3.33819e-4) / 3.33819e-4 < 1e-4, "\(loss)")
        #expect(accuracy == 1)
    }

    /// W3 at a reduced step count: the peers agree to ~1e-9 at step 100 (numpy, float32).
    @Test func w3AgreesWithThePeersAtStep100() throws {
        let w = try Workload.load("W3")
        let (trainer, _) = BenchRunner.train(w, steps: 100)
        let (loss, _) = BenchRunner.evaluate(trainer.network, w)
        // numpy's float32 run of the same 100 steps (../shared/bench/peers/np_mlp.py).
        #expect(abs(loss - BenchmarkTests.numpyW3At100) < 2e-6, "\(loss)")
    }

    /// W2 in full (5000 steps of a tiny net): 0.662370 and 57.8% in every peer.
    @Test func w2FinalLossMatchesReference() throws {
        let w = try Workload.load("W2")
        let (trainer, _) = BenchRunner.train(w, steps: w.steps)
        let (loss, accuracy) = BenchRunner.evaluate(trainer.network, w)
        #expect(abs(loss - 0.662370) / 0.662370 < 1e-4, "\(loss)")
        #expect(abs(accuracy - 0.578) < 1e-9)
    }

    /// W5 and W6 after one epoch, where every peer agrees to 8 digits (WORKLOADS.md): W5 (12
    /// residual layers with layer norm) 0.5491338 and 69.63%; W6 (batch norm) in evaluation mode
    /// 1.1009074 and 31.46%, its last batch in training mode 0.942877.
    @Test func w5AndW6AgreeWithThePeersAfterOneEpoch() throws {
        let w5 = try Workload.load("W5")
        #expect(w5.initial.architecture.hidden.filter { $0.norm == .layer && $0.skip == 1 }.count == 12)
        #expect(w5.initial.parameters.count == 13_569)
        let (t5, _) = BenchRunner.train(w5, steps: 32)
        let (l5, a5) = BenchRunner.evaluate(t5.network, w5)
        #expect(abs(l5 - 0.5491338) < 2e-7, "\(l5)")
        #expect(abs(a5 - 0.6963) < 1e-4, "\(a5)")
        #expect(BenchRunner.lastBatchTrainLoss(t5.network, w5, steps: 32) == nil)

        let w6 = try Workload.load("W6")
        #expect(w6.initial.parameters.count == 21_955 && w6.initial.statistics.count == 768)
        let (t6, _) = BenchRunner.train(w6, steps: 15)
        let (l6, a6) = BenchRunner.evaluate(t6.network, w6)
        #expect(abs(l6 - 1.1009074) < 2e-7, "\(l6)")
        #expect(abs(a6 - 0.3146) < 1e-4, "\(a6)")
        let last = try #require(BenchRunner.lastBatchTrainLoss(t6.network, w6, steps: 15))
        #expect(abs(last - 0.942877) < 2e-6, "\(last)")
        // Training mode at the initial weights, first batch (rows 0-63): 1.159577.
        let first = try #require(BenchRunner.lastBatchTrainLoss(w6.initial, w6, steps: 1))
        #expect(abs(first - 1.159577) < 2e-6, "\(first)")
    }

    @Test func resultLineHasTheRequiredKeys() throws {
        let w = try Workload.load("W1")
        let r = BenchRunner.measure(w, repeats: 1, threads: 1, steps: 100)
        let object = try JSONSerialization.jsonObject(with: Data(r.json.utf8)) as! [String: Any]
        for key in ["workload", "steps", "seconds", "final_loss", "train_accuracy", "threads"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        #expect(object["workload"] as? String == "W1" && object["steps"] as? Int == 100 && object["threads"] as? Int == 1)
    }

    static let numpyW3At100 = 0.6958577182442763
}
