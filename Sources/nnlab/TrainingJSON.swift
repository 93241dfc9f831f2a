import NeuralCore

/// The settings of a run as JSON, stored beside the weights in saved models.
func trainingJSON(_ session: TrainingSession) -> String {
    let s = session.trainer.settings
    let c = session.configuration
    var data = ""
    switch c.data {
    case .generated(let spec):
        data = "\"dataset\": \(jsonString(spec.kind.rawValue)), \"noise\": \(spec.noise), \"points\": \(spec.count)"
    case .file(let path):
        data = "\"data\": \(jsonString(path))"
    }
    return "{\(data), \"features\": \(jsonString(c.features.description)), \"optimizer\": \(jsonString(s.optimizer.description)), "
        + "\"learning_rate\": \(s.learningRate), \"batch\": \(s.batchSize), \"l1\": \(s.l1), \"l2\": \(s.l2), "
        + "\"epochs\": \(session.trainer.epoch), \"steps\": \(session.trainer.stepCount), \"seed\": \(c.seed)}"
}

