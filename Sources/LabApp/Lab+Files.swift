import Foundation
import LabRendering
import NeuralCore
import Synchronization

/// Saving the model (w) and loading one (o), which reads the file on another thread.
extension Lab {
    func saveModel(to path: String) {
        do {
            let network = snapshot.network
            let lesson = "{\"lesson\":\"\(scenario.name)\",\"epoch\":\(snapshot.epoch)}"
            try ModelFile.save(network, to: path, extras: [("nnlab", lesson)])
            state.notice = "saved the model to \(path)"
        } catch {
            state.overlay = .message(title: "Cannot save", lines: ["\(error)", "", "The model was not written; nothing was overwritten."])
        }
    }

    /// Starts reading the model file on another thread: a large file takes seconds to parse,
    /// and the lab must answer keys (q) meanwhile. `tick` installs it when it is read.
    func loadModel(from path: String) {
        let loading = ModelLoad(path: path)
        pendingLoad = loading
        state.notice = "loading \(path)..."
    }

    /// Installs a model read by `ModelLoad`, if one has finished (called every frame).
    func finishLoading() {
        guard let loading = pendingLoad, let result = loading.result else { return }
        pendingLoad = nil
        switch result {
        case .success(let network): adoptModel(network, from: loading.path)
        case .failure(let error): state.overlay = .message(title: "Cannot load the model", lines: ["\(error)"])
        }
    }

    /// Waits until a model being loaded is read and installs it (tests; the lab's loop
    /// polls through `tick` instead).
    public func waitForLoading() {
        while let loading = pendingLoad, loading.result == nil { usleep(1000) }
        finishLoading()
    }

    private func adoptModel(_ network: Network<Float>, from path: String) {
        do {
            var c = configuration
            let arch = network.architecture
            guard arch.inputs == session.architecture.inputs else {
                throw NNLabError("\(path): the model takes \(arch.inputs) inputs, but the data and features here give \(session.architecture.inputs)")
            }
            c.hidden = arch.hidden
            c.output = arch.output
            c.loss = arch.loss
            guard c.architecture(for: data.dataset) == arch else {
                throw NNLabError("\(path): the model has \(arch.outputs) output(s) for \(arch.output.rawValue), which does not fit the data here")
            }
            let newSession = try TrainingSession(c, model: network)
            configuration = c
            model = network
            install(newSession, running: false)
            state.notice = "loaded \(path): \(arch.description(arrow: "->"))"
        } catch {
            state.overlay = .message(title: "Cannot load the model", lines: ["\(error)"])
        }
    }
}

/// A model file read on its own thread, so that the lab's loop keeps answering keys.
final class ModelLoad: @unchecked Sendable {
    /// The file.
    let path: String
    private let outcome = Mutex<Result<Network<Float>, Error>?>(nil)

    /// Starts reading `path`.
    init(path: String) {
        self.path = path
        Thread.detachNewThread { [self] in
            let read = Result { try ModelFile.load(path) as Network<Float> }
            outcome.withLock { $0 = read }
        }
    }

    /// The model or the error, once the file is read; nil before.
    var result: Result<Network<Float>, Error>? { outcome.withLock { $0 } }
}
