// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Compiler settings, measured in DECISIONS.md:
// - the code is tuned for the CPU that builds it (-target-cpu native: 3x on the benchmarks);
//   a copied binary checks at start-up that the processor has those instructions (CPUCheck)
//   and otherwise says to rebuild; NNLAB_PORTABLE=1 builds for a plain x86-64 / arm64
//   baseline instead;
// - the numeric core uses -Ounchecked in release (W1 +50%, W3 +9% over -O);
// - the numeric modules (Formatting, NeuralCore, LabRendering) are optimised with whole-module
//   specialisation even in debug builds, since unoptimised generic numeric Swift is 50-100x
//   slower and would make `swift test` crawl; the others build without optimisation in debug
//   (a fresh clone's `swift build`: 143 s -> 111 s).
// - NNLAB_TARGET_CPU=x86-64-v3 (or znver3, haswell, ...) builds for another processor than the
//   one building, to measure the AVX2 paths on an AVX-512 machine; the start-up check then asks
//   for that level's features (other names: no check, and the narrow GEMM tiles).
let environment = ProcessInfo.processInfo.environment
let portable = environment["NNLAB_PORTABLE"] == "1"
let targetCPU = environment["NNLAB_TARGET_CPU"].flatMap { $0.isEmpty || $0 == "native" ? nil : $0 }
let cpu: [String] = portable ? [] : ["-target-cpu", targetCPU ?? "native"]

/// The instruction-set extensions of the building processor that a native build may use, as
/// `__builtin_cpu_supports` names them (Linux: /proc/cpuinfo). CPUCheck checks them at start-up.
/// For an AVX2 target named by NNLAB_TARGET_CPU: the x86-64-v3 level's.
func nativeFeatures() -> [String] {
    if let targetCPU, !portable {
        let v3 = ["sse4.2", "popcnt", "avx", "avx2", "fma", "f16c", "bmi", "bmi2"]
        return ["x86-64-v3", "haswell", "broadwell", "skylake", "znver1", "znver2", "znver3"].contains(targetCPU) ? v3 : []
    }
    guard !portable, let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
          let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return [] }
    let names = ["sse4_2": "sse4.2", "popcnt": "popcnt", "avx": "avx", "avx2": "avx2", "fma": "fma", "f16c": "f16c",
                 "bmi1": "bmi", "bmi2": "bmi2", "avx512f": "avx512f", "avx512cd": "avx512cd", "avx512bw": "avx512bw",
                 "avx512dq": "avx512dq", "avx512vl": "avx512vl", "avx512ifma": "avx512ifma", "avx512vbmi": "avx512vbmi",
                 "avx512_vbmi2": "avx512vbmi2", "avx512_vnni": "avx512vnni", "avx512_bitalg": "avx512bitalg",
                 "avx512_vpopcntdq": "avx512vpopcntdq", "avx512_bf16": "avx512bf16"]
    return line.split(separator: " ").compactMap { names[String($0)] }
}
let cpuDefines: [CSetting] = nativeFeatures().map {
    .define("NNLAB_NEEDS_" + $0.uppercased().replacingOccurrences(of: ".", with: "_"))
}
let optimisedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-num-threads", "2"] + cpu, .when(configuration: .debug)),
    .unsafeFlags(cpu, .when(configuration: .release)),
]
/// Modules whose speed does not matter in a debug build (the lab's logic, the lessons, the
/// terminal, the benchmark drivers): compiled without optimisation there, which builds faster.
let plainInDebug: [SwiftSetting] = [
    .unsafeFlags(cpu, .when(configuration: .release)),
]
/// 32 vector registers of 512 bits (AVX-512) take the GEMM's 8 x 32 tile; 16 of 256 bits
/// (AVX2) or 32 of 128 (NEON), a 6 x 16 one (`Kernels.swift`).
/// NNLAB_WIDE_TILES=1 or 0 chooses them regardless (to measure one against the other).
let wideRegisters = environment["NNLAB_WIDE_TILES"].map { $0 == "1" } ?? nativeFeatures().contains("avx512f")
let coreSettings: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-num-threads", "2"] + cpu, .when(configuration: .debug)),
    .unsafeFlags(["-Ounchecked"] + cpu, .when(configuration: .release)),
] + (portable ? [.define("NNLAB_NO_FMA")] : []) + (wideRegisters ? [.define("NNLAB_WIDE_REGISTERS")] : [])

let package = Package(
    name: "NNLab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nnlab", targets: ["nnlab"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
        .library(name: "LabRendering", targets: ["LabRendering"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "Formatting", swiftSettings: optimisedInDebug),
        .target(name: "NeuralCore", dependencies: ["Formatting"], swiftSettings: coreSettings),
        .target(name: "LabRendering", dependencies: ["Formatting"], swiftSettings: optimisedInDebug),
        .target(name: "CPUCheck", cSettings: cpuDefines),
        .target(name: "CCurses", linkerSettings: [
            .linkedLibrary("ncursesw", .when(platforms: [.linux])),
            .linkedLibrary("ncurses", .when(platforms: [.macOS])),
        ]),
        .target(name: "LabTerminal", dependencies: ["CCurses", "LabRendering"], swiftSettings: plainInDebug),
        .target(name: "Lessons", dependencies: ["Formatting", "NeuralCore", .product(name: "Yams", package: "Yams")], swiftSettings: plainInDebug),
        .target(name: "LabApp", dependencies: ["Formatting", "NeuralCore", "LabRendering", "Lessons"], swiftSettings: plainInDebug),
        .target(name: "Benchmarks", dependencies: ["NeuralCore", "LabRendering", "LabApp", "Lessons"], swiftSettings: plainInDebug),
        .executableTarget(
            name: "nnlab",
            dependencies: [
                "CPUCheck", "Formatting", "NeuralCore", "LabRendering", "LabApp", "Benchmarks", "Lessons", "LabTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "GoldenSupport", dependencies: ["LabRendering"], path: "Tests/GoldenSupport"),
        .testTarget(name: "NeuralCoreTests", dependencies: ["Formatting", "NeuralCore"]),
        .testTarget(name: "LabRenderingTests", dependencies: ["Formatting", "LabRendering", "GoldenSupport"]),
        .testTarget(name: "LabAppTests", dependencies: ["Formatting", "LabApp", "NeuralCore", "LabRendering", "Lessons", "GoldenSupport"]),
        .testTarget(name: "CLITests", dependencies: ["nnlab", "GoldenSupport", "LabApp", "LabRendering", "Lessons"]),
        .testTarget(name: "BenchmarkTests", dependencies: ["Benchmarks", "NeuralCore"]),
        .testTarget(name: "LessonsTests", dependencies: ["Formatting", "Lessons", "NeuralCore"], exclude: ["Broken"]),
    ]
)
