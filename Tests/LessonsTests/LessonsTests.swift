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
        // Only a variant that shows divergence (lesson 16's "large") may diverge.
        for r in run.runs where r.variant.name != "large" || !name.hasPrefix("16") {
            #expect(r.session.divergence == nil, "\(name) \(r.variant.name)")
        }
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

    /// One limit of depth: a lesson may have as many hidden layers as the core takes (32), and
    /// the lab's settings panel as many.
    @Test func deepLessonsAreAllowedUpToTheCoresLimit() throws {
        func yaml(_ n: Int) -> String {
            "title: Deep\nlesson: deep\ndata: { dataset: spiral, points: 40 }\nnetwork: { layers: [\(Array(repeating: "4", count: n).joined(separator: ", "))], activation: tanh }\ntraining: { epochs: 1 }\n"
        }
        let deep = try ScenarioParser.parse(yaml(Limits.maxHiddenLayers), path: "deep.yaml", directory: nil)
        #expect(deep.configuration.hidden.count == Limits.maxHiddenLayers)
        #expect(ScenarioLimits.maxLayers == Limits.maxHiddenLayers)
        #expect(throws: (any Error).self) { try ScenarioParser.parse(yaml(Limits.maxHiddenLayers + 1), path: "deep.yaml", directory: nil) }
    }

    /// `norm`, `skip` and `dropout` as `nnlab train`'s flags: one for all or one per layer; a
    /// skip only where the widths agree; a variant changes one of them alone; the lesson trains.
    @Test func layerPartsInALesson() throws {
        let yaml = """
        title: Parts
        lesson: parts
        data: { dataset: spiral, points: 60 }
        network: { layers: [8, 8, 8, 4], activation: tanh, norm: [layer, layer, batch, none], skip: 1, dropout: 0.9 }
        training: { epochs: 2, batch: 10 }
        variants:
          plain: { says: no norm, network: { norm: none } }
          normed: { says: as the lesson }
        """
        let s = try ScenarioParser.parse(yaml, path: "parts.yaml", directory: nil)
        let hidden = s.variants[1].configuration.hidden
        #expect(hidden.map(\.norm) == [.layer, .layer, .batch, nil])
        #expect(hidden.map(\.skip) == [0, 1, 1, 0])
        #expect(hidden.allSatisfy { $0.keep == 0.9 })
        let plain = s.variants[0].configuration.hidden
        #expect(plain.allSatisfy { $0.norm == nil } && plain.map(\.skip) == [0, 1, 1, 0] && plain.allSatisfy { $0.keep == 0.9 })
        let run = try ScenarioRunner.run(s)
        #expect(run.runs.count == 2)
    }

    /// `init` with a gain: a string (`he:2`, `glorot:5/3`) or a mapping {scheme, gain}; a gain on
    /// a scheme that sets its own scale, or a bad gain, is a problem at the gain.
    @Test func initialGainInALesson() throws {
        func yaml(_ i: String) -> String {
            "title: G\nlesson: g\ndata: { dataset: spiral, points: 40 }\nnetwork: { layers: [4, 4], activation: tanh, init: \(i) }\ntraining: { epochs: 1 }\n"
        }
        #expect(try ScenarioParser.parse(yaml("{scheme: glorot, gain: 5/3}"), path: "g.yaml", directory: nil).configuration.weightInit == .glorot(gain: 5.0 / 3))
        #expect(try ScenarioParser.parse(yaml("\"he:2\""), path: "g.yaml", directory: nil).configuration.weightInit == .he(gain: 2))
        #expect(try ScenarioParser.parse(yaml("{scheme: he}"), path: "g.yaml", directory: nil).configuration.weightInit == .he())
        for (bad, message) in [("{scheme: uniform:0.5, gain: 2}", "network.init.gain: a gain scales glorot and he"),
                               ("{scheme: glorot, gain: 0}", "network.init.gain: expected a number or a fraction"),
                               ("{gain: 2}", "network.init: missing key"), ("{scheme: glorot, gain: 2, seed: 1}", "network.init")] {
            do {
                _ = try ScenarioParser.parse(yaml(bad), path: "g.yaml", directory: nil)
                Issue.record("\(bad) was accepted")
            } catch let e as ScenarioErrors {
                #expect(e.problems.contains { $0.description.contains(message) }, "\(bad): \(e.problems.map(\.description))")
            }
        }
    }

    /// A decision threshold: read, applied to the accuracy (training does not see it), and
    /// refused for an output that is not a single logistic unit.
    @Test func decisionThreshold() throws {
        func yaml(_ output: String, _ t: String) -> String {
            "title: T\nlesson: t\ndata: { dataset: gauss, noise: 40 }\nnetwork: { layers: [], output: \(output), threshold: \(t) }\ntraining: { epochs: 20 }\n"
        }
        let half = try ScenarioParser.parse(yaml("logistic", "0.5"), path: "t.yaml", directory: nil)
        let low = try ScenarioParser.parse(yaml("logistic", "0.05"), path: "t.yaml", directory: nil)
        #expect(low.configuration.threshold == 0.05 && half.configuration.threshold == 0.5)
        let a = try TrainingSession(half.configuration), b = try TrainingSession(low.configuration)
        for _ in 0..<20 { a.runEpoch(); b.runEpoch() }
        #expect(a.network.parameters == b.network.parameters, "the threshold plays no part in training")
        #expect(a.metrics.train.meanLoss == b.metrics.train.meanLoss)
        #expect(b.metrics.train.accuracy! < a.metrics.train.accuracy!, "at 0.05 many of class 0 are called 1")
        #expect(throws: (any Error).self) { try ScenarioParser.parse(yaml("softmax", "0.3"), path: "t.yaml", directory: nil) }
        #expect(throws: (any Error).self) { try ScenarioParser.parse(yaml("logistic", "1.5"), path: "t.yaml", directory: nil) }
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
        let scenario = try ShippedLessons.load("09b-vanishing-gradients")
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
                     "missing-sections", "bad-claims", "duplicate-keys", "bad-variants", "bad-variant-count"] {
            #expect(Self.files.contains(kind + ".yaml"), "no broken file for \(kind)")
        }
    }
}

@Suite struct VariantAndSweepTests {
    /// Every shipped lesson holds its claims on seeds 1-10 as its robustness asks (`.ci/run`
    /// also runs seeds 11-20 with the release build).
    @Test(arguments: ShippedLessons.names)
    func claimsHoldOnTenSeeds(_ name: String) throws {
        let scenario = try ShippedLessons.load(name)
        let sweep = try ScenarioRunner.sweep(scenario, seeds: Array(1...10))
        #expect(sweep.seeds == Array(1...10))
        for c in sweep.claims {
            #expect(c.passed, "\(name): \(c.claim.description) held on \(c.held)/10, needs \(c.required)")
        }
    }

    /// No claim of a lesson that trains is passed by its untrained network: at 0 epochs at
    /// least one claim fails (facts that hold before training belong in the text).
    @Test(arguments: ShippedLessons.names)
    func untrainedNetworkFails(_ name: String) throws {
        let scenario = try ShippedLessons.load(name)
        guard scenario.epochs > 0 else { return }
        let run = try ScenarioRunner.run(scenario, epochs: 0)
        #expect(run.results.contains { !$0.passed }, "\(name): an untrained network passes every claim")
    }

    /// The variants of a shipped lesson differ from each other in exactly one factor (the
    /// output and its loss count as one, as do the layers' widths).
    @Test(arguments: ShippedLessons.names)
    func variantsChangeOneFactor(_ name: String) throws {
        let scenario = try ShippedLessons.load(name)
        // The activations count as a factor only between networks with the same layers.
        func factors(_ c: SessionConfiguration, _ other: SessionConfiguration) -> [String] {
            [c.features.description, c.hidden.map { "\($0.units)" }.joined(separator: ","),
             c.hidden.count == other.hidden.count ? c.hidden.map { "\($0.activation)" }.joined(separator: ",") : "",
             // A layer's kind (its norm, skip and dropout) is one factor, as the activation is.
             c.hidden.count == other.hidden.count ? c.hidden.map(\.partsLabel).joined(separator: ",") : "",
             "\(String(describing: c.output)) \(String(describing: c.loss))", c.weightInit.map { $0.description } ?? "default", "\(c.biasInit)",
             c.settings.optimizer.description, "\(c.settings.learningRate)", "\(c.settings.batchSize)",
             "\(c.settings.l1) \(c.settings.l2)", "\(c.initialWeights ?? [])", "\(c.threshold)"]
        }
        let all = scenario.variants.map(\.configuration)
        for i in all.indices {
            for j in all.indices where j > i {
                let differing = zip(factors(all[i], all[j]), factors(all[j], all[i])).filter { $0 != $1 }.count
                #expect(differing == 1, "\(name): \(scenario.variants[i].name) and \(scenario.variants[j].name) differ in \(differing) factors")
            }
        }
        for v in scenario.variants {
            #expect(v.configuration.seed == scenario.variants[0].configuration.seed && v.configuration.data == scenario.variants[0].configuration.data)
        }
    }

    static let twoVariants = """
        title: t
        lesson: t
        data: {dataset: xor-table}
        network: {layers: [], output: logistic, init: "uniform:1"}
        training: {learning_rate: 1, batch: 4, epochs: 300, seed: 3}
        variants:
          line: {says: "x1, x2", data: {features: [x1, x2]}}
          product: {says: "and x1*x2", data: {features: [x1, x2, "x1*x2"]}}
        robustness: {seeds: 4, at_least: 3}
        expect:
          - product.train_accuracy - line.train_accuracy: {at_least: 0.25}
          - line.train_accuracy: {at_least: 1.0, robustness: {seeds: 2, at_least: 1}}
          - product.train_loss / line.train_loss: {at_most: 0.5}
        """

    /// Variants share the data, split and initial weights where shapes agree; a comparison
    /// claim combines two variants' measures; a sweep counts the seeds per claim.
    @Test func variantsAndComparisons() throws {
        let scenario = try ScenarioParser.parse(Self.twoVariants, path: "t.yaml", directory: nil)
        #expect(scenario.variants.map(\.name) == ["line", "product"])
        #expect(scenario.configuration.features == scenario.variants[0].configuration.features)
        #expect(scenario.lesson.contains("This lesson compares line (x1, x2), product (and x1*x2)"))
        let run = try ScenarioRunner.run(scenario)
        #expect(run.runs.count == 2)
        let line = run.runs[0].session, product = run.runs[1].session
        #expect(line.trainIndices == product.trainIndices)
        // The first two inputs' weights are the same draws (one stream, W(1) row by row).
        #expect(line.initialNetwork.parameters[0] == product.initialNetwork.parameters[0])
        let difference = try #require(run.results[0].measured)
        #expect(abs(difference - (product.metrics.train.accuracy! - line.metrics.train.accuracy!)) < 1e-12)
        #expect(run.results[0].passed && !run.results[1].passed)
        let ratio = try #require(run.results[2].measured)
        #expect(abs(ratio - product.metrics.train.meanLoss / line.metrics.train.meanLoss) < 1e-12)

        let sweep = try ScenarioRunner.sweep(scenario, seeds: [1, 2, 3, 4])
        #expect(sweep.claims[0].held == 4 && sweep.claims[0].required == 3 && sweep.claims[0].passed)
        // 1 of 2 seeds scales to 2 of 4; the line never gets all 4 points.
        #expect(sweep.claims[1].held == 0 && sweep.claims[1].required == 2 && !sweep.claims[1].passed)
        #expect(!sweep.allPassed)
        // The sweep's per-seed values are the single runs' values.
        let single = try ScenarioRunner.run(scenario, seed: 3)
        #expect(sweep.claims[0].results[2].measured == single.results[0].measured)
        #expect(try scenario.selecting(variant: "product").configuration.features.description.contains("x1*x2"))
        #expect(throws: NNLabError("t has no variant \"prodcut\" (it has line, product); did you mean \"product\"?")) {
            try scenario.selecting(variant: "prodcut")
        }
    }

    /// Hand-set weights (`network.weights`) give the network exactly those numbers.
    @Test func handSetWeights() throws {
        let scenario = try ShippedLessons.load("18-xor-by-hand")
        let run = try ScenarioRunner.run(scenario)
        #expect(run.session.network.parameters == [20, 20, -20, -20, -10, 30, 20, 20, -30])
        #expect(run.allPassed)
    }

    @Test func robustnessScalesToTheSeedsRun() {
        let r = Robustness(seeds: 10, atLeast: 9)
        #expect(r.required(of: 10) == 9 && r.required(of: 20) == 18 && r.required(of: 1) == 1 && r.required(of: 5) == 5)
    }
}
