import Foundation
import Formatting
import LabRendering
import NeuralCore
import Synchronization

/// The step-through's keys: open it on an example, move through the computations and the
/// examples, choose by a click. The trace is made here, by the reducer, never while drawing.
extension Lab {
    /// Opens the step-through on the chosen example (the first training point the first time);
    /// training pauses.
    func openStepThrough() {
        guard !points.isEmpty else { state.notice = "there are no points to step through"; return }
        controller.send(.pause)
        var cursor = state.stepping ?? StepCursor(point: defaultStepPoint())
        if let chosen = state.selectedPoint { cursor.point = chosen }
        cursor.point = Swift.min(cursor.point, points.count - 1)
        state.stepping = cursor
        state.notice = nil
        refreshTrace()
    }

    /// The example the step-through opens on the first time: the first training point whose
    /// inputs are all non-zero, so no column of grad W(1) = delta(2) a(1)^T is zero for want
    /// of an input (XOR's (0, 0) would make grad W(1) all zeros); else the one with the most.
    func defaultStepPoint() -> Int {
        var best = 0, bestCount = -1
        for (i, p) in points.enumerated() where !p.isTest {
            let count = input(of: p).filter { $0 != 0 }.count
            if count > bestCount { best = i; bestCount = count }
            if count == input(of: p).count { break }
        }
        return best
    }

    /// The network's input for a data point (its features; x alone for 1-D data; every
    /// coordinate for 3 or more).
    func input(of p: MapPoint) -> [Double] { data.dataset.input(of: p, features: configuration.features) }

    /// Makes the trace again when the chosen point or the weights changed since it was made
    /// (after a key, and every frame: the training thread may publish the paused weights a
    /// moment after `f`). A small network's trace is made at once; a larger one's (more than
    /// `Lab.inlineTraceParameters` parameters, which may take more than a frame) on another
    /// thread, one at a time, while the screen says how far its gradient check has come and
    /// every key still acts.
    func refreshTrace() {
        guard let cursor = state.stepping, cursor.point < points.count else {
            stepTrace = nil; batchTrace = nil; pendingTrace = nil; return
        }
        let snapshot = self.snapshot
        if let t = stepTrace, t.point == cursor.point, t.version == snapshot.version { pendingTrace = nil; refreshBatch(); return }
        if let job = pendingTrace {
            guard let made = job.result else { return }  // the next one starts when this one ends
            pendingTrace = nil
            if job.point == cursor.point && job.version == snapshot.version {
                stepTrace = made.map { StepTrace(trace: $0, point: job.point, version: job.version) }
                refreshBatch()
                return
            }
        }
        let p = points[cursor.point]
        let network = snapshot.network
        let rate = configuration.settings.learningRate
        // The point comes from the network's own data, so its input and target always fit.
        let input = input(of: p)
        let label: Int? = data.dataset.classCount != nil ? p.label : nil
        let target: [Double]? = label == nil ? data.dataset.targets(of: p, outputs: network.architecture.outputs) : nil
        if network.architecture.parameterCount <= Self.inlineTraceParameters {
            let trace = try? network.trace(input: input, label: label, target: target, learningRate: rate)
            stepTrace = trace.map { StepTrace(trace: $0, point: cursor.point, version: snapshot.version) }
            refreshBatch()
        } else {
            pendingTrace = TraceJob(point: cursor.point, version: snapshot.version) { progress in
                try? network.trace(input: input, label: label, target: target, learningRate: rate, progress: progress)
            }
        }
    }

    /// Most parameters of a network whose step-through trace is made within the key press
    /// (2-64-64-2, 4,482 parameters, takes about 3 ms; 2-256-256-2 about 40).
    static let inlineTraceParameters = 10_000

    /// The trace shown: the one made for the chosen example and the weights shown (nil while
    /// another thread is making it).
    var currentStepTrace: StepTrace? {
        guard let t = stepTrace, let cursor = state.stepping, t.point == cursor.point, t.version == snapshot.version else { return nil }
        return t
    }

    /// How far the trace being made has come: entries of the gradient check done and in all.
    var traceProgress: (done: Int, total: Int)? { pendingTrace?.progress }

    /// Waits until a trace being made on another thread is ready and shows it (tests, the
    /// benchmark; the lab's loop polls through `tick` instead).
    public func waitForTrace() {
        while let job = pendingTrace {
            while job.result == nil { usleep(500) }
            refreshTrace()
        }
    }

    /// Most examples the minibatch view shows (its matrices keep one column per example).
    static let batchViewLimit = 8

    /// The minibatch view's examples: the lesson's batch size (at most 8) of training points,
    /// from the chosen one on (from the first when a test point is chosen).
    func batchPoints(from point: Int) -> [Int] {
        let training = points.indices.filter { !points[$0].isTest }
        guard !training.isEmpty else { return [] }
        let m = Swift.max(1, Swift.min(configuration.settings.batchSize, Self.batchViewLimit, training.count))
        let start = training.firstIndex(of: point) ?? 0
        return (0..<m).map { training[(start + $0) % training.count] }
    }

    /// Makes the minibatch view's pass again when its examples or the weights changed.
    func refreshBatch() {
        guard let cursor = state.stepping, cursor.batchScroll != nil else { batchTrace = nil; return }
        let snapshot = self.snapshot
        if let b = batchTrace, b.point == cursor.point, b.version == snapshot.version { return }
        let chosen = batchPoints(from: cursor.point)
        guard !chosen.isEmpty else { batchTrace = nil; return }
        let net = snapshot.network.converted(to: Double.self)
        let inputs = chosen.map { input(of: points[$0]) }
        let trace = data.dataset.classCount != nil
            ? try? net.batchTrace(inputs: inputs, labels: chosen.map { points[$0].label })
            : try? net.batchTrace(inputs: inputs, targets: chosen.map { data.dataset.targets(of: points[$0], outputs: net.architecture.outputs) })
        batchTrace = trace.map { ($0, cursor.point, snapshot.version) }
    }

    /// The minibatch view's keys: scroll by lines, matrices or pages of the view `frame` drew
    /// (without a frame, by a page of 10 lines, over a text as long as the scroll asks).
    func performBatch(_ action: BatchAction, frame: Frame?) {
        guard var cursor = state.stepping, let scroll = cursor.batchScroll else { return }
        // Without a frame (a test, a script), as a 100-column view of 20 rows would show it.
        let layout = frame?.batch ?? batchTrace.map { b in
            let text = StepScreen.batchLines(b.trace, width: 100)
            return (rows: 20, lines: text.lines.count, blocks: text.blocks)
        } ?? (rows: 20, lines: 0, blocks: [])
        let pageRows = layout.rows, lines = layout.lines, blocks = layout.blocks
        let bottom = Swift.max(0, lines - pageRows)
        var next = scroll
        switch action {
        case .scroll(let d): next = scroll + d
        case .page(let d): next = scroll + d * Swift.max(1, pageRows - 2)
        case .end(let last): next = last ? bottom : 0
        case .block(let d):
            next = d > 0 ? blocks.first { $0 > scroll } ?? bottom : blocks.last { $0 < scroll } ?? 0
        }
        cursor.batchScroll = Swift.min(bottom, Swift.max(0, next))
        state.stepping = cursor
    }

    /// The number of the current computation the quiz waits for, if any.
    func pendingQuestion() -> Quiz.Question? {
        guard let quiz = state.quiz, let cursor = state.stepping, let t = currentStepTrace else { return nil }
        return Quiz.questions(t.trace).first { $0.entry == cursor.index && quiz.answers[QuizState.key(cursor.point, $0)] == nil }
    }

    func performQuiz(_ action: QuizAction) {
        switch action {
        case .toggle:
            if let quiz = state.quiz {
                state.quiz = nil
                state.notice = "quiz over: \(quiz.score.right) of \(quiz.score.asked) right"
            } else {
                guard state.stepping != nil else { return }
                state.quiz = QuizState()
                state.notice = "quiz: predict each value, type it, enter (right within 1% or 0.01); Q ends"
            }
        case .type(let c):
            guard pendingQuestion() != nil else { state.notice = "this value is shown: n goes on"; return }
            if (state.quiz?.typed.count ?? 0) < 24 { state.quiz?.typed.append(c) }
        case .erase:
            if pendingQuestion() != nil { _ = state.quiz?.typed.popLast() } else { performStep(.move(-1)) }
        case .submit:
            guard let q = pendingQuestion(), let cursor = state.stepping, var quiz = state.quiz else { performStep(.move(1)); return }
            guard let answer = Quiz.parse(quiz.typed) else {
                state.notice = "\"\(quiz.typed.terminalSafeLine)\" is not a number: type one (digits, -, ., e) and press enter"
                quiz.typed = ""
                state.quiz = quiz
                return
            }
            quiz.answers[QuizState.key(cursor.point, q)] = Quiz.isRight(answer, q.value)
            quiz.typed = ""
            state.quiz = quiz
            state.notice = Quiz.mark(q, answer: answer) + "  (score \(quiz.score.right)/\(quiz.score.asked))"
        }
    }

    func performStep(_ action: StepAction) {
        guard var cursor = state.stepping else { return }
        // The quiz waits for the current value before moving on.
        let forward: Bool = switch action {
        case .move(let d): d > 0
        case .end(let last): last
        case .layer(let d): d > 0
        case .unitMode, .unit, .point, .cycle, .close, .select, .batch: false
        }
        if forward && pendingQuestion() != nil {
            state.notice = "predict it first: type a number and press enter (Q ends the quiz)"
            return
        }
        let trace = stepTrace?.trace
        let count = trace?.entries.count ?? 1
        switch action {
        case .move(let d): cursor.index = Swift.min(count - 1, Swift.max(0, cursor.index + d))
        case .end(let last): cursor.index = last ? count - 1 : 0
        case .layer(let d):
            // Computations come in groups of one layer and phase (z(2) and a(2)); N and P go to
            // the first computation of the next or previous group.
            guard let entries = trace?.entries else { break }
            let starts = entries.indices.filter { $0 == 0 || entries[$0].layer != entries[$0 - 1].layer || entries[$0].phase != entries[$0 - 1].phase }
            let current = starts.last { $0 <= cursor.index } ?? 0
            cursor.index = d > 0 ? starts.first { $0 > current } ?? count - 1 : starts.last { $0 < current } ?? 0
        case .unitMode:
            cursor.unitMode.toggle()
            state.notice = cursor.unitMode ? "unit mode: unit \(cursor.unit + 1)'s sum written out (j/k another unit)" : "vector mode: whole layers"
        case .unit(let d):
            cursor.unitMode = true
            let rows = Swift.max(1, trace?.entries[cursor.index].value.rows ?? 1)
            cursor.unit = ((cursor.unit + d) % rows + rows) % rows
        case .cycle(let d):
            cursor.point = (cursor.point + d + points.count) % points.count
        case .point(let direction):
            cursor.point = nearestPoint(from: cursor.point, direction)
        case .close:
            state.stepping = nil
            stepTrace = nil
            batchTrace = nil
            pendingTrace = nil
            return
        case .batch:
            if cursor.batchScroll == nil {
                if let problem = snapshot.network.batchTraceProblem { state.notice = problem; return }
                cursor.batchScroll = 0
                let m = batchPoints(from: cursor.point).count
                state.notice = "minibatch: \(m) training example\(m == 1 ? "" : "s") from this one, all at once; n/p matrix by matrix, m back to the one example"
            } else {
                cursor.batchScroll = nil
                state.notice = "one example"
            }
        case .select: break  // needs the frame: `StepAction.perform(on:frame:)`
        }
        state.stepping = cursor
        refreshTrace()
    }

    /// A click at a screen cell: the data point nearest to it on the map of `frame` becomes
    /// the chosen example (of the step-through when it is open).
    func selectPoint(atColumn column: Int, row: Int, in frame: Frame?) {
        guard let map = frame?.map, let (px, py) = map.point(column: column, row: row), !points.isEmpty else { return }
        // Distances in cells, so a click means the same in x and y.
        let (sx, sy) = map.cellsPerUnit
        var best = 0
        var bestDistance = Double.infinity
        for (i, p) in points.enumerated() where state.showTest || !p.isTest {
            let d = ((p.x - px) * sx) * ((p.x - px) * sx) + ((p.y - py) * sy) * ((p.y - py) * sy)
            if d < bestDistance { bestDistance = d; best = i }
        }
        if var cursor = state.stepping {
            cursor.point = best
            state.stepping = cursor
            refreshTrace()
        } else {
            state.selectedPoint = best
            state.notice = "example \(best + 1) chosen: the network shows its activations; f steps through it"
        }
    }

    /// The point nearest to point `from` in `direction` (itself when there is none).
    func nearestPoint(from: Int, _ direction: Direction) -> Int {
        let here = points[from]
        let (dx, dy): (Double, Double) = switch direction {
        case .up: (0, 1)
        case .down: (0, -1)
        case .left: (-1, 0)
        case .right: (1, 0)
        }
        var best = from
        var bestScore = Double.infinity
        for (i, p) in points.enumerated() where i != from {
            let along = (p.x - here.x) * dx + (p.y - here.y) * dy
            guard along > 1e-9 else { continue }
            let across = Swift.abs((p.x - here.x) * dy - (p.y - here.y) * dx)
            let score = along + 2 * across
            if score < bestScore { bestScore = score; best = i }
        }
        return best
    }
}

/// A step-through trace being made on another thread: the point and weights it is for, how
/// far its gradient check has come, and the trace (or nil if it failed) once made.
final class TraceJob: @unchecked Sendable {
    let point: Int
    let version: Int
    private let outcome = Mutex<(done: Int, total: Int, made: Trace??)>((0, 0, nil))

    init(point: Int, version: Int, _ make: @escaping @Sendable (@escaping (Int, Int) -> Void) -> Trace?) {
        self.point = point
        self.version = version
        Thread.detachNewThread { [self] in
            let trace = make { done, total in self.outcome.withLock { $0.done = done; $0.total = total } }
            outcome.withLock { $0.made = .some(trace) }
        }
    }

    /// Entries of the gradient check done and in all (0 of 0 before it starts).
    var progress: (done: Int, total: Int) { outcome.withLock { ($0.done, $0.total) } }
    /// The trace (nil inside if it could not be made) once made; nil before.
    var result: Trace?? { outcome.withLock { $0.made } }
}

/// The step-through's trace of one example, and the point and weights it was made for.
struct StepTrace {
    let trace: Trace
    let point: Int
    let version: Int
}
