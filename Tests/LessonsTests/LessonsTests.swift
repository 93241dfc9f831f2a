import Foundation
import Lessons
import NeuralCore
import Testing

/// The folder of the repository (found from this file).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct ShippedLessonTests {
    /// Every shipped lesson parses and every one of its claims holds in a headless run.
    @Test(arguments: ShippedLessons.names)
    func claimsHold(_ name: String) throws {
        let scenario = try ShippedLessons.load(name)
        #expect(!scenario.claims.isEmpty, "\(name) makes no claim")
        #expect(!scenario.lesson.isEmpty)
        let run = try ScenarioRunner.run(scenario)
        for result in run.results {
            #expect(result.passed, "\(name): \(result.line)")
        }
        #expect(run.session.divergence == nil)
    }

    /// The lessons compiled into nnlab are the files in scenarios/, byte for byte.
    @Test func compiledInLessonsMatchTheFiles() throws {
        let folder = repository.appendingPathComponent("scenarios").path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.map { ($0 as NSString).deletingPathExtension } == ShippedLessons.names,
                "run python3 scenarios/embed.py after editing the lessons")
        for file in files {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            #expect(ShippedLessons.text((file as NSString).deletingPathExtension) == text, "\(file) differs from its compiled-in copy")
        }
        #expect(ShippedLessons.names.contains(ShippedLessons.defaultName))
    }

    /// The annotated example in scenarios/README.md is a valid scenario whose claims hold.
    @Test func documentedExampleIsValid() throws {
        let readme = try String(contentsOf: repository.appendingPathComponent("scenarios/README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n"))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let yaml = String(readme[start.upperBound..<end.lowerBound])
        let scenario = try ScenarioParser.parse(yaml, path: "README example", directory: nil)
        #expect(scenario.title == "Two hidden units solve XOR")
        #expect(scenario.view.isLocked(.network) && !scenario.view.isLocked(.learningRate))
        #expect(scenario.view.speed == 1000)
        let run = try ScenarioRunner.run(scenario)
        #expect(run.allPassed, "\(run.results.map(\.line))")
    }

    @Test func lessonsAreFoundByNameOrNumber() throws {
        #expect(try ShippedLessons.resolve("4").name == "04-xor-two-hidden-units")
        #expect(try ShippedLessons.resolve("04").name == "04-xor-two-hidden-units")
        #expect(try ShippedLessons.resolve("6a").name == "06a-spiral-deep")
        #expect(try ShippedLessons.resolve("spiral-shallow").name == "06b-spiral-shallow")
        #expect(throws: NNLabError("\"5\" could be 05a-circles-one-neuron, 05b-circles-polar-feature, 05c-circles-hidden-layer; give more of the name")) {
            try ShippedLessons.resolve("5")
        }
        #expect(throws: NNLabError("no lesson called \"14-maxot\"; did you mean \"14-maxout\"? (nnlab list shows the lessons)")) {
            try ShippedLessons.resolve("14-maxot")
        }
    }

    /// --epochs and --seed change the run; claims with `after` beyond the end get a note.
    @Test func overridesApply() throws {
        let scenario = try ShippedLessons.load("09b-vanishing-gradients-logistic")
        let run = try ScenarioRunner.run(scenario, epochs: 2, seed: 5)
        #expect(run.session.metrics.epoch == 2)
        #expect(run.session.configuration.seed == 5)
    }
}

@Suite struct BrokenScenarioTests {
    static let folder = repository.appendingPathComponent("Tests/LessonsTests/Broken").path
    static let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()

    /// Each broken file reports every problem, with the exact message, line and column
    /// written in its `.expected` file (NNLAB_RECORD_GOLDEN=1 rewrites them).
    @Test(arguments: files)
    func everyProblemIsReported(_ file: String) throws {
        let text = try String(contentsOfFile: Self.folder + "/" + file, encoding: .utf8)
        var reported: [String] = []
        do {
            _ = try ScenarioParser.parse(text, path: file, directory: Self.folder)
            Issue.record("\(file) was accepted")
        } catch let e as ScenarioErrors {
            reported = e.problems.map(\.description)
        }
        let expectedPath = Self.folder + "/" + (file as NSString).deletingPathExtension + ".expected"
        if ProcessInfo.processInfo.environment["NNLAB_RECORD_GOLDEN"] == "1" {
            try (reported.joined(separator: "\n") + "\n").write(toFile: expectedPath, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(reported == expected)
    }

    @Test func corpusCoversEveryKindOfProblem() {
        for kind in ["bad-yaml", "wrong-types", "unknown-keys", "bad-enums", "out-of-range", "missing-csv", "huge-sizes",
                     "missing-sections", "bad-claims", "duplicate-keys"] {
            #expect(Self.files.contains(kind + ".yaml"), "no broken file for \(kind)")
        }
    }
}
