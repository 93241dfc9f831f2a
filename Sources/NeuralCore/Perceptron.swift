extension Network {
    /// One epoch of the perceptron learning rule over `examples` in `order`, one example at a
    /// time: for each unit, w <- w + eta (t - t^) x and b <- b + eta (t - t^), where
    /// t^ = 1 if w^T x + b >= 0 else 0. Returns the number of examples that had a mistake.
    /// Only for networks without hidden layers (a step has no useful gradient).
    public mutating func perceptronEpoch(_ examples: Examples<S>, order: [Int], learningRate: Double) -> Int {
        require(architecture.hidden.isEmpty, "the perceptron rule trains a single layer")
        guard case .classes(let labels, _) = examples.targets else { return 0 }
        let s = shapes[0]
        let eta = S(learningRate)
        let d = s.inputs
        var mistakes = 0
        for i in order {
            let label = Int(labels[i])
            var wrong = false
            for unit in 0..<s.units {
                let t: S = s.units == 1 ? S(label) : (unit == label ? 1 : 0)
                var z = parameters[s.biasOffset + unit]
                for j in 0..<d { z += parameters[s.weightOffset + unit * d + j] * examples.input(i, j) }
                let prediction: S = z >= 0 ? 1 : 0
                let error = t - prediction
                guard error != 0 else { continue }
                wrong = true
                for j in 0..<d { parameters[s.weightOffset + unit * d + j] += eta * error * examples.input(i, j) }
                parameters[s.biasOffset + unit] += eta * error
            }
            if wrong { mistakes += 1 }
        }
        return mistakes
    }
}
