/// A set of training examples in one precision: inputs row by row, and their targets.
public struct Examples<S: NNScalar>: Sendable {
    /// What the network should output for each example.
    public enum Targets: Sendable, Equatable {
        /// A class index per example (0/1 for one logistic unit, 0..K-1 for K outputs).
        case classes([Int32], classCount: Int)
        /// `width` real values per example, row by row (regression).
        case values([S], width: Int)
    }

    /// Number of input values per example.
    public let inputWidth: Int
    /// `count x inputWidth` inputs, example by example.
    public private(set) var x: [S]
    /// The targets.
    public private(set) var targets: Targets

    /// Examples from row-major inputs and targets; throws unless the counts match (one target
    /// row per input row) and the labels are within the classes.
    public init(inputWidth: Int, x: [S], targets: Targets) throws {
        guard inputWidth > 0, x.count % inputWidth == 0 else {
            throw NNLabError("\(x.count) input values do not make rows of \(inputWidth)")
        }
        let rows = x.count / inputWidth
        switch targets {
        case .classes(let labels, let k):
            guard labels.count == rows else { throw NNLabError("\(rows) examples but \(labels.count) labels") }
            guard k >= 1, labels.allSatisfy({ $0 >= 0 && Int($0) < Swift.max(k, 2) }) else {
                throw NNLabError("labels must be between 0 and \(Swift.max(k, 2) - 1)")
            }
        case .values(let v, let width):
            guard width >= 1, v.count == width * rows else { throw NNLabError("\(rows) examples but \(v.count) target values (width \(width))") }
        }
        self.init(unchecked: inputWidth, x: x, targets: targets)
    }

    /// Examples known to fit (built by the core from checked data).
    init(unchecked inputWidth: Int, x: [S], targets: Targets) {
        require(inputWidth > 0 && x.count % inputWidth == 0)
        self.inputWidth = inputWidth
        self.x = x
        self.targets = targets
        switch targets {
        case .classes(let labels, _): require(labels.count == x.count / inputWidth)
        case .values(let v, let width): require(v.count == width * (x.count / inputWidth))
        }
    }

    /// Number of examples.
    public var count: Int { x.count / inputWidth }

    /// The class labels, if these are classification examples.
    public var labels: [Int32]? {
        if case .classes(let labels, _) = targets { return labels }
        return nil
    }

    /// Number of classes (nil for regression).
    public var classCount: Int? {
        if case .classes(_, let k) = targets { return k }
        return nil
    }

    /// Input `j` of example `i`.
    public func input(_ i: Int, _ j: Int) -> S { x[i * inputWidth + j] }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: some Collection<Int>) -> Examples {
        var xs = [S]()
        xs.reserveCapacity(indices.count * inputWidth)
        for i in indices { xs.append(contentsOf: x[i * inputWidth..<(i + 1) * inputWidth]) }
        switch targets {
        case .classes(let labels, let k):
            return Examples(unchecked: inputWidth, x: xs, targets: .classes(indices.map { labels[$0] }, classCount: k))
        case .values(let v, let w):
            var vs = [S]()
            for i in indices { vs.append(contentsOf: v[i * w..<(i + 1) * w]) }
            return Examples(unchecked: inputWidth, x: xs, targets: .values(vs, width: w))
        }
    }

    /// The same examples in another precision.
    public func converted<T: NNScalar>(to _: T.Type = T.self) -> Examples<T> {
        let t: Examples<T>.Targets
        switch targets {
        case .classes(let labels, let k): t = .classes(labels, classCount: k)
        case .values(let v, let w): t = .values(v.map { T($0) }, width: w)
        }
        return Examples<T>(unchecked: inputWidth, x: x.map { T($0) }, targets: t)
    }

    /// Why these examples cannot train `architecture`, or nil if they can.
    public func incompatibility(with architecture: Architecture) -> String? {
        if inputWidth != architecture.inputs {
            return "the network has \(architecture.inputs) input\(architecture.inputs == 1 ? "" : "s") but the data has \(inputWidth) input column\(inputWidth == 1 ? "" : "s")"
        }
        switch (targets, architecture.output) {
        case (.values, .identity):
            if case .values(_, let w) = targets, w != architecture.outputs {
                return "the network has \(architecture.outputs) outputs but the data has \(w) target values per row"
            }
        case (.values, _):
            return "the data has real-valued targets but the network's output is \(architecture.output.rawValue); regression needs an identity output"
        case (.classes, .identity):
            return "the data has class labels but the network's output is identity; use logistic or softmax"
        case (.classes(let labels, let k), _):
            let outputs = architecture.outputs
            if outputs == 1 {
                if k > 2 || labels.contains(where: { $0 > 1 }) {
                    return "one \(architecture.output.rawValue) output unit takes labels 0 and 1, but the data has \(k) classes; use softmax with \(k) outputs"
                }
            } else if k > outputs || labels.contains(where: { Int($0) >= outputs }) {
                return "the network has \(outputs) output units but the data has labels up to \(labels.max() ?? 0)"
            }
        }
        return nil
    }
}
