import Formatting
import NeuralCore

/// Predict, then reveal: the step-through's quiz. Every value of a computation with at most
/// `maxAsked` numbers is asked in turn (a vector entry by entry); larger ones (a big weight
/// gradient) are shown. An answer is right within 1% of the value or 0.01.
public enum Quiz {
    /// Most numbers of one computation that are asked (the rest is revealed).
    public static let maxAsked = 8

    /// One number to predict.
    public struct Question: Sendable, Equatable {
        /// The computation (index into the trace's entries).
        public let entry: Int
        /// The number's position in the computation's matrix, row by row.
        public let element: Int
        /// "z(2)_1", "grad W(1)[1,2]", "J".
        public let name: String
        public let value: Double
    }

    /// The questions of `trace`, in order (the input a(1) = x is given, not asked).
    public static func questions(_ trace: Trace) -> [Question] {
        var out: [Question] = []
        for (i, e) in trace.entries.enumerated() where i > 0 && e.value.values.count <= maxAsked {
            let m = e.value
            for k in 0..<m.values.count {
                let name: String
                if m.values.count == 1 { name = e.symbol }
                else if m.cols == 1 { name = "\(e.symbol)_\(k + 1)" }
                else { name = "\(e.symbol)[\(k / m.cols + 1),\(k % m.cols + 1)]" }
                out.append(Question(entry: i, element: k, name: name, value: m.values[k]))
            }
        }
        return out
    }

    /// True when `answer` is within 1% of `value` or within 0.01 of it.
    public static func isRight(_ answer: Double, _ value: Double) -> Bool {
        let error = Swift.abs(answer - value)
        return error <= 0.01 || error <= 0.01 * Swift.abs(value)
    }

    /// A typed answer as a number (nil when it is not one).
    public static func parse(_ text: String) -> Double? {
        guard let v = Double(text.trimmingCharacters(in: .whitespaces)), v.isFinite else { return nil }
        return v
    }

    /// "right: z(2)_1 = 0.7311" or "wrong: z(2)_1 = 0.7311 (you said 0.5)".
    public static func mark(_ q: Question, answer: Double) -> String {
        let value = NumberFormat.compact(q.value, significant: 4)
        return isRight(answer, q.value) ? "right: \(q.name) = \(value)" : "wrong: \(q.name) = \(value) (you said \(NumberFormat.compact(answer, significant: 4)))"
    }
}

/// The quiz's answers in the lab, by example, computation and number.
public struct QuizState: Sendable, Equatable {
    /// "point:entry:element" -> right or not.
    public var answers: [String: Bool] = [:]
    /// What is being typed.
    public var typed = ""

    public init() {}

    static func key(_ point: Int, _ q: Quiz.Question) -> String { "\(point):\(q.entry):\(q.element)" }

    /// Right answers and answers given.
    public var score: (right: Int, asked: Int) { (answers.values.filter { $0 }.count, answers.count) }
}
