// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Compiler settings, measured in DECISIONS.md:
// - the code is tuned for the CPU that builds it (-target-cpu native: 3x on the benchmarks);
//   NNLAB_PORTABLE=1 builds for a plain x86-64 / arm64 baseline instead;
// - the numeric core uses -Ounchecked in release (W1 +50%, W3 +9% over -O);
// - every module is optimised with whole-module specialisation even in debug builds, since
//   unoptimised generic numeric Swift is 50-100x slower and would make `swift test` crawl.
let portable = ProcessInfo.processInfo.environment["NNLAB_PORTABLE"] == "1"
let cpu: [String] = portable ? [] : ["-target-cpu", "native"]
let optimisedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-num-threads", "2"] + cpu, .when(configuration: .debug)),
    .unsafeFlags(cpu, .when(configuration: .release)),
]
let coreSettings: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-num-threads", "2"] + cpu, .when(configuration: .debug)),
    .unsafeFlags(["-Ounchecked"] + cpu, .when(configuration: .release)),
]

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
        .target(name: "CCurses", linkerSettings: [.linkedLibrary("ncursesw")]),
        .target(name: "LabTerminal", dependencies: ["CCurses", "LabRendering"], swiftSettings: optimisedInDebug),
        .target(name: "Lessons", dependencies: ["Formatting", "NeuralCore", .product(name: "Yams", package: "Yams")], swiftSettings: optimisedInDebug),
        .target(name: "LabApp", dependencies: ["Formatting", "NeuralCore", "LabRendering", "Lessons"], swiftSettings: optimisedInDebug),
        .target(name: "Benchmarks", dependencies: ["NeuralCore", "LabRendering", "LabApp", "Lessons"], swiftSettings: optimisedInDebug),
        .executableTarget(
            name: "nnlab",
            dependencies: [
                "Formatting", "NeuralCore", "LabRendering", "LabApp", "Benchmarks", "Lessons", "LabTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "GoldenSupport", path: "Tests/GoldenSupport"),
        .testTarget(name: "NeuralCoreTests", dependencies: ["Formatting", "NeuralCore"]),
        .testTarget(name: "LabRenderingTests", dependencies: ["Formatting", "LabRendering", "GoldenSupport"]),
        .testTarget(name: "LabAppTests", dependencies: ["Formatting", "LabApp", "NeuralCore", "LabRendering", "Lessons", "GoldenSupport"]),
        .testTarget(name: "CLITests", dependencies: ["nnlab"]),
        .testTarget(name: "BenchmarkTests", dependencies: ["Benchmarks", "NeuralCore"]),
        .testTarget(name: "LessonsTests", dependencies: ["Formatting", "Lessons", "NeuralCore"], exclude: ["Broken"]),
    ]
)
