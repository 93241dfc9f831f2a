#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NeuralCore

/// `--log`: one CSV row per epoch with every metric and probe. Written as training runs, so
/// it is never thinned; only a regular file (or a new one) is written.
final class CSVLog {
    private let fd: Int32
    private let path: String

    /// Creates (or empties) `path` and writes the header for `session`'s layers.
    init(path: String, session: TrainingSession) throws {
        self.path = path
        fd = try FileIO.createForWriting(path)
        var columns = ["epoch", "step", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "objective"]
        for (i, layer) in session.architecture.hidden.enumerated() {
            let p = "layer\(i + 1)"
            if layer.activation.canDie { columns.append("\(p)_dead") }
            if layer.activation.saturates { columns.append("\(p)_saturation") }
            columns += ["\(p)_grad_norm", "\(p)_update_ratio"]
        }
        try append(columns)
    }

    deinit { _ = Glibc.close(fd) }

    /// The row of the session's latest epoch.
    func write(_ session: TrainingSession) throws {
        let m = session.metrics
        func number(_ x: Double?) -> String { x.map { "\($0)" } ?? "" }
        var cells = ["\(m.epoch)", "\(m.step)", number(m.train.meanLoss), number(m.test?.meanLoss),
                     number(m.train.accuracy), number(m.test?.accuracy), number(m.objective)]
        for p in session.probeHistory.last ?? [] {
            if let dead = p.deadUnits { cells.append("\(dead)") }
            if let s = p.saturation { cells.append(number(s)) }
            cells += [number(p.gradientNorm), number(p.updateRatio)]
        }
        try append(cells)
    }

    /// Flushes the file to disk.
    func close() throws {
        guard fsync(fd) == 0 || errno == EINVAL else { throw NNLabError("--log: cannot write \(path): \(String(cString: strerror(errno)))") }
    }

    private func append(_ cells: [String]) throws {
        try flagged("--log") { try FileIO.writeAll(fd, Array((cells.joined(separator: ",") + "\n").utf8), path: path) }
    }
}
