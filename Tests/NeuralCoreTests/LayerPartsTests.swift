import Foundation
import NeuralCore
import Testing

/// Norms, skips and dropout: backpropagation against finite differences in both modes, the
/// running statistics, dropout's masks, and parts that do not fit refused.
@Suite struct LayerPartsTests {
    /// A random network of `depth` hidden layers of width 3 on 3 inputs (so every skip fits),
    /// with random gamma and beta, and running statistics moved off their start.
    static func network(norm: NormKind?, skip: Int, keep: Double, activation: Activation = .tanh, depth: Int = 3,
                        seed: UInt64) -> (Network<Double>, Examples<Double>) {
        var rng = SeededGenerator(seed: seed)
        let hidden = (0..<depth).map { i in
            HiddenLayer(units: 3, activation: activation, norm: norm, skip: i >= skip ? skip : 0, keep: keep)
        }
        let arch = Architecture(inputs: 3, hidden: hidden, outputs: 2, output: .softmax, loss: .crossEntropy)
        var parameters = (0..<arch.parameterCount).map { _ in rng.normal() * 0.8 }
        for s in arch.shapes where s.norm != nil {
            for i in 0..<s.units {
                parameters[s.gammaOffset + i] = 1 + 0.3 * rng.normal()
                parameters[s.betaOffset + i] = 0.3 * rng.normal()
            }
        }
        var net = try! Network<Double>(architecture: arch, parameters: parameters)
        for s in arch.shapes where s.norm == .batch {
            for i in 0..<s.units {
                net.statistics[s.statisticsOffset + i] = 0.2 * rng.normal()
                net.statistics[s.statisticsOffset + s.units + i] = 0.5 + rng.uniform(0, 1)
            }
        }
        let m = 7
        let x = (0..<(3 * m)).map { _ in rng.uniform(-1.5, 1.5) }
        let examples = try! Examples<Double>(inputWidth: 3, x: x, targets: .classes((0..<m).map { Int32($0 % 2) }, classCount: 2))
        return (net, examples)
    }

    static let combinations: [(NormKind?, Int, Double)] = [
        (.layer, 0, 1), (.batch, 0, 1), (nil, 1, 1), (nil, 2, 1), (nil, 0, 0.7),
        (.layer, 1, 1), (.batch, 1, 0.8), (.layer, 2, 0.6), (.batch, 2, 1),
    ]

    @Test func backpropagationMatchesFiniteDifferencesInBothModes() {
        for (index, (norm, skip, keep)) in Self.combinations.enumerated() {
            let (net, examples) = Self.network(norm: norm, skip: skip, keep: keep, seed: UInt64(index + 1))
            for mode in [PassMode.evaluation, .training(), .training(dropoutSeed: 7)] {
                let check = GradientCheck(network: net, examples: examples, l2: 0.01, mode: mode)
                let label = "\(norm?.rawValue ?? "none") skip \(skip) keep \(keep) \(mode)"
                #expect(check.passed, "\(label): \(check.tensors.map { "\($0.name) \($0.maxRelativeError)" })")
                #expect(check.tensors.count == 2 * 4 + (norm == nil ? 0 : 2 * 3), "\(label)")
            }
        }
    }

    /// The step-through of one example with every part: each value recomputed here from the
    /// entries before it (the lecture's formulas, independently of the core's passes), each
    /// gradient checked by finite differences, and the entries in the algorithm's order.
    @Test(arguments: combinations.indices)
    func stepThroughShowsThePartsValueByValue(_ index: Int) throws {
        let (norm, skip, keep) = Self.combinations[index]
        let (net, _) = Self.network(norm: norm, skip: skip, keep: keep, seed: UInt64(50 + index))
        let trace = try net.trace(input: [0.4, -0.7, 1.1], label: 1, learningRate: 0.1)
        func v(_ kind: TraceEntry.Kind) -> [Double] { trace.entries.first { $0.kind == kind }?.value.values ?? [] }
        func close(_ a: [Double], _ b: [Double], _ what: String) {
            #expect(a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }, "\(what): \(a) vs \(b)")
        }
        for check in trace.entries.compactMap(\.check) { #expect(check.maxRelativeError < 1e-6, "\(check.name) \(check.maxRelativeError)") }
        #expect(trace.entries.compactMap(\.check).count == 2 * 4 + (norm == nil ? 0 : 2 * 3))
        var a = [0.4, -0.7, 1.1]
        var outputs: [[Double]] = [a]
        for s in net.shapes.dropLast() {
            let L = s.l + 1
            let W = net.W(s.l), b = net.b(s.l)
            let z = (0..<s.units).map { i in (0..<s.inputs).reduce(b[i]) { $0 + W[i, $1] * a[$1] } }
            close(v(.z(L)), z, "z(\(L))")
            var pre = z
            if let kind = s.norm {
                let (mu, variance): ([Double], [Double])
                if kind == .layer {
                    let m = z.reduce(0, +) / 3
                    (mu, variance) = ([m, m, m], Array(repeating: z.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 3, count: 3))
                } else {
                    (mu, variance) = net.runningStatistics(s.l)!
                }
                close(v(.mean(L)), kind == .layer ? [mu[0]] : mu, "mu(\(L))")
                let gamma = net.gamma(s.l)!, beta = net.beta(s.l)!
                pre = (0..<3).map { (i: Int) -> Double in
                    let n: Double = (z[i] - mu[i]) / (variance[i] + 1e-5).squareRoot()
                    return gamma[i] * n + beta[i]
                }
                close(v(.zhat(L)), pre, "zhat(\(L))")
            } else {
                #expect(v(.zhat(L)).isEmpty)
            }
            var out = pre.map { tanh($0) }
            if let source = s.skipSource { out = zip(out, outputs[source + 1]).map(+) }
            close(v(.a(L)), out, "a(\(L))")
            a = out
            outputs.append(out)
        }
        // Backward: dJ/da(l) is W(l)^T delta(l+1) plus the dJ/da of every layer whose skip reads a(l).
        for s in net.shapes.dropFirst() where !v(.gradA(s.l)).isEmpty {
            let l = s.l, W = net.W(l), d = v(.delta(l + 1))
            var g = (0..<W.cols).map { j in (0..<W.rows).reduce(0.0) { $0 + W[$1, j] * d[$1] } }
            for above in net.shapes where above.skipSource == l - 2 { g = zip(g, v(.gradA(above.l + 1))).map(+) }
            close(v(.gradA(l)), g, "dJ/da(\(l))")
        }
        // The order: mu, sigma^2, zhat between z(l) and a(l); grad gamma and beta after grad b.
        let kinds = trace.entries.map(\.kind)
        if norm != nil {
            let z2 = kinds.firstIndex(of: .z(2))!
            #expect(Array(kinds[z2...(z2 + 4)]) == [.z(2), .mean(2), .variance(2), .zhat(2), .a(2)])
            let gb = kinds.firstIndex(of: .gradB(1))!
            #expect(Array(kinds[(gb + 1)...(gb + 2)]) == [.gradGamma(1), .gradBeta(1)])
            #expect(kinds.contains(.updatedGamma(3)) && kinds.contains(.gradZhat(4)))
        }
        #expect(trace.lossAfterUpdate.map { $0 < trace.loss } ?? false)
    }

    /// The probes read the activation's own output and input: a ReLU unit whose zhat is always
    /// below 0 (gamma 0, beta -1) is dead although its z is often above 0, and with a skip the
    /// histogram holds f(zhat) in [0, inf), not f(zhat) + a(l).
    @Test func probesSeeTheActivationAfterTheNorm() throws {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 4, activation: .tanh),
                                                    HiddenLayer(units: 4, activation: .relu, norm: .layer, skip: 1)],
                                outputs: 1, output: .logistic)
        var net = try Network<Float>(architecture: arch, seed: 3)
        let s = arch.shapes[1]
        net.parameters[s.gammaOffset] = 0
        net.parameters[s.betaOffset] = -1
        let x: [Float] = (0..<40).flatMap { i in [Float(i % 7) - 3, Float(i % 5) - 2] }
        let examples = try Examples<Float>(inputWidth: 2, x: x, targets: .classes((0..<40).map { Int32($0 % 2) }, classCount: 2))
        let probes = Prober(architecture: arch, train: examples).probe(net)
        #expect(probes[1].dead[0] && probes[1].deadUnits == 1, "\(probes[1].dead)")
        let ws = try Workspace<Float>(architecture: arch, capacity: 40)
        ws.load(examples, range: 0..<40)
        net.forward(ws)
        #expect(ws.zRow(layer: 1, row: 0).contains { $0 > 0 }, "z(3)_1 is above 0 for some example")
        #expect(ws.aRow(layer: 1, unit: 0).contains { $0 < 0 }, "a(3) = relu(zhat(3)) + a(2) goes below 0")
        #expect(ws.activationRow(layer: 1, unit: 0).allSatisfy { $0 == 0 } && ws.activationRow(layer: 1, unit: 1).allSatisfy { $0 >= 0 })
    }

    @Test func reluAfterBatchNormMatchesFiniteDifferences() {
        let (net, examples) = Self.network(norm: .batch, skip: 1, keep: 1, activation: .relu, seed: 99)
        let check = GradientCheck(network: net, examples: examples, mode: .training())
        #expect(check.passed, "\(check.tensors.map { "\($0.name) \($0.maxRelativeError)" })")
    }

    /// Batch norm in training mode: each unit's zhat over the batch has mean beta and
    /// (biased) standard deviation gamma up to epsilon; in evaluation it uses the running ones.
    @Test func batchNormNormalisesOverTheBatch() throws {
        let (net, examples) = Self.network(norm: .batch, skip: 0, keep: 1, activation: .linear, depth: 1, seed: 5)
        let ws = try Workspace<Double>(architecture: net.architecture, capacity: 16)
        ws.mode = .training()
        ws.load(examples, range: 0..<examples.count)
        net.forward(ws)
        let m = examples.count
        let gamma = net.gamma(1)!, beta = net.beta(1)!
        for i in 0..<3 {
            let values = (0..<m).map { ws.aColumn(layer: 0, $0)[i] }  // linear: a = zhat
            let mean = values.reduce(0, +) / Double(m)
            let variance = values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(m)
            #expect(abs(mean - beta[i]) < 1e-12)
            let z = (0..<m).map { ws.zColumn(layer: 0, $0)[i] }
            let zMean = z.reduce(0, +) / Double(m)
            let zVariance = z.map { ($0 - zMean) * ($0 - zMean) }.reduce(0, +) / Double(m)
            #expect(abs(variance - gamma[i] * gamma[i] * zVariance / (zVariance + 1e-5)) < 1e-12)
        }
        ws.mode = .evaluation
        net.forward(ws)
        let (runningMean, runningVariance) = net.runningStatistics(1)!
        for i in 0..<3 {
            let z = ws.zColumn(layer: 0, 0)[i]
            let expected = gamma[i] * (z - runningMean[i]) / (runningVariance[i] + 1e-5).squareRoot() + beta[i]
            #expect(abs(ws.aColumn(layer: 0, 0)[i] - expected) < 1e-12)
        }
    }

    /// The running statistics follow PyTorch's rule: r = 0.9 r + 0.1 mu, and the unbiased
    /// variance; dropout's masks keep about p of the units, scaled by 1/p, the same at the same
    /// step and others at the next one.
    @Test func runningStatisticsAndDropoutMasks() throws {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 64, activation: .relu, norm: .batch, keep: 0.75)],
                                outputs: 1, output: .logistic)
        let net = try Network<Float>(architecture: arch, seed: 3)
        var rng = SeededGenerator(seed: 11)
        let m = 40
        let examples = try Examples<Float>(inputWidth: 2, x: (0..<(2 * m)).map { _ in Float(rng.uniform(-2, 2)) },
                                           targets: .classes((0..<m).map { Int32($0 % 2) }, classCount: 2))
        let trainer = try Trainer(network: net, train: examples, settings: TrainingSettings(learningRate: 0, batchSize: m, shuffle: false), seed: 1)
        trainer.step()
        let ws = try Workspace<Double>(architecture: arch, capacity: m)
        ws.mode = .training()
        ws.load(examples.converted(to: Double.self), range: 0..<m)
        let double = net.converted(to: Double.self)
        double.forward(ws)
        let (mean, variance) = trainer.network.runningStatistics(1)!
        for i in 0..<64 {
            let z = (0..<m).map { ws.zColumn(layer: 0, $0)[i] }
            let mu = z.reduce(0, +) / Double(m)
            let unbiased = z.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(m - 1)
            #expect(abs(Double(mean[i]) - 0.1 * mu) < 1e-5)
            #expect(abs(Double(variance[i]) - (0.9 + 0.1 * unbiased)) < 1e-4)
        }
        // Masks: kept share near p, entries 0 or 1/p; the same seed and step give the same.
        func output(seed: UInt64, step: UInt64) -> [Double] {
            ws.mode = .training(dropoutSeed: seed)
            ws.dropoutStep = step
            double.forward(ws)
            return (0..<m).flatMap { ws.aColumn(layer: 0, $0) }
        }
        ws.mode = .training()
        double.forward(ws)
        let full = (0..<m).flatMap { ws.aColumn(layer: 0, $0) }
        let dropped = output(seed: 1, step: 0)
        let positive = full.indices.filter { full[$0] > 1e-9 }
        let kept = positive.filter { dropped[$0] != 0 }
        for i in kept { #expect(abs(dropped[i] - full[i] / 0.75) < 1e-9) }
        let share = Double(kept.count) / Double(positive.count)
        #expect(share > 0.68 && share < 0.82, "kept \(share)")
        #expect(output(seed: 1, step: 0) == dropped)
        #expect(output(seed: 1, step: 1) != dropped)
        #expect(output(seed: 2, step: 0) != dropped)
    }

    @Test func partsThatDoNotFitAreRefused() {
        func problem(_ hidden: [HiddenLayer], inputs: Int = 2) -> String? {
            do {
                try Architecture(inputs: inputs, hidden: hidden, outputs: 1, output: .logistic).validate()
                return nil
            } catch let e as NNLabError { return e.message } catch { return "\(error)" }
        }
        #expect(problem([HiddenLayer(units: 4, activation: .tanh, skip: 1)])?.contains("widths must agree") == true)
        #expect(problem([HiddenLayer(units: 2, activation: .tanh, skip: 1)]) == nil)
        #expect(problem([HiddenLayer(units: 2, activation: .tanh, skip: 2)])?.contains("below the input") == true)
        #expect(problem([HiddenLayer(units: 4, activation: .tanh, keep: 0)])?.contains("(0, 1]") == true)
        #expect(problem([HiddenLayer(units: 4, activation: .tanh, keep: 1.5)])?.contains("(0, 1]") == true)
        #expect(problem([HiddenLayer(units: 4, activation: .maxout(pieces: 2), norm: .layer)])?.contains("maxout") == true)
    }
}

/// Version 2 model files: every part back bit for bit, training on from them bit for bit,
/// and each problem named where it stands.
@Suite struct ModelFileVersion2Tests {
    static func partsNetwork() throws -> (Network<Float>, Examples<Float>) {
        let arch = Architecture(inputs: 2, hidden: [
            HiddenLayer(units: 6, activation: .tanh, norm: .layer),
            HiddenLayer(units: 6, activation: .relu, norm: .batch, skip: 1, keep: 0.8),
            HiddenLayer(units: 6, activation: .tanh, skip: 2),
        ], outputs: 1, output: .logistic)
        let examples = try Examples<Float>(inputWidth: 2, x: (0..<64).map { Float(($0 * 37 % 23)) / 11 - 1 },
                                           targets: .classes((0..<32).map { Int32($0 % 3 == 0 ? 1 : 0) }, classCount: 2))
        return (try Network<Float>(architecture: arch, seed: 4), examples)
    }

    @Test func savedPartsLoadAndTrainOnBitForBit() throws {
        let (net, examples) = try Self.partsNetwork()
        let trainer = try Trainer(network: net, train: examples, settings: TrainingSettings(learningRate: 0.1, batchSize: 8), seed: 2)
        trainer.run(steps: 20)
        let text = ModelFile.encode(trainer.network)
        #expect(text.contains("\"version\": 2"))
        let loaded: Network<Float> = try ModelFile.decode(text, path: "m.json")
        #expect(loaded.architecture == trainer.network.architecture)
        #expect(loaded.parameters.map(\.bitPattern) == trainer.network.parameters.map(\.bitPattern))
        #expect(loaded.statistics.map(\.bitPattern) == trainer.network.statistics.map(\.bitPattern))
        #expect(trainer.network.statistics.contains { $0 != 0 && $0 != 1 })
        let a = try Trainer(network: trainer.network, train: examples, settings: TrainingSettings(learningRate: 0.1, batchSize: 8), seed: 9)
        let b = try Trainer(network: loaded, train: examples, settings: TrainingSettings(learningRate: 0.1, batchSize: 8), seed: 9)
        a.run(steps: 15)
        b.run(steps: 15)
        #expect(a.network.parameters.map(\.bitPattern) == b.network.parameters.map(\.bitPattern))
        #expect(a.network.statistics.map(\.bitPattern) == b.network.statistics.map(\.bitPattern))
    }

    @Test func plainNetworksStillWriteVersion1() throws {
        let net = try Network<Float>(architecture: Architecture(inputs: 2, hidden: [HiddenLayer(units: 3, activation: .tanh)], outputs: 1, output: .logistic), seed: 1)
        #expect(ModelFile.encode(net).contains("\"version\": 1"))
    }

    @Test func problemsAreNamedWhereTheyStand() throws {
        let (net, _) = try Self.partsNetwork()
        let text = ModelFile.encode(net)
        func message(_ edited: String) -> String {
            do {
                let _: Network<Float> = try ModelFile.decode(edited, path: "m.json")
                return "loaded"
            } catch let e as NNLabError { return e.message } catch { return "\(error)" }
        }
        #expect(message(text.replacingOccurrences(of: "\"dropout\": 0.8", with: "\"dropout\": 1.5")).contains("layers[1].dropout: the keep probability must be in (0, 1]"))
        #expect(message(text.replacingOccurrences(of: "\"skip\": 2", with: "\"skip\": 7")).contains("layers[2].skip: must be between 0 and 3"))
        let wrongGamma = text.replacingOccurrences(of: "\"gamma\": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]", with: "\"gamma\": [1.0, 1.0]")
        #expect(wrongGamma != text)
        #expect(message(wrongGamma).contains("layers[0].norm.gamma: expected 6 values"))
        let negative = text.replacingOccurrences(of: "\"running_var\": [1.0,", with: "\"running_var\": [-1.0,")
        #expect(negative != text)
        #expect(message(negative).contains("layers[1].norm.running_var[0]: a variance cannot be negative"))
        #expect(message(text.replacingOccurrences(of: "\"kind\": \"layer\"", with: "\"kind\": \"group\"")).contains("layers[0].norm.kind: unknown norm"))
        let outputNorm = text.replacingOccurrences(of: "\"activation\": \"logistic\",", with: "\"activation\": \"logistic\", \"skip\": 1,")
        #expect(message(outputNorm).contains("layers[3].skip: the output layer takes no skip"))
        #expect(message(text.replacingOccurrences(of: "\"version\": 2", with: "\"version\": 3")).contains("reads versions 1 and 2, found 3"))
        #expect(message(text) == "loaded")
        #expect(message(text.replacingOccurrences(of: "\"version\": 2", with: "\"version\": 1")).contains("layers[0].norm: a version 2 key"))
    }
}

/// The layers view's numbers: each hidden layer's activation mean and std, dJ/da's std (each
/// example's own loss) and std(grad W) / std(W), against a computation written out here from
/// the weights (a plain tanh network, forward and backward by hand in double precision).
@Suite struct LayerStatisticsTests {
    @Test func probesMatchAHandComputation() throws {
        let arch = Architecture(inputs: 2, hidden: [5, 4, 3].map { HiddenLayer(units: $0, activation: .tanh) }, outputs: 1, output: .logistic)
        let net = try Network<Float>(architecture: arch, weightInit: .glorot(gain: 1.5), seed: 4)
        var rng = SeededGenerator(seed: 8)
        let m = 30
        let x: [Float] = (0..<(2 * m)).map { _ in Float(rng.uniform(-2, 2)) }
        let labels = (0..<m).map { Int32($0 % 2) }
        let examples = try Examples<Float>(inputWidth: 2, x: x, targets: .classes(labels, classCount: 2))
        let probes = Prober(architecture: arch, train: examples).probe(net)
        let d = net.converted(to: Double.self)
        // Forward and backward per example.
        var acts = [[Double]](repeating: [], count: 3), grads = [[Double]](repeating: [], count: 3)
        var gradW = (1...4).map { l in [Double](repeating: 0, count: d.W(l).values.count) }
        for c in 0..<m {
            var a: [[Double]] = [[Double(x[2 * c]), Double(x[2 * c + 1])]]
            for l in 1...4 {
                let W = d.W(l), b = d.b(l)
                let z = (0..<W.rows).map { i in (0..<W.cols).reduce(b[i]) { $0 + W[i, $1] * a[l - 1][$1] } }
                a.append(l < 4 ? z.map { tanh($0) } : z.map { 1 / (1 + exp(-$0)) })
            }
            var delta = [a[4][0] - Double(labels[c])]
            for l in stride(from: 4, through: 1, by: -1) {
                let W = d.W(l)
                for i in 0..<W.rows { for j in 0..<W.cols { gradW[l - 1][i * W.cols + j] += delta[i] * a[l - 1][j] / Double(m) } }
                guard l > 1 else { break }
                let g = (0..<W.cols).map { j in (0..<W.rows).reduce(0.0) { $0 + W[$1, j] * delta[$1] } }
                grads[l - 2] += g
                acts[l - 2] += a[l - 1]
                delta = zip(g, a[l - 1]).map { $0 * (1 - $1 * $1) }
            }
        }
        func meanStd(_ v: [Double]) -> (Double, Double) {
            let mean = v.reduce(0, +) / Double(v.count)
            return (mean, (v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count)).squareRoot())
        }
        for k in 0..<3 {
            let p = probes[k]
            let (mean, std) = meanStd(acts[k]), (_, gStd) = meanStd(grads[k])
            let (_, gw) = meanStd(gradW[k]), (_, w) = meanStd(d.W(k + 1).values)
            #expect(abs(p.mean - mean) < 1e-5 && abs(p.std - std) < 1e-5, "a(\(k + 2)): \(p.mean) \(p.std) vs \(mean) \(std)")
            #expect(abs(p.gradientStd! - gStd) < 1e-5 * max(1, gStd), "dJ/da(\(k + 2)): \(p.gradientStd!) vs \(gStd)")
            #expect(abs(p.gradDataRatio! - gw / w) < 1e-4 * (gw / w), "grad:W(\(k + 1)): \(p.gradDataRatio!) vs \(gw / w)")
        }
    }
}
