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

        @Option(help: "Comma-separated workloads: W1,W2,W3,W4,W5,W6.")
        var workloads: String = "W1,W2,W3,W4,W5,W6"

        @Option(help: "Cores to compute on: 1 or 2.")
        var threads: Int = 1

        @Option(help: "Timed runs per workload (the median is reported).")
        var `repeat`: Int = 3

        @Option(help: "Steps per run instead of the workload's own (for quick checks).")
        var steps: Int?

        @Flag(help: "Also measure the screen: composing the dashboard and the 4-network compare screen, sampling the decision grid, the step-through, removing points, and the share of a core the lab's loop takes paused and running.")
        var ui = false

        @Flag(help: "Measure the lab's checkpoints instead: their cost to training (2-8-8-1 spiral), scrubbing's redraw at 200x60 and the lab's peak memory on 2-256-256-2 circles.")
        var timeline = false

        @Flag(help: "Time the core's kernels on their own (GFLOP/s per shape) instead.")
        var kernels = false

        @Flag(help: "Measure this machine's limits on one core (the FMA peak; OpenBLAS sgemm through numpy, when it imports) and the core's GEMM, W4 and W3 as shares of them.")
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
                for r in try UIBench.layersView() { print(r.json) }
                print(try UIBench.probeCost().json)
                print(UIBench.decisionGrid().json)
                for r in try UIBench.stepThrough() { print(r.json) }
                print(try UIBench.removePoints().json)
                for r in try UIBench.loopShare() { print(r.json) }
            }
        }

        /// The machine's limits and the project against them, in one run: the FMA units' peak
        /// (measured), OpenBLAS `sgemm` on one thread (through numpy, when it imports), the
        /// core's own 1024^3 GEMM, and W1, W3, W4 as shares of them; W1 and W3 also against
        /// the hand-written C of ../shared/bench/CALIBRATION.md.
        private func measurePeak() throws {
            Console.error("bench: the FMA peak, OpenBLAS sgemm 1024^3 (numpy, 1 thread), the core's GEMM 1024^3, then W1, W3, W4...\n")
            let cpu = Self.cpuDescription()
            let fma = KernelBench.fmaPeak()
            let mhz = cpu.mhz
            print("{\"kernel\":\"\(fma.name)\",\"gflops\":\((fma.gflops * 10).rounded() / 10)}")
            let blas = Self.openBLAS(size: 1024)
            if let blas { print("{\"kernel\":\"openblas sgemm 1024x1024x1024 (numpy, 1 thread)\",\"gflops\":\((blas * 10).rounded() / 10)}") }
            let gemm = KernelBench.peak()
            print("{\"kernel\":\"\(gemm.name)\",\"gflops\":\((gemm.gflops * 10).rounded() / 10)}")
            var results: [String: BenchResult] = [:]
            for id in ["W1", "W3", "W4"] {
                let result = BenchRunner.measure(try Workload.load(id), repeats: `repeat`, threads: 1)
                results[id] = result
                print(result.json)
            }
            func shares(_ gflops: Double) -> String {
                "\(NumberFormat.fixed(gflops, decimals: 1, trim: false)) GFLOP/s: \(NumberFormat.percent(gflops / fma.gflops, decimals: 0)) of the FMA peak"
                    + (blas.map { ", \(NumberFormat.percent(gflops / $0, decimals: 0)) of OpenBLAS" } ?? "")
            }
            // A virtual machine's /proc/cpuinfo gives the nominal clock, not the boost the FMA
            // units run at: FLOPs a cycle derived from it would be wrong, so it is only named.
            print("CPU: \(cpu.name)" + (mhz.map { ", nominal \(NumberFormat.grouped(Int($0.rounded()))) MHz" } ?? "") + ", \(cpu.vectors)")
            print("FMA peak: \(NumberFormat.fixed(fma.gflops, decimals: 1, trim: false)) GFLOP/s on one core (independent multiply-adds on this build's widest registers)")
            print("OpenBLAS sgemm 1024^3, 1 thread: " + (blas.map { "\(NumberFormat.fixed($0, decimals: 1, trim: false)) GFLOP/s, \(NumberFormat.percent($0 / fma.gflops, decimals: 0)) of the FMA peak" }
                                                        ?? "not measured (python3 with numpy is not available)"))
            print("core GEMM 1024^3: " + shares(gemm.gflops))
            for id in ["W4", "W3"] {
                let r = results[id]!
                print("\(id): " + shares(Double(r.flopsPerStep) * r.stepsPerSecond / 1e9))
            }
            // CALIBRATION.md: C with vector extensions, clang -O3 -march=native, one core of a
            // 2.5 GHz AVX-512 Xeon (2026-11-29). Another machine and day: a ratio to read with care.
            for (id, c) in [("W1", 11_300_000.0), ("W3", 103_000.0)] {
                let r = results[id]!.stepsPerSecond
                print("\(id): \(NumberFormat.grouped(Int(r))) steps/s, \(NumberFormat.fixed(r / c, decimals: 2, trim: false))x the hand-written C of CALIBRATION.md (\(NumberFormat.grouped(Int(c))) on its machine)")
            }
        }

        /// The processor's name, clock and vector registers, as /proc/cpuinfo gives them.
        static func cpuDescription() -> (name: String, mhz: Double?, vectors: String) {
            let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            func field(_ key: String) -> String? {
                info.split(separator: "\n").first { $0.hasPrefix(key) }.flatMap { line in
                    line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
                }
            }
            let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
            let vectors = flags.contains("avx512f") ? "AVX-512" : flags.contains("avx2") ? "AVX2" : flags.isEmpty ? "vector width unknown" : "SSE"
            return ((field("model name") ?? "unknown").terminalSafeLine, field("cpu MHz").flatMap(Double.init), "\(vectors); \(kernelRegisters)")
        }

        /// OpenBLAS's single-thread float32 GEMM speed on `size`^3, through numpy (best of 5
        /// runs), or nil when python3 or numpy is missing.
        static func openBLAS(size: Int) -> Double? {
            let script = """
            import time, numpy as np
            n = \(size)
            rng = np.random.default_rng(0)
            a = rng.random((n, n), dtype=np.float32); b = rng.random((n, n), dtype=np.float32)
            a @ b
            best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(7))
            print(2 * n ** 3 / best / 1e9)
            """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script]
            var environment = ProcessInfo.processInfo.environment
            for key in ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"] { environment[key] = "1" }
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
