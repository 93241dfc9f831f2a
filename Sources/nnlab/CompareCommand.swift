import ArgumentParser
import Formatting
import Foundation
import LabApp
import LabRendering
import LabTerminal
import Lessons
import NeuralCore

extension NNLab {
    /// `nnlab compare LESSON --vary KEY=V1,V2`: the lab's compare screen on variants of any
    /// lesson that differ in one setting.
    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the lab on two to four variants of a lesson that differ in one setting, side by side.",
            discussion: """
            --vary KEY=V1,V2[,V3,V4] with KEY one of: \(VariedSetting.names.joined(separator: ", ")). \
            Layers are written as widths joined by x (8x8), or none. Examples: --vary activation=logistic,relu; \
            --vary layers=none,2; --vary l2=0,0.01; --vary learning_rate=0.01,0.3,3; --vary norm=none,batch,layer; \
            --vary skip=0,1; --vary dropout=1,0.8. \
            Every network trains on the same data, split and batch order, from the same weights where the shapes agree.
            """)

        @Argument(help: "A scenario file, or a lesson's name or number (see nnlab list).", completion: Completions.lesson)
        var lesson: String = ShippedLessons.defaultName

        @Option(help: ArgumentHelp("The setting that differs and its values: KEY=V1,V2[,V3,V4] (one setting: a comparison changes one thing).", valueName: "key=values"))
        var vary: [String] = []

        @Option(help: ArgumentHelp("Look for lesson names in this folder too.", valueName: "folder"), completion: .directory)
        var dir: String?

        @OptionGroup var display: DisplayOptions

        func run() throws {
            guard vary.count == 1 else {
                throw NNLabError(vary.isEmpty ? "--vary: give the setting that differs, e.g. --vary activation=logistic,relu"
                                 : "--vary: given \(vary.count) times; a comparison changes one setting (give one --vary)")
            }
            let base = try loadScenario(lesson, directory: dir)
            let scenario = try VariedSetting.vary(base, vary[0])
            try openLab(scenario, display: display)
        }
    }
}

/// The settings `nnlab compare --vary` can vary, and how each value changes a configuration.
enum VariedSetting: String, CaseIterable {
    case activation, layers, norm, skip, dropout, learningRate = "learning_rate", batch, optimizer, initialization = "init", biasInit = "bias_init"
    case l1, l2, loss, features

    static let names = allCases.map(\.rawValue)

    /// `base` with variants, one per value of `spec` ("activation=logistic,relu").
    static func vary(_ base: Scenario, _ spec: String) throws -> Scenario {
        let parts = spec.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else {
            throw NNLabError("--vary: expected KEY=V1,V2 (for example activation=logistic,relu), found \"\(spec.terminalSafeLine)\"")
        }
        let key = parts[0].trimmingCharacters(in: .whitespaces)
        guard let setting = VariedSetting(rawValue: key == "lr" ? "learning_rate" : key) else {
            throw NNLabError("--vary: \(choiceMessage(found: key, allowed: names))")
        }
        // Features are a list themselves: their variants are separated by ";" (x1,x2;x1,x2,r).
        let separator: Character = setting == .features ? ";" : ","
        let values = parts[1].split(separator: separator, omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard (2...Lab.maxPanes).contains(values.count), !values.contains(where: \.isEmpty) else {
            throw NNLabError("--vary: give 2 to \(Lab.maxPanes) values of \(key), separated by \"\(separator)\"; found \(values.filter { !$0.isEmpty }.count)")
        }
        var scenario = base
        scenario.view.compare = true
        let start = base.configuration
        scenario.variants = try values.map { value in
            var c = start
            let flag = "--vary: \(key) \(value.terminalSafeLine)"
            try setting.apply(value, to: &c, flag: flag)
            try flagged(flag) { try c.validate() }
            let name = value.terminalSafeLine.prefix(24)
            return Variant(name: String(name), says: "\(key) \(value.terminalSafeLine)", configuration: c, modelPath: nil)
        }
        if Set(scenario.variants.map(\.name)).count < values.count { throw NNLabError("--vary: each value once, please") }
        scenario.title = base.title + " — \(key): " + values.joined(separator: " / ")
        return scenario
    }

    /// Sets this setting of `c` to `value`, read by the same parsers as the other commands'
    /// flags; a problem is one message that starts with `flag`.
    func apply(_ value: String, to c: inout SessionConfiguration, flag: String) throws {
        func number(minimum: Double? = nil) throws -> Double {
            guard let v = Double(value) else { throw NNLabError("\(flag): expected a number") }
            return try minimum.map { try Parse.number(v, flag: flag, minimum: $0, exclusive: true) } ?? v
        }
        switch self {
        case .activation:
            guard !c.hidden.isEmpty else { throw NNLabError("\(flag): the lesson's network has no hidden layer to change") }
            let f = try Parse.activation(value, flag: flag)
            for i in c.hidden.indices { c.hidden[i].activation = f }
        case .layers:
            // Widths joined by x (8x8): the values themselves are separated by commas.
            let widths = try Parse.widths(value.replacingOccurrences(of: "x", with: ","), flag: flag, allowNone: true)
            // The limits a lesson file has (the lab compares what a lesson could).
            guard widths.count <= ScenarioLimits.maxLayers else {
                throw NNLabError("\(flag): at most \(ScenarioLimits.maxLayers) hidden layers, found \(widths.count)")
            }
            if let wide = widths.first(where: { $0 > ScenarioLimits.maxWidth }) {
                throw NNLabError("\(flag): a layer has at most \(ScenarioLimits.maxWidth) units, found \(wide)")
            }
            // The lesson's first hidden layer, its norm and dropout for every new layer; its skip where the widths agree.
            let first = c.hidden.first ?? HiddenLayer(units: 1, activation: .tanh)
            c.hidden = widths.map { HiddenLayer(units: $0, activation: first.activation, norm: first.norm, keep: first.keep) }
                .withSkip(c.hidden.skipDistance, inputs: nil)
        case .norm, .skip, .dropout:
            guard !c.hidden.isEmpty else { throw NNLabError("\(flag): the lesson's network has no hidden layer to change") }
            let widths = c.hidden.map(\.units), activations = c.hidden.map(\.activation)
            let norm = self == .norm ? value : c.hidden.map { $0.norm?.rawValue ?? "none" }.joined(separator: ",")
            let dropout = self == .dropout ? value : c.hidden.map { "\($0.keep)" }.joined(separator: ",")
            var skip = c.hidden.skipDistance
            if self == .skip {
                guard let k = Int(value) else { throw NNLabError("\(flag): a skip is a whole number of layers (0 for none)") }
                skip = k
            }
            do {
                c.hidden = try Parse.layerParts(widths: widths, activations: activations, norm: norm, skip: skip, dropout: dropout, inputs: nil)
            } catch let e as NNLabError {
                // The message names train's flag (--norm: ...); here the flag is --vary's.
                throw NNLabError("\(flag): " + e.message.replacingOccurrences(of: "^--[a-z]+( [0-9]+)?: ", with: "", options: .regularExpression))
            }
        case .learningRate: c.settings.learningRate = try number(minimum: 0)
        case .batch:
            guard let n = Int(value), n >= 1 else { throw NNLabError("\(flag): a batch is a whole number of 1 or more") }
            c.settings.batchSize = n
        case .optimizer: c.settings.optimizer = try flagged(flag) { try Optimizer(spec: value) }
        case .initialization: c.weightInit = try flagged(flag) { try WeightInit(spec: value) }
        case .biasInit: c.biasInit = try number()
        case .l1: c.settings.l1 = try number()
        case .l2: c.settings.l2 = try number()
        case .loss: c.loss = try flagged(flag) { try Loss(spec: value) }
        case .features: c.features = try flagged(flag) { try FeatureSet(parsing: value) }
        }
    }
}
