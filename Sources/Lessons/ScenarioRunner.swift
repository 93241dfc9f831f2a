import Formatting
import Foundation
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
            case _ where claim.other != nil: value = NumberFormat.measured(m)
            case .converges, .diverged: value = m == 1 ? "yes" : "no"
            case .parameters, .deadUnits, .epochMistakes, .bestTestEpoch, .bestValidationEpoch: value = String(Int(m))
            default: value = NumberFormat.measured(m)
            }
        } else {
            value = "not measured"
        }
        var text = "\(passed ? "PASS" : "FAIL")  \(claim.name)"
        text += " = \(value) at epoch \(epoch); expected \(claim.description)"
        if let note { text += " (\(note))" }
        if let says = claim.says { text += "\n      \(says)" }
        return text
    }
}

/// One variant's training in a run.
public struct VariantRun: Sendable {
    /// The variant ("" for a lesson without variants).
    public let variant: Variant
    /// The trained session.
    public let session: TrainingSession
    /// How training ended, in words.
    public let outcome: String
}

/// The result of running a scenario headless.
public struct ScenarioRun: Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// Every variant's training, in the lesson's order (one for a lesson without variants).
    public let runs: [VariantRun]
    /// Each claim's outcome, in the scenario's order.
    public let results: [ClaimResult]
    /// True when Ctrl-C stopped training.
    public let interrupted: Bool

    /// The first variant's session.
    public var session: TrainingSession { runs[0].session }
    /// How the first variant's training ended.
    public var outcome: String { runs[0].outcome }
    /// True when every claim holds.
    public var allPassed: Bool { results.allSatisfy(\.passed) }
}

/// A claim over a sweep of seeds.
public struct ClaimSweep: Sendable {
    /// The claim.
    public let claim: Claim
    /// Its outcome on each seed, in the sweep's order.
    public let results: [ClaimResult]
    /// Seeds it must hold on.
    public let required: Int

    /// Seeds it held on.
    public var held: Int { results.filter(\.passed).count }
    /// True when it held on enough seeds.
    public var passed: Bool { held >= required }
    /// The measured values, sorted (seeds where it could not be measured left out).
    public var sortedValues: [Double] { results.compactMap(\.measured).sorted() }
    /// The median of the measured values.
    public var median: Double? {
        let v = sortedValues
        guard !v.isEmpty else { return nil }
        return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
    }
}

/// The result of running a scenario on several seeds.
public struct SweepResult: Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// The seeds, in order.
    public let seeds: [UInt64]
    /// Each claim over the seeds, in the scenario's order.
    public let claims: [ClaimSweep]
    /// True when Ctrl-C stopped the sweep (the claims then cover the seeds that finished).
    public let interrupted: Bool

    /// True when every claim held on enough seeds.
    public var allPassed: Bool { claims.allSatisfy(\.passed) }
}

/// Trains a scenario headless and checks its claims.
public enum ScenarioRunner {
    /// Trains `scenario`'s variants one after the other (for `epochs` instead of its own, with
    /// `seed` instead of its own, if given) and checks every claim at its epoch. `tick` is called
    /// after every epoch and every 256 steps; when it returns false, training stops there (Ctrl-C).
    public static func run(_ scenario: Scenario, epochs: Int? = nil, seed: UInt64? = nil,
                           tick: ((TrainingSession) -> Bool)? = nil) throws -> ScenarioRun {
        let total = epochs ?? scenario.epochs
        let claims = scenario.claims
        // Each claim's one or two terms, measured on the variant they name.
        var measured = [[Measurement?]](repeating: [nil, nil], count: claims.count)
        var runs: [VariantRun] = []
        var interrupted = false
        for variant in scenario.runs {
            var configuration = variant.configuration
            // The lesson's own seed changes nothing (its data may have a seed of its own).
            if let seed, seed != configuration.seed { configuration.reseed(seed) }
            let model: Network<Float>? = try variant.modelPath.map { try ModelFile.load($0) }
            let session = try TrainingSession(configuration, model: model)
            var converged = false
            var outcome = "trained for \(total) epoch\(total == 1 ? "" : "s")"
            func check(atEnd: Bool) {
                let epoch = session.trainer.epoch
                for (i, claim) in claims.enumerated() {
                    for (t, term) in claim.terms.enumerated() where measured[i][t] == nil && (term.variant ?? "") == variant.name {
                        guard atEnd || claim.after == epoch else { continue }
                        measured[i][t] = measure(term.measure, claim, session, converged: converged)
                    }
                }
            }
            let stepTick = tick.map { t in { t(session) } }
            // Claims `after: 0` measure the untrained network (the gradient at the start).
            if total > 0 { check(atEnd: false) }
            while session.trainer.epoch < total {
                let end = session.runEpoch(tick: stepTick)
                if end == .diverged {
                    outcome = "stopped: training diverged at epoch \(session.trainer.epoch)"
                    break
                }
                if end == .stopped || tick?(session) == false {
                    outcome = "stopped by Ctrl-C at epoch \(session.trainer.epoch) of \(total)"
                    interrupted = true
                    break
                }
                if session.trainer.lastEpochMistakes == 0 { converged = true }
                check(atEnd: false)
            }
            check(atEnd: true)
            runs.append(VariantRun(variant: variant, session: session, outcome: outcome))
            if interrupted { break }
        }
        let results = claims.enumerated().map { i, claim in combine(claim, measured[i]) }
        return ScenarioRun(scenario: scenario, runs: runs, results: results, interrupted: interrupted)
    }

    /// Runs `scenario` on every seed of `seeds` (on `threads` threads at once) and counts, per
    /// claim, the seeds it held on. `progress` is called (from any thread, one call at a time)
    /// after each seed with the number finished; `proceed` returning false stops the sweep.
    public static func sweep(_ scenario: Scenario, seeds: [UInt64], epochs: Int? = nil,
                             threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                             proceed: (@Sendable () -> Bool)? = nil,
                             progress: (@Sendable (Int) -> Void)? = nil) throws -> SweepResult {
        let box = SweepBox(count: seeds.count)
        DispatchQueue.concurrentPerform(iterations: Swift.max(1, Swift.min(threads, seeds.count))) { worker in
            while let i = box.next() {
                do {
                    let run = try ScenarioRunner.run(scenario, epochs: epochs, seed: seeds[i]) { _ in proceed?() ?? true }
                    let done = box.finish(i, run.interrupted ? nil : run.results)
                    if run.interrupted { box.stop() } else { progress?(done) }
                } catch {
                    box.fail(error)
                }
            }
        }
        if let error = box.error { throw error }
        let finished = box.results.indices.filter { box.results[$0] != nil }
        let claims = scenario.claims.enumerated().map { c, claim in
            let robustness = claim.robustness ?? scenario.robustness
            return ClaimSweep(claim: claim, results: finished.map { box.results[$0]![c] }, required: robustness.required(of: finished.count))
        }
        return SweepResult(scenario: scenario, seeds: finished.map { seeds[$0] }, claims: claims, interrupted: finished.count < seeds.count)
    }

    /// One term's value on one variant.
    struct Measurement {
        var value: Double?
        var epoch: Int
        var note: String?
    }

    /// Both terms combined into the claim's value, and checked.
    static func combine(_ claim: Claim, _ terms: [Measurement?]) -> ClaimResult {
        let a = terms[0], b = terms[1]
        var value = a?.value
        if let other = claim.other {
            switch (value, b?.value) {
            case (let x?, let y?): value = other.operation == .minus ? x - y : (y != 0 ? x / y : nil)
            default: value = nil
            }
        }
        var note = a?.note ?? b?.note
        if value == nil && note == nil { note = "the layer has no such measure (dead units: ReLU family; saturation: logistic, tanh)" }
        var passed = value != nil
        if let v = value {
            if let lo = claim.atLeast, !(v >= lo) { passed = false }
            if let hi = claim.atMost, !(v <= hi) { passed = false }
            if let eq = claim.equals, v != eq { passed = false }
        }
        return ClaimResult(claim: claim, measured: value, epoch: Swift.max(a?.epoch ?? 0, b?.epoch ?? 0), passed: passed, note: note)
    }

    /// Measures `measure` (with the claim's layers) on the session now.
    static func measure(_ measure: Claim.Measure, _ claim: Claim, _ session: TrainingSession, converged: Bool) -> Measurement {
        let m = session.metrics
        var note: String?
        if let after = claim.after, after != m.epoch { note = "training ended before epoch \(after)" }
        let value: Double?
        switch measure {
        case .trainAccuracy: value = m.train.accuracy
        case .testAccuracy: value = (m.test ?? m.train).accuracy
        case .trainLoss: value = m.train.meanLoss
        case .testLoss: value = (m.test ?? m.train).meanLoss
        case .accuracyGap:
            if let a = m.train.accuracy, let b = (m.test ?? m.train).accuracy { value = a - b } else { value = nil }
        case .deadUnits, .deadShare, .saturation, .activationStd, .gradientNorm, .gradientRatio:
            let probes = session.probes()
            func probe(_ layer: Int?) -> LayerProbe? {
                guard let layer, layer >= 1, layer <= probes.count else { return nil }
                return probes[layer - 1]
            }
            switch measure {
            case .deadUnits: value = probe(claim.layer)?.deadUnits.map(Double.init)
            case .deadShare: value = probe(claim.layer).flatMap { p in p.deadUnits.map { Double($0) / Double(p.units) } }
            case .saturation: value = probe(claim.layer)?.saturation
            case .activationStd: value = probe(claim.layer)?.std
            case .gradientNorm: value = gradientNorm(session, layer: claim.layer ?? 1)
            default:
                let a = gradientNorm(session, layer: claim.layer ?? 1), b = gradientNorm(session, layer: claim.toLayer ?? 1)
                value = a.flatMap { x in b.flatMap { $0 > 0 ? x / $0 : nil } }
            }
        case .parameters: value = Double(session.architecture.parameterCount)
        case .converges: value = converged ? 1 : 0
        case .perceptronAgreement: value = perceptronAgreement(session)
        case .epochMistakes: value = session.trainer.lastEpochMistakes.map(Double.init)
        case .diverged: value = session.hasDiverged ? 1 : 0
        case .maxError: value = maxError(session)
        case .gradientCheck:
            let net = session.network.converted(to: Double.self)
            let examples = session.dataset.examples(session.trainIndices, features: session.configuration.features, as: Double.self)
            let check = GradientCheck(network: net, examples: examples)
            value = check.isFinite ? check.maxRelativeError : nil
        case .chainRule:
            value = [ChainRuleReport.univariate(at: 1), ChainRuleReport.multivariate(at: 1)].map { r in
                let scale = Swift.max(Swift.abs(r.total), 1e-12)
                return Swift.max(Swift.abs(r.tape - r.total), Swift.abs(r.finiteDifference - r.total)) / scale
            }.max()
        case .validationLoss: value = m.validation?.meanLoss
        case .radiusCorrelation: value = featureCorrelation(session, layer: claim.layer ?? 1, feature: .r)
        case .featureCorrelation: value = featureCorrelation(session, layer: claim.layer ?? 1, feature: claim.feature ?? .r)
        case .bestValidationEpoch, .earlyStoppedTestLoss:
            let losses = session.history.compactMap { h in h.validation.map { (h, $0.meanLoss) } }.filter { $0.1.isFinite }
            if let best = losses.min(by: { $0.1 < $1.1 }) {
                value = measure == .bestValidationEpoch ? Double(best.0.epoch) : (best.0.test ?? best.0.train).meanLoss
            } else {
                value = nil
            }
        case .testLossRise, .bestTestEpoch:
            let losses = session.history.map { ($0.epoch, ($0.test ?? $0.train).meanLoss) }.filter { $0.1.isFinite }
            if let best = losses.min(by: { $0.1 < $1.1 }) {
                value = measure == .bestTestEpoch ? Double(best.0) : (m.test ?? m.train).meanLoss - best.1
            } else {
                value = nil
            }
        }
        return Measurement(value: value, epoch: m.epoch, note: note)
    }

    /// The largest |F(x) - f(x)| over the training points of a 1-D function (nil for classes).
    static func maxError(_ session: TrainingSession) -> Double? {
        let net = session.network, examples = session.train
        guard case .values(let targets, width: 1) = examples.targets, net.architecture.outputs == 1, examples.count > 0,
              let ws = try? Workspace<Float>(architecture: net.architecture, capacity: examples.count) else { return nil }
        ws.load(examples, range: 0..<examples.count)
        net.forward(ws)
        var largest = 0.0
        for c in 0..<examples.count {
            let e = Swift.abs(Double(ws.output(c)[0]) - Double(targets[c]))
            guard e.isFinite else { return nil }
            largest = Swift.max(largest, e)
        }
        return largest
    }

    /// The largest |Pearson correlation| between a unit of hidden layer `layer` (its a; the
    /// output's z for one more than the hidden layers) and `feature` of the point (r =
    /// sqrt(x1^2 + x2^2), theta = atan2(x2, x1), ...), over every point of a 2-D data set (nil
    /// otherwise).
    static func featureCorrelation(_ session: TrainingSession, layer: Int, feature: Feature) -> Double? {
        let d = session.dataset
        let net = session.network.converted(to: Double.self)
        guard d.dimension == 2, d.count >= 3, layer >= 1, layer <= net.shapes.count else { return nil }
        let all = d.examples(Array(0..<d.count), features: session.configuration.features, as: Double.self)
        guard let ws = try? Workspace<Double>(architecture: net.architecture, capacity: all.count) else { return nil }
        ws.load(all, range: 0..<all.count)
        net.forward(ws)
        let k = layer - 1, isOutput = k == net.shapes.count - 1
        let r: [Double] = (0..<d.count).map { i in feature.value(d.points[2 * i], d.points[2 * i + 1]) }
        func correlation(_ u: [Double]) -> Double {
            let n = Double(u.count), mu = u.reduce(0, +) / n, mr = r.reduce(0, +) / n
            var su = 0.0, sr = 0.0, cross = 0.0
            for i in u.indices { su += (u[i] - mu) * (u[i] - mu); sr += (r[i] - mr) * (r[i] - mr); cross += (u[i] - mu) * (r[i] - mr) }
            return su > 0 && sr > 0 ? Swift.abs(cross / (su * sr).squareRoot()) : 0
        }
        let units = isOutput ? net.shapes[k].rows : net.shapes[k].units
        let columns = (0..<d.count).map { isOutput ? ws.zColumn(layer: k, $0) : ws.aColumn(layer: k, $0) }
        return (0..<units).map { j in correlation(columns.map { $0[j] }) }.max()
    }

    /// ||grad W(l)|| on the probed training examples (the lab's layer panel's numbers).
    static func gradientNorm(_ session: TrainingSession, layer: Int) -> Double? {
        guard layer >= 1, layer <= session.network.layerCount else { return nil }
        return session.gradientNorms()[layer - 1]
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
        // The logistic neuron decides class 1 when a > the lesson's threshold (0.5: equal costs).
        let threshold = session.configuration.threshold
        for c in 0..<all.count where (a.output(c)[0] > threshold) == (b.output(c)[0] == 1) { same += 1 }
        return Double(same) / Double(all.count)
    }
}

/// The seeds a sweep's workers share: which is next, and what each gave.
private final class SweepBox: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var done = 0
    private var stopped = false
    private(set) var results: [[ClaimResult]?]
    private(set) var error: Error?

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.withLock {
            guard !stopped, error == nil, nextIndex < results.count else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }
    }

    func finish(_ i: Int, _ r: [ClaimResult]?) -> Int {
        lock.withLock {
            results[i] = r
            done += 1
            return done
        }
    }

    func stop() { lock.withLock { stopped = true } }

    func fail(_ e: Error) { lock.withLock { if error == nil { error = e } } }
}
