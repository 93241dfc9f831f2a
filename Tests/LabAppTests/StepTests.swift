import Formatting
import Foundation
import GoldenSupport
import LabApp
import LabRendering
import Lessons
import NeuralCore
import Testing

/// The step-through: the trace of the lecture's 2-2-1 logistic XOR network checked number by
/// number against the formulas computed here independently, its text, and the screen.
@Suite struct StepTests {
    /// 2-2-1, logistic hidden and output units, cross-entropy: W(1), b(1), W(2), b(2).
    static let W1 = [[1.0, -2.0], [0.5, 1.5]], b1 = [0.1, -0.2], W2 = [2.0, -1.0], b2 = 0.3
    static var network: Network<Double> {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 2, activation: .logistic)], outputs: 1, output: .logistic, loss: .crossEntropy)
        return try! Network(architecture: arch, parameters: W1[0] + W1[1] + b1 + W2 + [b2])
    }

    static func sigma(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    @Test func xorTraceMatchesTheFormulas() {
        let x = [1.0, 0.0], y = 1.0, eta = 0.5
        let trace = try! Self.network.trace(input: x, label: 1, learningRate: eta)
        // Forward, by hand.
        let z2 = (0..<2).map { i in Self.W1[i][0] * x[0] + Self.W1[i][1] * x[1] + Self.b1[i] }   // 1.1, 0.3
        let a2 = z2.map(Self.sigma)
        let z3 = Self.W2[0] * a2[0] + Self.W2[1] * a2[1] + Self.b2
        let a3 = Self.sigma(z3)
        let J = -(y * log(a3) + (1 - y) * log(1 - a3))
        // Backward, by hand.
        let d3 = a3 - y
        let gW2 = a2.map { d3 * $0 }
        let d2 = (0..<2).map { i in Self.W2[i] * d3 * a2[i] * (1 - a2[i]) }
        let gW1 = [d2[0] * x[0], d2[0] * x[1], d2[1] * x[0], d2[1] * x[1]]
        let W1after = zip(Self.W1[0] + Self.W1[1], gW1).map { $0 - eta * $1 }
        let W2after = zip(Self.W2, gW2).map { $0 - eta * $1 }

        func value(_ kind: TraceEntry.Kind) -> [Double] {
            trace.entries.first { $0.kind == kind }!.value.values
        }
        func same(_ a: [Double], _ b: [Double]) -> Bool { a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) } }
        #expect(same(z2, [1.1, 0.3]), "the hand computation itself: z(2) = (1*1 - 2*0 + 0.1, 0.5*1 + 1.5*0 - 0.2)")
        #expect(same(value(.input), x))
        #expect(same(value(.z(2)), z2))
        #expect(same(value(.a(2)), a2))
        #expect(same(value(.z(3)), [z3]))
        #expect(same(value(.a(3)), [a3]))
        #expect(same(value(.loss), [J]))
        #expect(same(value(.delta(3)), [d3]))
        #expect(same(value(.gradW(2)), gW2))
        #expect(same(value(.gradB(2)), [d3]))
        #expect(same(value(.delta(2)), d2))
        #expect(same(value(.gradW(1)), gW1))
        #expect(same(value(.gradB(1)), d2))
        #expect(same(value(.updatedW(1)), W1after))
        #expect(same(value(.updatedW(2)), W2after))
        // The update lowers this example's loss.
        #expect(trace.lossAfterUpdate! < J)
        // Rounded, as the golden text shows them (computed with a calculator): a(3) = 0.7731, J = 0.2573, delta(3) = -0.2269.
        #expect(abs(a3 - 0.7731) < 5e-5 && abs(J - 0.2573) < 5e-5 && abs(d3 + 0.2269) < 5e-5)

        if let problem = Golden.check("step-xor-221-ascii.txt", Lab.traceText(trace, width: 100, theme: .plain)) { Issue.record(Comment(rawValue: problem)) }
        if let problem = Golden.check("step-xor-221-unit2.txt", Lab.traceText(trace, width: 100, unit: 1, theme: .plain)) { Issue.record(Comment(rawValue: problem)) }
    }

    static func lab() throws -> Lab {
        let lab = try LabTests.lab(ShippedLessons.defaultName)
        lab.trainSynchronously(epochs: 300)
        return lab
    }

    @Test func keysMoveThroughTheTrace() throws {
        let lab = try Self.lab()
        lab.handle(.char("f"))
        // The first example with every input non-zero: XOR's (1, 1), so grad W(1) has no zero column.
        #expect(lab.state.stepping == StepCursor(point: 3))
        #expect(lab.points[3].x == 1 && lab.points[3].y == 1)
        for _ in 0..<5 { lab.handle(.char("n")) }
        #expect(lab.state.stepping?.index == 5)
        lab.handle(.char("p"))
        #expect(lab.state.stepping?.index == 4)
        lab.handle(.end)
        #expect(lab.state.stepping?.index == 16, "17 computations for a 2-2-1 network with an update")
        lab.handle(.char("n"))
        #expect(lab.state.stepping?.index == 16, "stays at the end")
        lab.handle(.home)
        lab.handle(.char("N"))
        let afterLayer = lab.state.stepping!.index
        #expect(afterLayer == 1, "a(1) is its own layer; N goes on to z(2)")
        lab.handle(.char("N"))
        #expect(lab.state.stepping?.index == 3, "z(2) and a(2) are layer 2; N goes on to z(3)")
        lab.handle(.char("P"))
        #expect(lab.state.stepping?.index == 1)
        // Examples: tab cycles, arrows move to the nearest point in that direction.
        lab.handle(.tab)
        #expect(lab.state.stepping?.point == 0, "tab cycles on from the last example to the first")
        let start = lab.points[lab.state.stepping!.point]
        lab.handle(.right)
        let moved = lab.points[lab.state.stepping!.point]
        if lab.points.contains(where: { $0.x > start.x }) { #expect(moved.x > start.x, "right moves to a point further right") }
        else { #expect(moved == start, "nothing further right: the cursor stays") }
        lab.handle(.char("u"))
        #expect(lab.state.stepping?.unitMode == true)
        lab.handle(.char("j"))
        #expect(lab.state.stepping?.unit == 1)
        lab.handle(.escape)
        #expect(lab.state.stepping == nil)
        #expect(lab.controller.snapshot.status == .paused)
    }

    @Test func screenGoldens() throws {
        let lab = try Self.lab()
        lab.handle(.char("f"))
        lab.handle(.tab)
        for _ in 0..<3 { lab.handle(.char("n")) }
        let vector = lab.compose(width: 120, height: 40, theme: .unicodeMono).plainText
        #expect(vector.contains("z(3) = W(2) a(2) + b(2)"))
        if let problem = Golden.check("step-120x40-vector.txt", vector) { Issue.record(Comment(rawValue: problem)) }
        for _ in 0..<6 { lab.handle(.char("n")) }
        lab.handle(.char("u"))
        lab.handle(.char("j"))
        let unit = lab.compose(width: 120, height: 40, theme: .unicodeMono).plainText
        #expect(unit.contains("delta(2)_2 = (sum_j W(2)_j2 delta(3)_j) f'(z(2)_2)"))
        if let problem = Golden.check("step-120x40-unit.txt", unit) { Issue.record(Comment(rawValue: problem)) }
        let small = lab.compose(width: 80, height: 24, theme: .plain).plainText
        if let problem = Golden.check("step-80x24-ascii.txt", small) { Issue.record(Comment(rawValue: problem)) }
    }
}

/// Every shipped lesson (every activation and output: maxout, softmax with K classes, step,
/// identity) steps through from the first computation to the last, in both modes, at the
/// smallest screen, without a crash and with every gradient confirmed.
@Suite struct StepEveryLessonTests {
    @Test(arguments: ShippedLessons.names)
    func stepsThroughEveryLesson(_ name: String) throws {
        let lab = try LabTests.lab(name)
        lab.handle(.char("f"))
        guard lab.state.stepping != nil else { Issue.record("no step-through"); return }
        lab.handle(.end)
        let count = lab.state.stepping!.index + 1
        lab.handle(.home)
        for k in 0..<count {
            for mode in 0..<2 {
                let text = lab.compose(width: 80, height: 24, theme: .plain).plainText
                #expect(text.contains("\(k + 1)/\(count)"), "\(name) step \(k + 1)")
                #expect(!text.contains("nan") && !text.contains("NaN"), "\(name) step \(k + 1)")
                if mode == 0 {
                    // On a wide screen the check line shows whole: "... max relative error 3e-11 ok".
                    let wide = lab.compose(width: 200, height: 60, theme: .plain).plainText
                    #expect(!wide.contains("(check the derivative)"), "\(name) step \(k + 1): backpropagation disagrees with finite differences")
                    // A gradient step (its panel's right title is "grad W(l)" or "grad b(l)") shows its check.
                    let isGradient = wide.split(separator: "\n").contains { $0.contains("Backward pass") && $0.contains(" grad ") }
                    if isGradient { #expect(wide.contains("(backpropagation is exact)"), "\(name) step \(k + 1): the check is shown") }
                }
                if mode == 0 { lab.handle(.char("u")) } else { lab.handle(.char("u")) }
            }
            lab.handle(.char("n"))
        }
        #expect(lab.state.stepping?.index == count - 1)
    }
}

/// Predict, then reveal: the quiz's questions, marks and score, in the lab and as rules.
@Suite struct QuizTests {
    @Test func marksWithinOnePercentOrAHundredth() {
        #expect(Quiz.isRight(3.9, 3.935) && !Quiz.isRight(3.8, 3.935))
        #expect(Quiz.isRight(0.009, 0) && !Quiz.isRight(0.011, 0))
        #expect(Quiz.isRight(-101, -100) && !Quiz.isRight(-102, -100))
        #expect(Quiz.parse(" 2.5e-1 ") == 0.25 && Quiz.parse("abc") == nil && Quiz.parse("nan") == nil)
    }

    /// A network with a layer norm and a skip: the step-through shows mu, sigma^2 and zhat
    /// between z and a, the quiz asks them, and a right answer for mu(3) is marked right.
    @Test func stepThroughAndQuizWithANormAndASkip() throws {
        let lab = try LabTests.lab("06a-spiral-deep") {
            $0.variants = []
            $0.configuration.hidden[1].norm = .layer
            $0.configuration.hidden[1].skip = 1
        }
        lab.trainSynchronously(epochs: 3)
        lab.handle(.char("f"))
        let trace = try #require(lab.currentTrace)
        let kinds = trace.entries.map(\.kind)
        #expect(Array(kinds.prefix(8)) == [.input, .z(2), .a(2), .z(3), .mean(3), .variance(3), .zhat(3), .a(3)])
        for _ in 0..<4 { lab.handle(.char("n")) }
        var screen = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(screen.contains("mu(3) = (1/8) sum_i z(3)_i") && screen.contains("layer norm: over the 8 units"), "\(screen)")
        for _ in 0..<3 { lab.handle(.char("n")) }
        screen = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(screen.contains("a(3) = relu(zhat(3)) + a(2)"), "\(screen)")
        let questions = Quiz.questions(trace)
        let mu = try #require(questions.first { $0.name == "mu(3)" })
        // z(2) and a(2) of 8 units each, then z(3) (8): mu(3) is the 25th question.
        #expect(questions.firstIndex(of: mu) == 24 && mu.entry == 4)
        // The quiz at mu(3): its value hidden, then marked right within 1%.
        for _ in 0..<3 { lab.handle(.char("p")) }
        lab.handle(.char("Q"))
        lab.handle(.char("n"))
        #expect(lab.state.stepping?.index == 4)
        screen = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(screen.contains("mu(3) = _   predict it from the numbers above"), "\(screen)")
        for c in NumberFormat.fixed(mu.value, decimals: 4, trim: false) { lab.handle(.char(c)) }
        lab.handle(.enter)
        #expect(lab.state.notice?.hasPrefix("right: mu(3)") == true, "\(lab.state.notice ?? "")")
    }

    @Test func labQuizTypesChecksAndScores() throws {
        let lab = try LabTests.lab("18-xor-by-hand")
        lab.handle(.char("f"))
        lab.handle(.char("Q"))
        #expect(lab.state.quiz != nil)
        let trace = try #require(lab.currentTrace)
        let questions = Quiz.questions(trace)
        #expect(questions.first?.name == "z(2)_1" && questions.first?.entry == 1)
        // The given input a(1) = x is shown; n moves to z(2), whose values are hidden.
        lab.handle(.char("n"))
        var screen = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(screen.contains("z(2)_1 = _   predict it from the numbers above"))
        let z = questions[0].value, z2 = questions[1].value
        // The result's column holds "?" for both values until they are answered.
        let hidden = screen.split(separator: "\n").filter { $0.contains("[      ? ]") }
        #expect(hidden.count == 2, "the value is hidden until answered: \(hidden)")
        // What it is computed from is shown: W(1), a(1) and b(1) beside the hidden result.
        #expect(screen.contains("W(1)") && screen.contains("a(1)") && screen.contains("b(1)") && screen.contains("?"), "the operands are shown")
        #expect(!screen.contains("z(2) = z(2)"), "the formula is written once")
        // n waits for the answer.
        lab.handle(.char("n"))
        #expect(lab.state.stepping?.index == 1 && lab.state.notice?.hasPrefix("predict it first") == true)
        // A right answer (within 1%), then a wrong one.
        for c in NumberFormat.fixed(z, decimals: 2, trim: false) { lab.handle(.char(c)) }
        lab.handle(.enter)
        #expect(lab.state.notice?.hasPrefix("right: z(2)_1") == true)
        for c in "123" { lab.handle(.char(c)) }
        lab.handle(.backspace)
        lab.handle(.enter)
        #expect(lab.state.notice == "wrong: z(2)_2 = \(NumberFormat.compact(z2, significant: 4)) (you said 12)  (score 1/2)")
        // Revealed now: the values are shown and n goes on.
        screen = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(screen.contains("quiz 1/2"))
        lab.handle(.char("n"))
        #expect(lab.state.stepping?.index == 2)
        // Not a number: asked again, not counted.
        lab.handle(.char("-"))
        lab.handle(.enter)
        #expect(lab.state.notice?.contains("is not a number") == true && lab.state.quiz?.score.asked == 2)
        lab.handle(.char("Q"))
        #expect(lab.state.quiz == nil && lab.state.notice == "quiz over: 1 of 2 right")
    }

    @Test func aLessonCanOpenInQuizMode() throws {
        let lab = try LabTests.lab("18-xor-by-hand") { $0.view.quiz = true }
        #expect(lab.state.stepping != nil && lab.state.quiz != nil)
    }
}

/// The chain-rule screen: n reveals the values in order, + and - change x, goldens.
@Suite struct ChainScreenTests {
    @Test func revealsAndChangesX() throws {
        let lab = try LabTests.lab("22-chain-rule")
        #expect(lab.state.chain == ChainCursor())
        var screen = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(screen.contains("x = 1") && screen.contains("1/20 values shown"))
        for _ in 0..<3 { lab.handle(.char("n")) }
        screen = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(screen.contains("dg/dx = 3x^2 + 2        = 5") && !screen.contains("df/dg = 4g - 3          = 9"))
        for _ in 0..<30 { lab.handle(.char("n")) }
        #expect(lab.state.chain?.shown == 20)
        if let problem = Golden.check("chain-120x40-unicode.txt", lab.compose(width: 120, height: 40, theme: .unicodeMono).plainText) {
            Issue.record(Comment(rawValue: problem))
        }
        if let problem = Golden.check("chain-80x24-ascii.txt", lab.compose(width: 80, height: 24, theme: .plain).plainText) {
            Issue.record(Comment(rawValue: problem))
        }
        lab.handle(.char("+"))
        lab.handle(.char("+"))
        screen = lab.compose(width: 160, height: 50, theme: .plain).plainText
        #expect(screen.contains("x = 2") && screen.contains("df/dx = 630") && screen.contains("df/dx = the sum over the paths = 0 + (-108) = -108"))
        lab.handle(.escape)
        #expect(lab.state.chain == nil)
        lab.handle(.char("K"))
        #expect(lab.state.chain != nil)
    }
}

/// The minibatch view (`m` in the step-through): the lesson's batch of training examples from
/// the chosen one, through the vectorised pass; its first column is the one example's pass.
@Suite struct BatchViewTests {
    @Test func minibatchViewShowsTheVectorisedPass() throws {
        let lab = try LabTests.lab("21-vectorised-minibatch")
        lab.trainSynchronously(epochs: 5)
        lab.handle(.char("f"))
        let single = try #require(lab.currentTrace)
        lab.handle(.char("m"))
        #expect(lab.state.stepping?.batchScroll == 0)
        let batch = try #require(lab.currentBatch)
        #expect(batch.m == min(lab.configuration.settings.batchSize, 8))
        // Column 1 is the chosen example: its z(2) and delta(2) are the step-through's.
        let z2 = try #require(single.entries.first { $0.kind == .z(2) }).value.values
        let d2 = try #require(single.entries.first { $0.kind == .delta(2) }).value.values
        for i in z2.indices {
            #expect(abs(batch.Z[0].values[i * batch.m] - z2[i]) < 1e-5 * max(1, abs(z2[i])))
            // delta(l) is per example (the 1/m comes in the gradients), so its column matches too.
            #expect(abs(batch.Delta[0].values[i * batch.m] - d2[i]) < 1e-5 * max(1, abs(d2[i])))
        }
        let screen = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(screen.contains("Minibatch: m = \(batch.m), one example per column"), "\(screen)")
        #expect(screen.contains("A(1) = X    (2 x \(batch.m))"), "\(screen)")
        #expect(screen.contains("minibatch of \(batch.m)"))
        // n goes matrix by matrix; the view scrolls and ends at the last page.
        lab.handle(.char("n")); lab.handle(.char("n"))
        let scrolled = try #require(lab.state.stepping?.batchScroll)
        #expect(scrolled > 0)
        let down = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(down.contains("A(1) = X") && !down.contains("A minibatch of m"), "\(down)")
        lab.handle(.end)
        let last = lab.compose(width: 120, height: 40, theme: .plain).plainText
        #expect(last.contains("one update for the whole batch") && last.contains("Gradient descent then takes"), "\(last)")
        // m leaves the view, esc the step-through.
        lab.handle(.char("m"))
        #expect(lab.state.stepping?.batchScroll == nil && lab.currentBatch == nil)
        #expect(lab.compose(width: 120, height: 40, theme: .plain).plainText.contains("Forward pass"))
    }

    /// A network above `Lab.inlineTraceParameters` gets its trace from another thread: the
    /// screen says so, keys act meanwhile, and the trace that arrives is the one made directly.
    @Test func largeNetworksTraceOnAnotherThread() throws {
        let lab = try LabTests.lab("04-xor-two-hidden-units") { s in
            s.variants = []
            s.configuration.hidden = [HiddenLayer(units: 100, activation: .relu), HiddenLayer(units: 100, activation: .relu)]
        }
        #expect(lab.session.architecture.parameterCount > 10_000)
        lab.handle(.char("f"))
        #expect(lab.state.stepping != nil)
        // Nothing is shown until the reducer takes the finished trace (a key or `tick`), so
        // right after f the screen says the trace is being made; esc acts meanwhile.
        #expect(lab.currentTrace == nil)
        let making = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(making.contains("Making the trace") && making.contains("\(NumberFormat.grouped(lab.session.architecture.parameterCount)) parameters"), "\(making)")
        lab.handle(.escape)
        #expect(lab.state.stepping == nil && lab.currentTrace == nil)
        lab.handle(.char("f"))
        lab.waitForTrace()
        let first = try #require(lab.currentTrace)
        let point = try #require(lab.state.stepping?.point)
        lab.handle(.left)
        let next = try #require(lab.state.stepping?.point)
        #expect(next != point)
        lab.waitForTrace()
        let second = try #require(lab.currentTrace)
        // The trace shown is the chosen example's, as made directly.
        let p = lab.points[next]
        let direct = try lab.snapshot.network.trace(input: [p.x, p.y], label: p.label, learningRate: lab.configuration.settings.learningRate)
        #expect(second.loss == direct.loss && second.input == [p.x, p.y] && first.input != second.input)
        #expect(lab.compose(width: 80, height: 24, theme: .plain).plainText.contains("Forward pass"))
    }
}
