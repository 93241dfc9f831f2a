import Formatting
import NeuralCore

/// A claim's outcome in a run.
public struct ClaimResult: Sendable {
    /// The claim.
    public let claim: Claim
    /// The measured value (nil if it could not be measured).
    public let measured: Double?
    /// The epoch it was measured at.
    public let epoch: Int
    /// True when the claim holds.
    public let passed: Bool
    /// Why it could not be measured, if so.
    public let note: String?

    /// "PASS  train_accuracy = 1.000 (>= 1)".
    public var line: String {
        let value: String
        if let m = measured {
            switch claim.measure {
            case .converges: value = m == 1 ? "yes" : "no"
            case .parameters, .deadUnits: value = String(Int(m))
            default: value = NumberFormat.measured(m)
            }
        } else {
            value = "not measured"
        }
        var text = "\(passed ? "PASS" : "FAIL")  \(claim.measure.rawValue)"
        if let layer = claim.layer {
            text += claim.measure == .gradientRatio ? "(layer \(layer) / layer \(claim.toLayer ?? 0))" : "(layer \(layer))"
        }
        text += " = \(value) at epoch \(epoch); expected \(claim.description)"
        if let note { text += " (\(note))" }
        if let says = claim.says { text += "\n      \(says)" }
        return text
    }
}

/// The result of running a scenario headless.
public struct ScenarioRun: Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// The trained session.
    public let session: TrainingSession
    /// How training ended, in words.
    public let outcome: String
    /// Each claim's outcome, in the scenario's order.
    public let results: [ClaimResult]

    /// True when every claim holds.
    public var allPassed: Bool { results.allSatisfy(\.passed) }
}

/// Trains a scenario headless and checks its claims.
public enum ScenarioRunner {
    /// Trains `scenario` (for `epochs` instead of its own, with `seed` instead of its own, if
    /// given) and checks every claim at its epoch. `tick` is called after every epoch and
    /// every 256 steps; when it returns false, training stops there (Ctrl-C).
    public static func run(_ scenario: Scenario, epochs: Int? = nil, seed: UInt64? = nil,
                           tick: ((TrainingSession) -> Bool)? = nil) throws -> ScenarioRun {
        var configuration = scenario.configuration
        if let seed {
            configuration.seed = seed
            if case .generated(var spec) = configuration.data {
                spec.seed = seed
                configuration.data = .generated(spec)
            }
        }
        let model: Network<Float>? = try scenario.modelPath.map { try ModelFile.load($0) }
        let session = try TrainingSession(configuration, model: model)
        let total = epochs ?? scenario.epochs
        var results = [ClaimResult?](repeating: nil, count: scenario.claims.count)
        var converged = false
        var outcome = "trained for \(total) epoch\(total == 1 ? "" : "s")"
        func check(_ filter: (Claim) -> Bool) {
            for (i, claim) in scenario.claims.enumerated() where results[i] == nil && filter(claim) {
                results[i] = evaluate(claim, session, converged: converged)
            }
        }
        let stepTick = tick.map { t in { t(session) } }
        while session.trainer.epoch < total {
            let end = session.runEpoch(tick: stepTick)
            if end == .diverged {
                outcome = "stopped: training diverged"
                break
            }
            if end == .stopped || tick?(session) == false {
                outcome = "stopped by Ctrl-C at epoch \(session.trainer.epoch) of \(total)"
                break
            }
            if session.trainer.lastEpochMistakes == 0 { converged = true }
            let epoch = session.trainer.epoch
            check { $0.after == epoch }
        }
        check { _ in true }
        return ScenarioRun(scenario: scenario, session: session, outcome: outcome, results: results.map { $0! })
    }

    /// Measures `claim` on the session now.
    static func evaluate(_ claim: Claim, _ session: TrainingSession, converged: Bool) -> ClaimResult {
        let m = session.metrics
        var note: String?
        if let after = claim.after, after != m.epoch { note = "training ended before epoch \(after)" }
        let measured: Double?
        switch claim.measure {
        case .trainAccuracy: measured = m.train.accuracy
        case .testAccuracy: measured = (m.test ?? m.train).accuracy
        case .trainLoss: measured = m.train.meanLoss
        case .testLoss: measured = (m.test ?? m.train).meanLoss
        case .accuracyGap:
            if let a = m.train.accuracy, let b = (m.test ?? m.train).accuracy { measured = a - b } else { measured = nil }
        case .deadUnits, .deadShare, .saturation, .gradientNorm, .gradientRatio:
            let probes = session.probes()
            func probe(_ layer: Int?) -> LayerProbe? {
                guard let layer, layer >= 1, layer <= probes.count else { return nil }
                return probes[layer - 1]
            }
            switch claim.measure {
            case .deadUnits: measured = probe(claim.layer)?.deadUnits.map(Double.init)
            case .deadShare: measured = probe(claim.layer).flatMap { p in p.deadUnits.map { Double($0) / Double(p.units) } }
            case .saturation: measured = probe(claim.layer)?.saturation
            case .gradientNorm: measured = gradientNorm(session, layer: claim.layer ?? 1)
            default:
                let a = gradientNorm(session, layer: claim.layer ?? 1), b = gradientNorm(session, layer: claim.toLayer ?? 1)
                measured = a.flatMap { x in b.flatMap { $0 > 0 ? x / $0 : nil } }
            }
            if measured == nil && note == nil { note = "the layer has no such measure (dead units: ReLU family; saturation: logistic, tanh)" }
        case .parameters: measured = Double(session.architecture.parameterCount)
        case .converges: measured = converged ? 1 : 0
        case .perceptronAgreement: measured = perceptronAgreement(session)
        }
        var passed = measured != nil
        if let v = measured {
            if let lo = claim.atLeast, !(v >= lo) { passed = false }
            if let hi = claim.atMost, !(v <= hi) { passed = false }
            if let eq = claim.equals, v != eq { passed = false }
        }
        return ClaimResult(claim: claim, measured: measured, epoch: m.epoch, passed: passed, note: note)
    }

    /// ||grad W(l)|| on the probed training examples.
    static func gradientNorm(_ session: TrainingSession, layer: Int) -> Double? {
        let net = session.network
        guard layer >= 1, layer <= net.layerCount else { return nil }
        let (_, gradient) = net.lossAndGradient(session.train)
        let s = net.shapes[layer - 1]
        var sum = 0.0
        for k in s.weightOffset..<s.biasOffset { sum += Double(gradient[k]) * Double(gradient[k]) }
        return sum.squareRoot()
    }

    /// Share of all points where the logistic neuron's decision (a > 0.5) equals a step unit's
    /// with the same weights (z >= 0).
    static func perceptronAgreement(_ session: TrainingSession) -> Double? {
        let net = session.network.converted(to: Double.self)
        guard net.architecture.hidden.isEmpty, net.architecture.outputs == 1,
              let step = try? Network<Double>(architecture: Architecture(inputs: net.architecture.inputs, hidden: [], outputs: 1,
                                                                         output: .step, loss: .squaredError), parameters: net.parameters)
        else { return nil }
        let all = session.dataset.examples(Array(0..<session.dataset.count), features: session.configuration.features, as: Double.self)
        guard let a = try? Workspace<Double>(architecture: net.architecture, capacity: all.count),
              let b = try? Workspace<Double>(architecture: step.architecture, capacity: all.count) else { return nil }
        a.load(all, range: 0..<all.count)
        b.load(all, range: 0..<all.count)
        net.forward(a)
        step.forward(b)
        var same = 0
        for c in 0..<all.count where (a.output(c)[0] > 0.5) == (b.output(c)[0] == 1) { same += 1 }
        return Double(same) / Double(all.count)
    }
}
