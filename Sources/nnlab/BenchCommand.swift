import ArgumentParser
import Benchmarks
import Formatting
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

        @Flag(help: "Also measure the screen: composing the dashboard and the 4-network compare screen, and sampling the decision grid.")
        var ui = false

        @Flag(help: "Measure the lab's checkpoints instead: their cost to training (2-8-8-1 spiral), scrubbing's redraw at 200x60 and the lab's peak memory on 2-256-256-2 circles.")
        var timeline = false

        @Flag(help: "Time the core's kernels on their own (GFLOP/s per shape) instead.")
        var kernels = false

        @Flag(help: "Measure this machine's single-core float32 matrix-multiply peak with the core's own kernel, and W4's share of it.")
        var peak = false

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
            if peak {
                try measurePeak()
                return
            }
            if timeline {
                // The large network first: the peak memory is the process's.
                Console.error("bench: the lab on 2-256-256-2 circles until its checkpoints thin, then scrubbing...\n")
                for r in try TimelineBench.largeNetwork() { print(r.json) }
                Console.flush()
                Console.error("bench: 2-8-8-1 spiral with and without checkpoints, 5 rounds of 1 s each...\n")
                print(try TimelineBench.overhead().json)
                Console.flush()
                Console.error("bench: the 2-2-1 XOR table (a checkpoint every step) with and without checkpoints...\n")
                print(try TimelineBench.overhead(xor: true).json)
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
                print(try UIBench.compare().json)
                print(UIBench.decisionGrid().json)
                for r in try UIBench.stepThrough() { print(r.json) }
                print(try UIBench.removePoints().json)
            }
        }

        /// The peak, W4 against it, and W1 and W3 against the hand-written C of
        /// ../shared/bench/CALIBRATION.md, in one run.
        private func measurePeak() throws {
            Console.error("bench: peak (1024^3 with the core's GEMM), then W1, W3, W4...\n")
            let peak = KernelBench.peak()
            print("{\"kernel\":\"\(peak.name)\",\"gflops\":\((peak.gflops * 10).rounded() / 10)}")
            var results: [String: BenchResult] = [:]
            for id in ["W1", "W3", "W4"] {
                let result = BenchRunner.measure(try Workload.load(id), repeats: `repeat`, threads: 1)
                results[id] = result
                print(result.json)
            }
            let w4 = Double(results["W4"]!.flopsPerStep) * results["W4"]!.stepsPerSecond / 1e9
            print("W4: \(NumberFormat.fixed(w4, decimals: 1, trim: false)) GFLOP/s, \(NumberFormat.percent(w4 / peak.gflops, decimals: 0)) of the peak"
                  + (w4 > peak.gflops ? " (its 256-wide products stay in cache; the peak's 1024-wide ones pass through L2)" : ""))
            // CALIBRATION.md: C with vector extensions, clang -O3 -march=native, one core of a
            // 2.5 GHz AVX-512 Xeon (2026-11-29). Another machine and day: a ratio to read with care.
            for (id, c) in [("W1", 11_300_000.0), ("W3", 103_000.0)] {
                let r = results[id]!.stepsPerSecond
                print("\(id): \(NumberFormat.grouped(Int(r))) steps/s, \(NumberFormat.fixed(r / c, decimals: 2, trim: false))x the hand-written C of CALIBRATION.md (\(NumberFormat.grouped(Int(c))) on its machine)")
            }
        }
    }
}
