import Formatting
import LabRendering
import Lessons
import NeuralCore

/// The settings panel: every setting of the run, each with its value and how left/right
/// change it. Changes that need new weights restart from new weights (as TensorFlow
/// Playground does); learning rate, batch size, optimizer and regularisation apply live.
extension Lab {
    /// One row of the panel.
    struct SettingRow {
        var name: String
        var value: String
        /// The lock that guards it (`ViewSettings.lockable`), nil for view settings.
        var lock: String?
        var isHeading = false
    }

    /// The data sets `d` and the settings panel cycle through.
    public static let datasets: [DatasetKind] = [.xor, .circles, .gauss, .spiral, .spirals, .moons, .xorTable, .plane, .multigauss, .sine, .abs, .step, .bump]
    static let activations: [Activation] = [.logistic, .tanh, .relu, .leakyReLU(slope: Activation.defaultLeakySlope), .abs, .softplus, .linear, .maxout(pieces: 2)]
    static let learningRates: [Double] = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10]
    static let batchSizes = [1, 2, 5, 10, 20, 30, 50, 100, 200, 500]
    static let strengths: [Double] = [0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1]
    static let speeds = [0, 1, 3, 10, 30, 100, 300, 1000, 3000]
    static let featureSets: [FeatureSet] = [
        .plain, FeatureSet([.x1, .x2, .x1Squared, .x2Squared]), FeatureSet([.x1, .x2, .x1Squared, .x2Squared, .x1x2]),
        FeatureSet([.x1, .x2, .sinX1, .sinX2]), FeatureSet([.r, .theta]), FeatureSet([.x1, .x2, .r]),
        FeatureSet([.x1, .x2, .x1Squared, .x2Squared, .x1x2, .sinX1, .sinX2]),
    ]
    static let inits: [WeightInit] = [.glorot, .he, .uniform(range: 0.5), .uniform(range: 1)]
    static let optimizers: [Optimizer] = [.sgd, .momentum(mu: 0.9), .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8)]

    /// Output and loss pairs offered for classification and for regression.
    static func outputChoices(regression: Bool, classes: Int) -> [(OutputActivation, Loss)] {
        if regression { return [(.identity, .squaredError)] }
        if classes > 2 { return [(.softmax, .crossEntropy)] }
        return [(.logistic, .crossEntropy), (.logistic, .squaredError), (.softmax, .crossEntropy)]
    }

    var isRegression: Bool { session.dataset.classCount == nil }

    /// The rows, in order.
    func settingRows() -> [SettingRow] {
        let c = configuration
        let arch = session.architecture
        var rows: [SettingRow] = [SettingRow(name: "Data", value: "", isHeading: true)]
        switch c.data {
        case .generated(let spec):
            rows.append(SettingRow(name: "dataset", value: spec.kind.rawValue, lock: "data"))
            if spec.kind == .spirals { rows.append(SettingRow(name: "classes", value: "\(spec.classes)", lock: "data")) }
            rows.append(SettingRow(name: "noise", value: "\(NumberFormat.compact(spec.noise))%", lock: "data"))
        case .file(let path):
            rows.append(SettingRow(name: "dataset", value: "file " + path, lock: "data"))
        }
        rows.append(SettingRow(name: "train share", value: "\(Int((c.trainRatio * 100).rounded()))%", lock: "data"))
        if session.dataset.dimension == 2 { rows.append(SettingRow(name: "features", value: c.features.description, lock: "features")) }
        rows.append(SettingRow(name: "Network", value: "", isHeading: true))
        rows.append(SettingRow(name: "hidden layers", value: "\(c.hidden.count)", lock: "network"))
        for (i, layer) in c.hidden.enumerated() {
            rows.append(SettingRow(name: "layer \(i + 1) units", value: "\(layer.units)", lock: "network"))
            rows.append(SettingRow(name: "layer \(i + 1) activation", value: layer.activation.label, lock: "activation"))
        }
        let all = Set(c.hidden.map(\.activation.label))
        if !c.hidden.isEmpty { rows.append(SettingRow(name: "activation", value: all.count == 1 ? all.first! + " (all)" : "mixed", lock: "activation")) }
        rows.append(SettingRow(name: "output / loss", value: "\(arch.output.rawValue) / \(arch.loss.rawValue)", lock: "output"))
        rows.append(SettingRow(name: "init", value: (c.weightInit ?? .default(for: arch)).description, lock: "init"))
        rows.append(SettingRow(name: "bias init", value: NumberFormat.compact(c.biasInit), lock: "init"))
        rows.append(SettingRow(name: "seed", value: "\(c.seed)", lock: "network"))
        rows.append(SettingRow(name: "Training", value: "", isHeading: true))
        rows.append(SettingRow(name: "optimizer", value: c.settings.optimizer.description, lock: "optimizer"))
        rows.append(SettingRow(name: "learning rate", value: NumberFormat.compact(c.settings.learningRate), lock: "learning_rate"))
        rows.append(SettingRow(name: "batch size", value: "\(c.settings.batchSize)", lock: "batch"))
        rows.append(SettingRow(name: "L2", value: NumberFormat.compact(c.settings.l2), lock: "regularization"))
        rows.append(SettingRow(name: "L1", value: NumberFormat.compact(c.settings.l1), lock: "regularization"))
        rows.append(SettingRow(name: "View", value: "", isHeading: true))
        rows.append(SettingRow(name: "speed", value: state.speed == 0 ? "as fast as possible" : "\(state.speed) steps/s"))
        rows.append(SettingRow(name: "test points", value: state.showTest ? "shown" : "hidden"))
        rows.append(SettingRow(name: "map", value: state.discretize ? "discretized" : "confidence"))
        return rows
    }

    /// The panel as the widget draws it.
    func settingsWidget() -> SettingsList {
        let rows = settingRows().map { r in
            SettingsList.Row(name: r.name, value: r.value, locked: r.lock.map(state.isLocked) ?? false, isHeading: r.isHeading)
        }
        return SettingsList(rows: rows, selected: Swift.min(state.settingsRow, rows.count - 1))
    }

    /// Moves the setting `name` `delta` choices on (left -1, right +1).
    func changeSetting(named name: String, by delta: Int) {
        guard let row = settingRows().first(where: { $0.name == name }) else {
            state.notice = name.hasPrefix("layer") ? "this network has no hidden layer (add one in the settings panel, s)" : "no setting \(name) here"
            return
        }
        if let lock = row.lock, state.isLocked(lock) {
            state.notice = "\(name) is locked by the lesson"
            return
        }
        var c = configuration
        // Choices wrap around (d after the last data set gives the first again).
        func step<T: Equatable>(_ list: [T], _ current: T) -> T {
            let i = list.firstIndex(of: current) ?? (delta > 0 ? -1 : list.count)
            return list[((i + delta) % list.count + list.count) % list.count]
        }
        func nearest(_ list: [Double], _ v: Double) -> Double {
            let i = list.firstIndex { $0 >= v * 0.999 } ?? list.count - 1
            let index = list[i] > v * 1.001 ? (delta > 0 ? i : i - 1) : i + delta
            return list[Swift.min(list.count - 1, Swift.max(0, index))]
        }
        switch name {
        case "dataset":
            guard case .generated(var spec) = c.data else { state.notice = "the data comes from a file"; return }
            let kind = step(Self.datasets, spec.kind)
            // Classes the data has: 2, K for the spirals, none for regression.
            func classes(_ s: DatasetSpec) -> Int? { s.kind.isRegression ? nil : s.kind == .spirals ? s.classes : 2 }
            let before = classes(spec)
            spec = DatasetSpec(kind: kind, classes: spec.classes, seed: spec.seed)
            c.data = .generated(spec)
            // Another kind of target: the output and loss that fit it (logistic, softmax, identity).
            if classes(spec) != before || kind.isOneDimensional { c.output = nil; c.loss = nil }
            if kind.isOneDimensional { c.features = .plain }
            rebuild(c, notice: "dataset \(kind.rawValue): \(kind.summary)")
        case "classes":
            guard case .generated(var spec) = c.data else { return }
            spec.classes = Swift.min(5, Swift.max(2, spec.classes + delta))
            c.data = .generated(spec)
            rebuild(c, notice: "\(spec.classes) classes")
        case "noise":
            guard case .generated(var spec) = c.data else { return }
            spec.noise = Swift.min(50, Swift.max(0, (spec.noise / 5).rounded() * 5 + Double(5 * delta)))
            c.data = .generated(spec)
            rebuild(c, notice: "noise \(NumberFormat.compact(spec.noise))%")
        case "train share":
            c.trainRatio = Swift.min(0.9, Swift.max(0.1, ((c.trainRatio * 10).rounded() + Double(delta)) / 10))
            rebuild(c, notice: "\(Int((c.trainRatio * 100).rounded()))% of the points for training")
        case "features":
            c.features = step(Self.featureSets, c.features)
            rebuild(c, notice: "features \(c.features)")
        case "hidden layers":
            if delta > 0 {
                guard c.hidden.count < 6 else { state.notice = "at most 6 hidden layers in the lab"; return }
                c.hidden.append(c.hidden.last ?? HiddenLayer(units: 4, activation: .tanh))
            } else {
                guard !c.hidden.isEmpty else { return }
                c.hidden.removeLast()
            }
            rebuild(c, notice: "\(c.hidden.count) hidden layer\(c.hidden.count == 1 ? "" : "s")")
        case "activation":
            let next = step(Self.activations, c.hidden.first?.activation ?? .tanh)
            c.hidden = c.hidden.map { HiddenLayer(units: $0.units, activation: next) }
            rebuild(c, notice: "activation \(next.label) in every hidden layer")
        case "output / loss":
            let classes = session.dataset.classCount ?? 1
            let choices = Self.outputChoices(regression: isRegression, classes: classes)
            guard choices.count > 1 else {
                state.notice = isRegression ? "regression: an identity output with squared error, the one pair that fits"
                    : "\(classes) classes: softmax with cross-entropy, the one pair that fits"
                return
            }
            let arch = session.architecture
            let i = choices.firstIndex { $0.0 == arch.output && $0.1 == arch.loss } ?? 0
            let (output, loss) = choices[(i + delta + choices.count * 4) % choices.count]
            c.output = output
            c.loss = loss
            rebuild(c, notice: "output \(output.rawValue), loss \(loss.rawValue)")
        case "init":
            c.weightInit = step(Self.inits, c.weightInit ?? .default(for: session.architecture))
            rebuild(c, notice: "initialisation \(c.weightInit!)")
        case "bias init":
            c.biasInit = delta > 0 ? 0.1 : 0
            rebuild(c, notice: "biases start at \(NumberFormat.compact(c.biasInit))")
        case "seed":
            c.seed = delta > 0 ? Self.nextSeed(c.seed) : (c.seed > 1 ? c.seed - 1 : 1)
            rebuild(c, notice: "seed \(c.seed)")
        case "optimizer":
            c.settings.optimizer = step(Self.optimizers, c.settings.optimizer)
            applyLive(c, notice: "optimizer \(c.settings.optimizer) (the weights stay)")
        case "learning rate":
            c.settings.learningRate = nearest(Self.learningRates, c.settings.learningRate)
            applyLive(c, notice: "learning rate \(NumberFormat.compact(c.settings.learningRate))")
        case "batch size":
            c.settings.batchSize = Int(nearest(Self.batchSizes.map(Double.init), Double(c.settings.batchSize)))
            applyLive(c, notice: "batch size \(c.settings.batchSize)")
        case "L2":
            c.settings.l2 = nearest(Self.strengths, c.settings.l2)
            applyLive(c, notice: "L2 \(NumberFormat.compact(c.settings.l2))")
        case "L1":
            c.settings.l1 = nearest(Self.strengths, c.settings.l1)
            applyLive(c, notice: "L1 \(NumberFormat.compact(c.settings.l1))")
        case "speed":
            state.speed = step(Self.speeds, state.speed)
            controller.setSpeedLimit(state.speed)
            state.notice = state.speed == 0 ? "training as fast as possible" : "at most \(state.speed) steps a second"
        case "test points": perform(.toggleTest)
        case "map": perform(.toggleDiscretize)
        default:
            // "layer N units", "layer N activation"
            let parts = name.split(separator: " ")
            guard parts.count == 3, let n = Int(parts[1]), (1...c.hidden.count).contains(n) else { return }
            let old = c.hidden[n - 1]
            if parts[2] == "units" {
                let units = Swift.min(64, Swift.max(1, old.units + delta))
                guard units != old.units else { state.notice = "layer \(n) has \(old.units) unit\(old.units == 1 ? "" : "s") (1 to 64 in the lab)"; return }
                c.hidden[n - 1] = HiddenLayer(units: units, activation: old.activation)
                rebuild(c, notice: "layer \(n): \(units) unit\(units == 1 ? "" : "s")")
            } else {
                let next = step(Self.activations, old.activation)
                c.hidden[n - 1] = HiddenLayer(units: old.units, activation: next)
                rebuild(c, notice: "layer \(n): \(next.label)")
            }
        }
    }
}
