import Formatting
import LabRendering
import Lessons
import NeuralCore

/// The settings panel: every setting of the run with its value, and how left/right change
/// each one. Changes that need new weights restart from new weights (as TensorFlow Playground
/// does); learning rate, batch size, optimizer and regularisation apply live.
extension Lab {
    var isRegression: Bool { data.dataset.classCount == nil }

    /// The rows, in order.
    func settingRows() -> [SettingRow] {
        let c = configuration
        let arch = session.architecture
        var rows: [SettingRow] = [.heading("Data")]
        switch c.data {
        case .generated(let spec):
            rows.append(.row(.dataset, spec.kind.rawValue))
            if spec.kind == .spirals { rows.append(.row(.classes, "\(spec.classes)")) }
            rows.append(.row(.noise, "\(NumberFormat.compact(spec.noise))%"))
        case .file(let path):
            rows.append(.row(.dataset, "file " + path))
        }
        rows.append(.row(.trainShare, "\(Int((c.trainRatio * 100).rounded()))%"))
        if data.dataset.dimension == 2 { rows.append(.row(.features, c.features.description)) }
        rows.append(.heading("Network"))
        rows.append(.row(.hiddenLayers, "\(c.hidden.count)"))
        for (i, layer) in c.hidden.enumerated() {
            rows.append(.row(.units(layer: i), "\(layer.units)"))
            rows.append(.row(.layerActivation(layer: i), layer.activation.label))
        }
        let all = Set(c.hidden.map(\.activation.label))
        if !c.hidden.isEmpty {
            rows.append(.row(.activation, all.count == 1 ? all.first! + " (all)" : "mixed"))
            let norms = Set(c.hidden.map { $0.norm?.rawValue ?? "none" })
            rows.append(.row(.norm, norms.count == 1 ? norms.first! + " (all)" : "mixed"))
            let k = c.hidden.skipDistance, skipped = c.hidden.filter { $0.skip > 0 }.count
            rows.append(.row(.skip, k == 0 ? "none" : "a(l+1-\(k)) added in \(skipped) layer\(skipped == 1 ? "" : "s")"))
            let keeps = Set(c.hidden.map(\.keep))
            rows.append(.row(.dropout, keeps.count == 1 ? (keeps.first! == 1 ? "1 (no dropout)" : NumberFormat.compact(keeps.first!)) : "mixed"))
        }
        rows.append(.row(.outputLoss, "\(arch.output.rawValue) / \(arch.loss.rawValue)"))
        let initialization = c.weightInit ?? .default(for: arch)
        rows.append(.row(.initialization, initialization.scheme + (initialization.scheme == "uniform" || initialization.scheme == "normal"
                                                                  ? ":" + initialization.description.split(separator: ":").last! : "")))
        if initialization.scheme == "glorot" || initialization.scheme == "he" {
            let g = initialization.gain
            rows.append(.row(.gain, WeightInit.gainText(g) + (abs(g - 5.0 / 3) < 1e-9 ? " (5/3, for tanh)" : "")))
        }
        rows.append(.row(.biasInit, NumberFormat.compact(c.biasInit)))
        rows.append(.row(.seed, "\(c.seed)"))
        rows.append(.heading("Training"))
        rows.append(.row(.optimizer, c.settings.optimizer.description))
        rows.append(.row(.learningRate, NumberFormat.compact(c.settings.learningRate)))
        rows.append(.row(.batchSize, "\(c.settings.batchSize)"))
        rows.append(.row(.l2, NumberFormat.compact(c.settings.l2)))
        rows.append(.row(.l1, NumberFormat.compact(c.settings.l1)))
        rows.append(.heading("View"))
        rows.append(.row(.speed, state.speed == 0 ? "as fast as possible" : "\(state.speed) steps/s"))
        rows.append(.row(.testPoints, state.showTest ? "shown" : "hidden"))
        rows.append(.row(.mapStyle, state.discretize ? "discretized" : "confidence"))
        return rows
    }

    /// Takes the norm off maxout layers (the core has none for them); says so, or "".
    func dropNormOnMaxout(_ hidden: inout [HiddenLayer]) -> String {
        var dropped = false
        for i in hidden.indices where hidden[i].norm != nil {
            if case .maxout = hidden[i].activation {
                hidden[i].norm = nil
                dropped = true
            }
        }
        return dropped ? " (its norm is off: maxout takes none)" : ""
    }

    /// Moves `setting` `delta` choices on (left -1, right +1).
    func change(_ setting: Setting, by delta: Int) {
        if case .units(let l) = setting, l >= configuration.hidden.count {
            state.notice = "this network has no hidden layer (add one in the settings panel, s)"
            return
        }
        guard settingRows().contains(where: { $0.setting == setting }) else {
            state.notice = "no setting \(setting.label) here"
            return
        }
        if let lock = setting.lock, state.isLocked(lock) {
            state.notice = "\(setting.label) is locked by the lesson"
            return
        }
        typealias C = Setting.Choices
        var c = configuration
        switch setting {
        case .dataset:
            // A file the lab was opened on is one more choice, after the generated ones.
            if case .file(let path) = c.data {
                let kind = delta > 0 ? C.datasets[0] : C.datasets[C.datasets.count - 1]
                c.data = .generated(DatasetSpec(kind: kind, seed: c.seed))
                c.output = nil; c.loss = nil
                if kind.dimension != 2 { c.features = .plain }
                dataFile = path
                rebuild(c, notice: "dataset \(kind.rawValue): \(kind.summary)")
                return
            }
            guard case .generated(var spec) = c.data else { return }
            if let file = dataFile, spec.kind == (delta > 0 ? C.datasets.last : C.datasets.first) {
                c.data = .file(file)
                c.output = nil; c.loss = nil
                rebuild(c, notice: "dataset: the file \(file.terminalSafeLine)")
                return
            }
            let kind = C.step(C.datasets, from: spec.kind, by: delta)
            // Classes the data has: 2, K for the spirals, none for regression.
            func classes(_ s: DatasetSpec) -> Int? { s.kind.isRegression ? nil : s.kind == .spirals ? s.classes : 2 }
            let before = classes(spec)
            spec = DatasetSpec(kind: kind, classes: spec.classes, seed: spec.seed)
            c.data = .generated(spec)
            // Another kind of target: the output and loss that fit it (logistic, softmax, identity).
            if classes(spec) != before || kind.isOneDimensional { c.output = nil; c.loss = nil }
            if kind.dimension != 2 { c.features = .plain }
            rebuild(c, notice: "dataset \(kind.rawValue): \(kind.summary)")
        case .classes:
            guard case .generated(var spec) = c.data else { return }
            spec.classes = Swift.min(5, Swift.max(2, spec.classes + delta))
            c.data = .generated(spec)
            rebuild(c, notice: "\(spec.classes) classes")
        case .noise:
            guard case .generated(var spec) = c.data else { return }
            spec.noise = Swift.min(50, Swift.max(0, (spec.noise / 5).rounded() * 5 + Double(5 * delta)))
            c.data = .generated(spec)
            rebuild(c, notice: "noise \(NumberFormat.compact(spec.noise))%")
        case .trainShare:
            c.trainRatio = Swift.min(0.9, Swift.max(0.1, ((c.trainRatio * 10).rounded() + Double(delta)) / 10))
            rebuild(c, notice: "\(Int((c.trainRatio * 100).rounded()))% of the points for training")
        case .features:
            c.features = C.step(C.featureSets, from: c.features, by: delta)
            rebuild(c, notice: "features \(c.features)")
        case .hiddenLayers:
            if delta > 0 {
                guard c.hidden.count < C.maxLayers else { state.notice = "at most \(C.maxLayers) hidden layers in the lab"; return }
                c.hidden.append(c.hidden.last ?? HiddenLayer(units: 4, activation: .tanh))
            } else {
                guard !c.hidden.isEmpty else { return }
                c.hidden.removeLast()
            }
            c.hidden = c.hidden.withSkip(configuration.hidden.skipDistance, inputs: session.architecture.inputs)
            rebuild(c, notice: "\(c.hidden.count) hidden layer\(c.hidden.count == 1 ? "" : "s")")
        case .units(let l):
            let old = c.hidden[l]
            let units = Swift.min(C.maxUnits, Swift.max(1, old.units + delta))
            guard units != old.units else {
                state.notice = "a(\(l + 2)) has \(old.units) unit\(old.units == 1 ? "" : "s") (1 to \(C.maxUnits) in the lab)"
                return
            }
            c.hidden[l].units = units
            c.hidden = c.hidden.withSkip(c.hidden.skipDistance, inputs: session.architecture.inputs)
            rebuild(c, notice: "a(\(l + 2)): \(units) unit\(units == 1 ? "" : "s")")
        case .layerActivation(let l):
            let next = C.step(C.activations, from: c.hidden[l].activation, by: delta)
            c.hidden[l].activation = next
            rebuild(c, notice: "a(\(l + 2)): \(next.label)" + dropNormOnMaxout(&c.hidden))
        case .activation:
            let next = C.step(C.activations, from: c.hidden.first?.activation ?? .tanh, by: delta)
            for i in c.hidden.indices { c.hidden[i].activation = next }
            rebuild(c, notice: "activation \(next.label) in every hidden layer" + dropNormOnMaxout(&c.hidden))
        case .norm:
            let all = Set(c.hidden.map(\.norm))
            let next = C.step(C.norms, from: all.count == 1 ? all.first! : nil, by: delta)
            if next != nil, c.hidden.contains(where: { if case .maxout = $0.activation { true } else { false } }) {
                state.notice = "maxout layers take no norm here; choose another activation first"
                return
            }
            for i in c.hidden.indices { c.hidden[i].norm = next }
            rebuild(c, notice: next.map { "\($0 == .batch ? "batch" : "layer") norm in every hidden layer: " + ($0 == .batch
                ? "z(l) is normalised over the minibatch, per unit, then scaled by gamma(l) and shifted by beta(l)"
                : "z(l) is normalised over the layer's units, per example, then scaled by gamma(l) and shifted by beta(l)") }
                ?? "no norm: a(l+1) = f(z(l+1))")
        case .skip:
            let k = C.step(C.skips, from: c.hidden.skipDistance, by: delta)
            c.hidden = c.hidden.withSkip(k, inputs: session.architecture.inputs)
            if k > 0 && c.hidden.skipDistance == 0 {
                state.notice = "no hidden layer has the width of a(l+1-\(k)); make the widths agree to add a skip of \(k)"
                return
            }
            rebuild(c, notice: k == 0 ? "no skip connections" : "skip connections: a(l+1) = f(z(l+1)) + a(l+1-\(k)) where the widths agree")
        case .dropout:
            let all = Set(c.hidden.map(\.keep))
            let next = C.step(C.keeps, from: all.count == 1 ? all.first! : 1, by: delta)
            for i in c.hidden.indices { c.hidden[i].keep = next }
            rebuild(c, notice: next == 1 ? "no dropout" : "dropout: each hidden unit is kept with p = \(NumberFormat.compact(next)) while training (off for the map and the metrics)")
        case .outputLoss:
            let classes = data.dataset.classCount ?? 1
            let choices = C.outputs(regression: isRegression, classes: classes)
            guard choices.count > 1 else {
                state.notice = isRegression ? "regression: an identity output with squared error, the one pair that fits"
                    : "\(classes) classes: softmax with cross-entropy, the one pair that fits"
                return
            }
            let arch = session.architecture
            let i = choices.firstIndex { $0.0 == arch.output && $0.1 == arch.loss } ?? 0
            (c.output, c.loss) = choices[(i + delta + choices.count * 4) % choices.count]
            rebuild(c, notice: "output \(c.output!.rawValue), loss \(c.loss!.rawValue)")
        case .initialization:
            // By scheme; glorot and he keep the gain.
            let current = c.weightInit ?? .default(for: session.architecture)
            let i = C.inits.firstIndex(of: current.with(gain: 1)) ?? C.inits.firstIndex { $0.scheme == current.scheme } ?? 0
            var next = C.inits[((i + delta) % C.inits.count + C.inits.count) % C.inits.count]
            next = next.with(gain: current.gain)
            c.weightInit = next
            rebuild(c, notice: "initialisation \(next)")
        case .gain:
            let current = c.weightInit ?? .default(for: session.architecture)
            let g = C.nearest(C.gains, from: current.gain, by: delta)
            c.weightInit = current.with(gain: g)
            rebuild(c, notice: "gain \(WeightInit.gainText(g)): the initial weights are \(WeightInit.gainText(g)) times \(current.scheme)'s"
                    + (abs(g - 5.0 / 3) < 1e-9 ? " (5/3 keeps a deep tanh stack's activations spread)" : ""))
        case .biasInit:
            c.biasInit = delta > 0 ? 0.1 : 0
            rebuild(c, notice: "biases start at \(NumberFormat.compact(c.biasInit))")
        case .seed:
            c.seed = delta > 0 ? Self.nextSeed(c.seed) : (c.seed > 1 ? c.seed - 1 : 1)
            rebuild(c, notice: "seed \(c.seed)")
        case .optimizer:
            c.settings.optimizer = C.step(C.optimizers, from: c.settings.optimizer, by: delta)
            applyLive(c, notice: "optimizer \(c.settings.optimizer) (the weights stay)")
        case .learningRate:
            c.settings.learningRate = C.nearest(C.learningRates, from: c.settings.learningRate, by: delta)
            applyLive(c, notice: "learning rate \(NumberFormat.compact(c.settings.learningRate))")
        case .batchSize:
            c.settings.batchSize = Int(C.nearest(C.batchSizes, from: Double(c.settings.batchSize), by: delta))
            applyLive(c, notice: "batch size \(c.settings.batchSize)")
        case .l2, .l1:
            let strength: WritableKeyPath<TrainingSettings, Double> = setting == .l2 ? \.l2 : \.l1
            c.settings[keyPath: strength] = C.nearest(C.strengths, from: c.settings[keyPath: strength], by: delta)
            applyLive(c, notice: "\(setting.label) \(NumberFormat.compact(c.settings[keyPath: strength]))")
        case .speed:
            state.speed = C.step(C.speeds, from: state.speed, by: delta)
            controller.setSpeedLimit(state.speed)
            state.notice = state.speed == 0 ? "training as fast as possible" : "at most \(state.speed) steps a second"
        case .testPoints: perform(DashboardAction.toggleTest)
        case .mapStyle: perform(DashboardAction.toggleDiscretize)
        }
    }
}
