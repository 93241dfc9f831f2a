import Formatting
import LabRendering
import NeuralCore

/// The report `nnlab train` and `nnlab run` print after training: settings, outcome,
/// metrics, confusion matrix, per-layer probes and a plot of what was learned.
public enum TrainReport {
    /// Describes the data, the network and the training settings of `session`.
    public static func header(_ session: TrainingSession, theme: Theme) -> [String] {
        let c = session.configuration
        let d = session.dataset
        var data = "\(d.name), \(d.count) points"
        if case .generated(let spec) = c.data, spec.kind != .xorTable { data += ", noise \(NumberFormat.compact(spec.noise))%" }
        if session.testIndices == session.trainIndices {
            data += "; all \(session.trainIndices.count) for training and testing"
        } else {
            data += "; \(session.trainIndices.count) for training, "
                + (session.validationIndices.isEmpty ? "" : "\(session.validationIndices.count) for validation, ")
                + "\(session.testIndices.count) for testing"
        }
        if d.dimension == 2 { data += "; features \(c.features)" }
        let arch = session.architecture
        let weightInit = c.weightInit ?? .default(for: arch)
        let s = session.trainer.settings
        var training = "\(s.optimizer), learning rate \(NumberFormat.compact(s.learningRate)), batch \(session.trainer.batchSize)"
        if s.l2 > 0 { training += ", L2 \(NumberFormat.compact(s.l2))" }
        if s.l1 > 0 { training += ", L1 \(NumberFormat.compact(s.l1))" }
        if arch.usesPerceptronRule { training = "perceptron rule, learning rate \(NumberFormat.compact(s.learningRate))" }
        training += ", seed \(c.seed)"
        return [
            "data:     " + data,
            "network:  " + arch.description(arrow: theme.glyphs.arrow) + "; loss \(arch.loss.rawValue); "
                + (c.initialWeights != nil ? "weights set by the lesson" : "init \(weightInit); biases \(NumberFormat.compact(c.biasInit))"),
            "training: " + training,
        ]
    }

    /// The whole report after training stopped with `outcome` ("trained for 100 epochs",
    /// "stopped at epoch 12: the perceptron rule converged", ...).
    public static func render(_ session: TrainingSession, outcome: String, theme: Theme, plotWidth: Int = 47, plotHeight: Int = 22) -> String {
        var lines = header(session, theme: theme)
        let m = session.metrics
        lines.append("outcome:  \(outcome) (\(NumberFormat.grouped(session.trainer.stepCount)) steps)")
        if let divergence = session.divergence {
            lines.append("          \(divergence)")
            lines.append("          the figures below are of epoch \(m.epoch), the last before it diverged")
        }
        lines.append("")
        lines += metricsTable(m)
        if let confusion = (m.test ?? m.train).confusion {
            lines.append("")
            lines += confusionTable(confusion, set: m.test == nil ? "training set" : "test set")
        }
        let probes = session.probes()
        if !probes.isEmpty {
            lines.append("")
            lines.append("hidden layers")
            lines += probeLines(probes, glyphs: theme.glyphs)
        }
        lines.append("")
        lines += plot(session, theme: theme, width: plotWidth, height: plotHeight)
        return lines.joined(separator: "\n")
    }

    /// Loss and accuracy, training and test.
    public static func metricsTable(_ m: Metrics) -> [String] {
        var rows = ["           loss      accuracy"]
        func row(_ name: String, _ e: Evaluation) -> String {
            let loss = NumberFormat.fixed(e.meanLoss, decimals: 4, trim: false)
            let accuracy = e.accuracy.map { NumberFormat.percent($0) } ?? "-"
            return "  " + name.padded(7) + loss.leftPadded(8) + accuracy.leftPadded(12)
        }
        rows.append(row("train", m.train))
        if let t = m.test { rows.append(row("test", t)) }
        if m.objective != m.train.meanLoss {
            rows.append("  objective (loss + regularisation) \(NumberFormat.fixed(m.objective, decimals: 4, trim: false))")
        }
        return rows
    }

    /// The confusion matrix as a table.
    public static func confusionTable(_ c: ConfusionMatrix, set: String) -> [String] {
        var lines = ["confusion matrix, \(set) (rows: true class, columns: predicted)"]
        let width = Swift.max(5, String(c.counts.max() ?? 0).count + 2)
        lines.append("      " + (0..<c.classes).map { String($0).leftPadded(width) }.joined())
        for actual in 0..<c.classes {
            lines.append("  " + String(actual).padded(4) + (0..<c.classes).map { String(c[actual, $0]).leftPadded(width) }.joined())
        }
        return lines
    }

    /// One line per hidden layer: dead units, saturation, gradient norm, update ratio.
    public static func probeLines(_ probes: [LayerProbe], glyphs: Glyphs) -> [String] {
        probes.enumerated().map { i, p in
            var parts = ["layer \(i + 1), a(\(p.layer)): \(p.units) \(p.activation.label)"]
            if let dead = p.deadUnits {
                let which = p.dead.enumerated().filter(\.element).map { String($0.offset + 1) }
                let kind = p.activation == .relu ? "ReLU units dead" : "units nearly dead (leaky)"
                parts.append("\(dead)/\(p.units) \(kind)" + (which.isEmpty ? "" : " (unit \(which.prefix(8).joined(separator: ", "))\(which.count > 8 ? ", ..." : ""))"))
            }
            if let s = p.saturation { parts.append("saturated \(NumberFormat.percent(s))") }
            parts.append("|grad W(\(p.layer - 1))| \(NumberFormat.scientific(p.gradientNorm))")
            if let r = p.updateRatio { parts.append("update/weight \(NumberFormat.scientific(r))") }
            return "  " + parts.joined(separator: "; ")
        }
    }

    /// The decision map (2-D data) or the curve plot (1-D data), with a legend line.
    public static func plot(_ session: TrainingSession, theme: Theme, width: Int, height: Int) -> [String] {
        let dataset: Dataset = session.dataset
        let sampler = GridSampler(architecture: session.architecture, features: session.configuration.features, dimension: dataset.dimension,
                                  slice: dataset.slice)
        var buffer = Buffer(width: width, height: height)
        let title: String
        if dataset.classCount == nil, dataset.dimension >= 3 || dataset.outputWidth >= 2 {
            // No map or curve shows these whole: each output against its target.
            let points = Views.mapPoints(dataset, train: session.trainIndices, test: session.testIndices)
            guard let fit = Views.fitPlots(session.network, dataset: dataset, points: points, features: session.configuration.features) else { return [] }
            let columns = Layout.horizontal(fit.plots.map { _ in .fill(1) }, spacing: 2).split(Rect(x: 0, y: 1, width: width, height: height - 1))
            for (i, (label, plot)) in fit.plots.enumerated() {
                buffer.put(label, x: columns[i].x + 6, y: 0, style: theme.muted, clip: buffer.area)
                plot.render(into: &buffer, area: columns[i], theme: theme)
            }
            let more = dataset.outputWidth > fit.plots.count ? " (outputs 1-\(fit.plots.count) of \(dataset.outputWidth))" : ""
            title = "what the network learned: each output F(x) (up) against its target y (across), every point; the line is F = y\(more); "
                + "largest error \(NumberFormat.compact(fit.maxError, significant: 3))"
        } else if dataset.dimension == 1 {
            var kind: DatasetKind?
            if case .generated(let spec) = session.configuration.data { kind = spec.kind }
            let plot = Views.curvePlot(session.network, dataset: dataset, kind: kind, train: session.trainIndices, sampler: sampler,
                                       width: width - 6, units: false)
            plot.render(into: &buffer, area: buffer.area, theme: theme)
            title = "what the network learned: F(x) against the target f(x)"
        } else {
            let points = Views.mapPoints(dataset, train: session.trainIndices, test: session.testIndices)
            let map = Views.decisionMap(session.network, dataset: dataset, points: points, sampler: sampler, area: buffer.area, theme: theme,
                                        threshold: session.configuration.threshold)
            map.render(into: &buffer, area: buffer.area, theme: theme)
            title = mapLegend(classCount: dataset.classCount, theme: theme)
        }
        let body = theme.hasColor ? buffer.ansiText : buffer.plainText
        return [title] + body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// "decision boundary: ● class 0  ▲ class 1; ○ test" and, without colour, the shading.
    static func mapLegend(classCount: Int?, theme: Theme) -> String {
        let g = theme.glyphs
        var title = "decision boundary: "
        if let k = classCount {
            title += (0..<k).map { "\(g.point(class: $0, test: false)) class \($0)" }.joined(separator: "  ")
        } else {
            title += "points coloured by target"
        }
        title += "; \(g.point(class: 0, test: true)) test"
        if !theme.hasColor {
            if let k = classCount {
                title += k <= 2 ? "; shading: P(class 1) from ' ' to '\(g.ramp.last!)'" : "; shading: predicted class"
            } else {
                title += "; shading: predicted value"
            }
        }
        return title
    }
}
