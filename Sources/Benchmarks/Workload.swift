import NeuralCore

/// One benchmark workload of WORKLOADS.md: its data, initial weights and hyper-parameters.
public struct Workload: Sendable {
    /// "W1" ... "W6".
    public let id: String
    /// "xor-tiny", ...
    public let name: String
    /// Layer sizes from input to output.
    public let sizes: [Int]
    /// The network (hidden activation, output and loss as the spec says).
    public let architecture: Architecture
    /// Learning rate.
    public let learningRate: Double
    /// Minibatch size.
    public let batch: Int
    /// Updates in a full run.
    public let steps: Int
    /// L2 strength (0.5 l2 sum ||W||^2).
    public let l2: Double
    /// The training set in file order.
    public let examples: Examples<Float>
    /// The shipped initial weights.
    public let initial: Network<Float>

    /// Every workload id.
    public static let ids = ["W1", "W2", "W3", "W4", "W5", "W6"]

    /// Matrix multiply FLOPs of one step (2 per multiply-add): forward, weight gradients, and
    /// input gradients of every layer but the first.
    public var flopsPerStep: Int {
        let macs = zip(sizes.dropLast(), sizes.dropFirst()).map { $0 * $1 }
        return 2 * batch * (2 * macs.reduce(0, +) + macs.dropFirst().reduce(0, +))
    }

    /// The text of an embedded benchmark file (`W1.csv`, `workloads.json`, ...).
    public static func embeddedText(_ name: String) -> String? { embeddedFiles[name] }

    /// Loads workload `id` from the data embedded in the binary.
    public static func load(_ id: String) throws -> Workload {
        guard let specText = embeddedFiles["workloads.json"], let csv = embeddedFiles["\(id).csv"],
              let initText = embeddedFiles["\(id)-init.json"] else {
            throw NNLabError("unknown workload \"\(id)\"; the workloads are \(ids.joined(separator: ", "))")
        }
        let specs = try JSONParser.parse(specText).root
        guard let spec = specs[id] else { throw NNLabError("workloads.json has no \(id)") }
        func string(_ key: String) throws -> String {
            guard case .string(let s)? = spec[key]?.value else { throw NNLabError("workloads.json: \(id).\(key) missing") }
            return s
        }
        func number(_ key: String) throws -> Double {
            guard case .number(let t)? = spec[key]?.value, let v = Double(t) else { throw NNLabError("workloads.json: \(id).\(key) missing") }
            return v
        }
        guard case .array(let sizeNodes)? = spec["sizes"]?.value else { throw NNLabError("workloads.json: \(id).sizes missing") }
        let sizes = sizeNodes.compactMap { node -> Int? in
            if case .number(let t) = node.value { return Int(t) }
            return nil
        }
        let hidden: Activation = switch try string("hidden") {
        case "sigmoid": .logistic
        case "tanh": .tanh
        default: .relu
        }
        let (output, loss): (OutputActivation, Loss) = switch try string("output") {
        case "sigmoid_mse": (.logistic, .squaredError)
        case "sigmoid_bce": (.logistic, .crossEntropy)
        default: (.softmax, .crossEntropy)
        }
        // W5 and W6 list their layers with a norm and a skip (WORKLOADS.md, v2); W1-W4 are plain.
        var layers = sizes.dropFirst().dropLast().map { HiddenLayer(units: $0, activation: hidden) }
        if case .array(let layerNodes)? = spec["layers"]?.value {
            guard layerNodes.count == sizes.count - 1 else { throw NNLabError("workloads.json: \(id).layers does not match its sizes") }
            for (i, node) in layerNodes.dropLast().enumerated() {
                if case .string(let kind)? = node["norm"]?.value { layers[i].norm = try NormKind(spec: kind) }
                if case .number(let t)? = node["skip"]?.value, let k = Int(t) { layers[i].skip = k }
            }
        }
        let architecture = Architecture(inputs: sizes[0], hidden: layers, outputs: sizes.last!, output: output, loss: loss)
        if let problem = architecture.hidden.indices.lazy.compactMap(architecture.partsProblem).first { throw NNLabError("workloads.json: \(id): \(problem)") }
        // The CSV's values are float32 in shortest form: parse them with Float(String), exactly
        // (going through Double could round twice).
        var x: [Float] = [], labels: [Int32] = []
        for line in csv.split(separator: "\n").dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",")
            guard fields.count == sizes[0] + 1, let label = Int32(fields[sizes[0]]) else { throw NNLabError("\(id).csv: bad row \(line)") }
            for f in fields.prefix(sizes[0]) {
                guard let v = Float(f) else { throw NNLabError("\(id).csv: bad number \(f)") }
                x.append(v)
            }
            labels.append(label)
        }
        let examples = try Examples<Float>(inputWidth: sizes[0], x: x, targets: .classes(labels, classCount: max(2, sizes.last!)))
        let initial = try initialWeights(initText, architecture: architecture, id: id)
        return Workload(id: id, name: try string("name"), sizes: sizes, architecture: architecture,
                        learningRate: try number("lr"), batch: Int(try number("batch")), steps: Int(try number("steps")),
                        l2: try number("l2"),
                        examples: examples, initial: initial)
    }

    /// Parses `{"layers": [{"W": [[...]], "b": [...]}, ...]}` (with "gamma" and "beta" for a layer
    /// with a norm) as float32, exactly.
    static func initialWeights(_ text: String, architecture: Architecture, id: String) throws -> Network<Float> {
        let root = try JSONParser.parse(text).root
        guard case .array(let layers)? = root["layers"]?.value, layers.count == architecture.layerCount else {
            throw NNLabError("\(id)-init.json: expected \(architecture.layerCount) layers")
        }
        var parameters: [Float] = []
        parameters.reserveCapacity(architecture.parameterCount)
        func numbers(_ node: JSONNode?) -> [Float] {
            guard case .array(let items)? = node?.value else { return [] }
            return items.flatMap { item -> [Float] in
                switch item.value {
                case .number(let t): return Float(t).map { [$0] } ?? []
                case .array: return numbers(item)
                default: return []
                }
            }
        }
        for (layer, shape) in zip(layers, architecture.shapes) {
            let w = numbers(layer["W"]), b = numbers(layer["b"])
            guard w.count == shape.weightCount, b.count == shape.rows else { throw NNLabError("\(id)-init.json: layer shapes do not match") }
            parameters += w + b
            if shape.norm != nil {
                let gamma = numbers(layer["gamma"]), beta = numbers(layer["beta"])
                guard gamma.count == shape.units, beta.count == shape.units else { throw NNLabError("\(id)-init.json: layer \(shape.l) needs gamma and beta") }
                parameters += gamma + beta
            }
        }
        return try Network(architecture: architecture, parameters: parameters)
    }
}

/// The result line of one workload.
public struct BenchResult: Sendable {
    public let workload: String
    public let steps: Int
    /// Runs of the whole workload timed together in each measurement (at least 100 ms).
    public let runsPerMeasurement: Int
    /// Seconds per run: the median measurement's.
    public let seconds: Double
    /// Seconds per run of every measurement.
    public let allSeconds: [Double]
    public let finalLoss: Double
    public let trainAccuracy: Double
    public let threads: Int
    public let flopsPerStep: Int
    /// For a network with batch norm (W6): the training-mode objective of the last step's batch
    /// at the final weights (its own batch statistics), or nil.
    public var lastBatchTrainLoss: Double? = nil

    /// Steps per second of the median measurement.
    public var stepsPerSecond: Double { Double(steps) / seconds }
    /// Steps per second of the fastest measurement.
    public var bestStepsPerSecond: Double { Double(steps) / (allSeconds.min() ?? seconds) }

    /// The JSON line WORKLOADS.md defines (plus steps/s of the median and of the fastest
    /// measurement, GFLOP/s, and every measurement's seconds per run).
    public var json: String {
        let gflops = Double(flopsPerStep) * stepsPerSecond / 1e9
        return "{\"workload\":\"\(workload)\",\"steps\":\(steps),\"seconds\":\(seconds),\"final_loss\":\(finalLoss),"
            + "\"train_accuracy\":\(trainAccuracy),\"threads\":\(threads),\"steps_per_s\":\(Int(stepsPerSecond)),"
            + "\"steps_per_s_best\":\(Int(bestStepsPerSecond)),\"runs_per_measurement\":\(runsPerMeasurement),"
            + "\"gflops\":\((gflops * 100).rounded() / 100),\"seconds_all\":[\(allSeconds.map { "\($0)" }.joined(separator: ","))],"
            + (lastBatchTrainLoss.map { "\"last_batch_train_loss\":\($0)," } ?? "") + "\"implementation\":\"nnlab\"}"
    }
}

/// Runs workloads as WORKLOADS.md specifies: the trainer the lab uses, float32, batches in
/// file order, each run from the initial weights. A measurement times enough whole runs back to
/// back to last at least 100 ms (W1's 20,000 steps take 2 ms: timed alone they measured first
/// touches and the clock as much as training); after a warm-up, the median and the fastest of
/// `repeats` measurements are reported.
public enum BenchRunner {
    /// The shortest a measurement may be.
    public static let minimumSeconds = 0.1

    /// A trainer for `workload` at its initial weights.
    static func trainer(_ workload: Workload, threads: Int) -> Trainer {
        let settings = TrainingSettings(learningRate: workload.learningRate, batchSize: workload.batch, l2: workload.l2,
                                        optimizer: .sgd, shuffle: false)
        // A workload's examples were checked against its network when it was loaded.
        let trainer = try! Trainer(network: workload.initial, train: workload.examples, settings: settings, seed: 0)
        trainer.threads = threads
        return trainer
    }

    /// Trains `runs` fresh trainers for `steps` steps each, back to back; returns the last and
    /// the seconds per run (trainers are made before the clock starts).
    public static func train(_ workload: Workload, steps: Int, threads: Int = 1, runs: Int = 1) -> (Trainer, Double) {
        let trainers = (0..<Swift.max(1, runs)).map { _ in trainer(workload, threads: threads) }
        let clock = ContinuousClock()
        let start = clock.now
        for t in trainers { t.run(steps: steps) }
        let elapsed = clock.now - start
        return (trainers[trainers.count - 1], elapsed / .seconds(1) / Double(trainers.count))
    }

    /// The training objective and accuracy of `network` on the whole training set, in float64.
    public static func evaluate(_ network: Network<Float>, _ workload: Workload) -> (loss: Double, accuracy: Double) {
        let net = network.converted(to: Double.self)
        let e = net.evaluate(workload.examples.converted(to: Double.self))
        return (e.meanLoss + net.regularizationPenalty(l1: 0, l2: workload.l2), e.accuracy ?? 0)
    }

    /// The training-mode objective, in float64, of the batch that step `steps - 1` trained on,
    /// at `network`'s weights: nil unless the network has batch norm (elsewhere the two modes agree).
    public static func lastBatchTrainLoss(_ network: Network<Float>, _ workload: Workload, steps: Int) -> Double? {
        guard network.architecture.shapes.contains(where: { $0.norm == .batch }) else { return nil }
        let n = workload.examples.count, start = (steps - 1) * workload.batch % n
        let batch = workload.examples.subset(start..<Swift.min(n, start + workload.batch)).converted(to: Double.self)
        return network.converted(to: Double.self).lossAndGradient(batch, l2: workload.l2, mode: .training()).loss
    }

    /// A full measurement: a warm-up that also sizes the measurements, then `repeats` of them.
    public static func measure(_ workload: Workload, repeats: Int, threads: Int, steps: Int? = nil) -> BenchResult {
        let n = steps ?? workload.steps
        let (_, once) = train(workload, steps: n, threads: threads)
        let runs = Swift.max(1, Int((minimumSeconds / Swift.max(once, 1e-9)).rounded(.up)))
        _ = train(workload, steps: n, threads: threads, runs: runs)
        var times: [Double] = []
        var last: Trainer?
        for _ in 0..<Swift.max(1, repeats) {
            let (trainer, seconds) = train(workload, steps: n, threads: threads, runs: runs)
            times.append(seconds)
            last = trainer
        }
        let (loss, accuracy) = evaluate(last!.network, workload)
        let sorted = times.sorted()
        var result = BenchResult(workload: workload.id, steps: n, runsPerMeasurement: runs, seconds: sorted[sorted.count / 2],
                           allSeconds: times, finalLoss: loss, trainAccuracy: accuracy, threads: threads,
                           flopsPerStep: workload.flopsPerStep)
        result.lastBatchTrainLoss = lastBatchTrainLoss(last!.network, workload, steps: n)
        return result
    }
}
