// swift-tools-version: 6.0
import PackageDescription

// The numeric core is compiled with optimisation and whole-module specialisation even in
// debug builds: unoptimised generic Swift is 50-100x slower, which would make `swift test`
// crawl. See DECISIONS.md, "Optimised core in debug builds".
let optimisedInDebug: [SwiftSetting] = [
    .unsafeFlags(["-O", "-wmo", "-num-threads", "2"], .when(configuration: .debug)),
]

let package = Package(
    name: "NNLab",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "nnlab", targets: ["nnlab"]),
        .library(name: "NeuralCore", targets: ["NeuralCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
    ],
    targets: [
        .target(name: "NeuralCore", swiftSettings: optimisedInDebug),
        .target(name: "LabRendering", swiftSettings: optimisedInDebug),
        .target(name: "LabApp", dependencies: ["NeuralCore", "LabRendering"], swiftSettings: optimisedInDebug),
        .executableTarget(
            name: "nnlab",
            dependencies: [
                "NeuralCore", "LabRendering", "LabApp",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "GoldenSupport", path: "Tests/GoldenSupport"),
        .testTarget(name: "NeuralCoreTests", dependencies: ["NeuralCore"]),
        .testTarget(name: "LabRenderingTests", dependencies: ["LabRendering", "GoldenSupport"]),
        .testTarget(name: "LabAppTests", dependencies: ["LabApp", "NeuralCore", "LabRendering", "GoldenSupport"]),
        .testTarget(name: "CLITests", dependencies: ["nnlab"]),
    ]
)
