import LabApp
import LabRendering
import NeuralCore

/// The screen workloads of `nnlab bench --ui`.
public enum UIBench {
    /// One screen measurement.
    public struct Result: Sendable {
        public let json: String
    }

    /// Times `body` over `frames` frames after one untimed frame; returns seconds.
    static func time(frames: Int, _ body: () -> Void) -> Double {
        body()
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<frames { body() }
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Sampling the decision function on the map's grid: the map panel of a 200x60 dashboard
    /// holds 120 x 50 cells, 120 x 100 pixels with half blocks, for a 2-8-8-1 tanh network on
    /// circles with the x1, x2, r features.
    public static func decisionGrid(frames: Int = 300) -> Result {
        let arch = Architecture(inputs: 3, hidden: [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)],
                                outputs: 1, output: .logistic)
        let network = Network<Float>(architecture: arch, seed: 1)
        let sampler = GridSampler(architecture: arch, features: FeatureSet([.x1, .x2, .r]))
        let (columns, rows) = (120, 100)
        let seconds = time(frames: frames) {
            sampler.sample(network, columns: columns, rows: rows, x: -6...6, y: -6...6)
        }
        return Result(json: "{\"workload\":\"ui-decision-grid\",\"cells\":\(columns * rows),\"frames\":\(frames),\"seconds\":\(seconds),\"ms_per_frame\":\((seconds / Double(frames) * 1e6).rounded() / 1e3)}")
    }
}
