import Foundation
/// Counts of (true class, predicted class) pairs.
public struct ConfusionMatrix: Sendable, Equatable {
    /// Number of classes.
    public let classes: Int
    /// `counts[actual * classes + predicted]`.
    public private(set) var counts: [Int]

    /// An empty matrix for `classes` classes.
    public init(classes: Int) {
        self.classes = classes
        counts = [Int](repeating: 0, count: classes * classes)
    }

    /// Examples of class `actual` predicted as `predicted`.
    public subscript(actual: Int, predicted: Int) -> Int { counts[actual * classes + predicted] }

    mutating func add(actual: Int, predicted: Int) {
        guard actual >= 0, actual < classes, predicted >= 0, predicted < classes else { return }
        counts[actual * classes + predicted] += 1
    }
}

/// Loss and accuracy of a network over a set of examples.
public struct Evaluation: Sendable, Equatable {
    /// Mean per-example loss (without the regularisation term).
    public var meanLoss: Double
    /// Fraction classified correctly (nil for regression).
    public var accuracy: Double?
    /// Number of examples.
    public var count: Int
    /// True against predicted classes (nil for regression).
    public var confusion: ConfusionMatrix?

    /// An evaluation from its parts.
    public init(meanLoss: Double, accuracy: Double?, count: Int, confusion: ConfusionMatrix? = nil) {
        self.meanLoss = meanLoss
        self.accuracy = accuracy
        self.count = count
        self.confusion = confusion
    }
}

extension Network {
    /// The objective J(W, b) over `examples`: mean per-example loss plus the L1 and L2 terms.
    public func objective(_ examples: Examples<S>, l1: Double = 0, l2: Double = 0) -> Double {
        evaluate(examples).meanLoss + regularizationPenalty(l1: l1, l2: l2)
    }

    /// Mean loss and accuracy over `examples`, in chunks through `workspace` (or a temporary one).
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func evaluate(_ examples: Examples<S>, workspace: Workspace<S>? = nil, threshold: Double = 0.5) -> Evaluation {
        let count = examples.count
        guard count > 0 else { return Evaluation(meanLoss: 0, accuracy: nil, count: 0) }
        let ws = workspace ?? Workspace(unchecked: architecture, capacity: Swift.min(count, 1024))
        // A single logistic output decides class 1 when a > threshold, that is z > logit(threshold).
        ws.decisionLogit = S(Self.logit(threshold))
        var total = 0.0
        var correct = 0
        let isClassifier = architecture.output.isClassifier && examples.labels != nil
        let classes = Swift.max(examples.classCount ?? 2, architecture.outputs == 1 ? 2 : architecture.outputs)
        var confusion = isClassifier ? ConfusionMatrix(classes: classes) : nil
        var start = 0
        while start < count {
            let end = Swift.min(start + ws.capacity, count)
            ws.load(examples, range: start..<end)
            forward(ws)
            total += computeLoss(ws)
            if isClassifier {
                for c in 0..<ws.m {
                    let predicted = ws.predictedClass(c) ?? -1
                    if predicted == ws.label(c) { correct += 1 }
                    confusion!.add(actual: ws.label(c), predicted: predicted)
                }
            }
            start = end
        }
        return Evaluation(meanLoss: total / Double(count),
                          accuracy: isClassifier ? Double(correct) / Double(count) : nil, count: count, confusion: confusion)
    }

    /// log(t / (1 - t)), the z at which a logistic output equals `t` (0 for 0.5).
    public static func logit(_ t: Double) -> Double {
        let c = Swift.min(Swift.max(t, 1e-12), 1 - 1e-12)
        return t == 0.5 ? 0 : Foundation.log(c / (1 - c))
    }

    /// J(W, b) over all `examples` and its gradient (same layout as `parameters`), computed in
    /// chunks so that any number of examples fits in memory.
    @_specialize(where S == Float)
    @_specialize(where S == Double)
    public func lossAndGradient(_ examples: Examples<S>, l1: Double = 0, l2: Double = 0, mode: PassMode = .evaluation) -> (loss: Double, gradient: [S]) {
        let count = examples.count
        require(count > 0)
        let ws = Workspace<S>(unchecked: architecture, capacity: Swift.min(count, passCapacity(count, mode: mode)))
        ws.mode = mode
        var sum = [Double](repeating: 0, count: parameters.count)
        var total = 0.0
        var start = 0
        while start < count {
            let end = Swift.min(start + ws.capacity, count)
            ws.load(examples, range: start..<end)
            total += forwardBackward(ws, wantLoss: true)
            let weight = Double(end - start) / Double(count)
            for i in 0..<sum.count { sum[i] += Double(ws.gradient[i]) * weight }
            start = end
        }
        for s in shapes {
            for i in s.weightOffset..<s.biasOffset {
                let w = Double(parameters[i])
                sum[i] += l2 * w + l1 * (w > 0 ? 1 : (w < 0 ? -1 : 0))
            }
        }
        return (total / Double(count) + regularizationPenalty(l1: l1, l2: l2), sum.map { S($0) })
    }

    /// Examples per pass over a whole data set in `mode`: all of them as one batch where batch
    /// norm trains on the batch's statistics, else chunks of 4096.
    func passCapacity(_ count: Int, mode: PassMode) -> Int {
        mode.training && shapes.contains { $0.norm == .batch } ? Swift.min(count, Workspace<S>.maxCapacity) : Swift.min(count, 4096)
    }
}
