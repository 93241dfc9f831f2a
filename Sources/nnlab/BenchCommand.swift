import ArgumentParser
import Benchmarks
import Foundation
import NeuralCore

extension NNLab {
    /// `nnlab bench`: the WORKLOADS.md benchmarks, one JSON line per workload.
    struct Bench: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the benchmark workloads (WORKLOADS.md) and print one JSON line each.",
            discussion: """
            Each workload trains from its shipped initial weights on its shipped data (embedded in the
            binary), float32, batches in file order; one untimed warm-up of a tenth of the steps, then
            --repeat timed runs; the median is reported. Compare with the peers:
              nnlab bench | python3 ../shared/bench/compare.py
            """)

        @Option(help: "Comma-separated workloads: W1,W2,W3,W4.")
        var workloads: String = "W1,W2,W3,W4"

        @Option(help: "Cores to compute on: 1 or 2.")
        var threads: Int = 1

        @Option(help: "Timed runs per workload (the median is reported).")
        var `repeat`: Int = 3

        @Option(help: "Steps per run instead of the workload's own (for quick checks).")
        var steps: Int?

        @Flag(help: "Also measure the screen: composing the dashboard and sampling the decision grid.")
        var ui = false

        @Flag(help: "Time the core's kernels on their own (GFLOP/s per shape) instead.")
        var kernels = false

        func validate() throws {
            guard threads == 1 || threads == 2 else { throw NNLabError("--threads: must be 1 or 2, found \(threads)") }
            guard (1...100).contains(`repeat`) else { throw NNLabError("--repeat: must be between 1 and 100, found \(`repeat`)") }
            if let steps, steps < 1 { throw NNLabError("--steps: must be at least 1, found \(steps)") }
        }

        func run() throws {
            if kernels {
                for r in KernelBench.run() {
                    print("{\"kernel\":\"\(r.name)\",\"microseconds\":\((r.microseconds * 100).rounded() / 100),\"gflops\":\((r.gflops * 10).rounded() / 10)}")
                }
                return
            }
            let ids = workloads.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).uppercased() }
            for id in ids where !Workload.ids.contains(id) {
                throw NNLabError("--workloads: " + choiceMessage(found: id, allowed: Workload.ids))
            }
            for id in ids {
                let workload = try Workload.load(id)
                Console.error("bench: \(id) \(workload.name), \(steps ?? workload.steps) steps x \(`repeat`)...\n")
                let result = BenchRunner.measure(workload, repeats: `repeat`, threads: threads, steps: steps)
                print(result.json)
                Console.flush()
            }
            if ui {
                Console.error("bench: screen workloads...\n")
                print(try UIBench.dashboard().json)
                print(UIBench.decisionGrid().json)
            }
        }
    }
}
