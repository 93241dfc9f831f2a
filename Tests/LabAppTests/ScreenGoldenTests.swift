import GoldenSupport
import LabApp
import LabRendering
import Lessons
import Testing

/// Every main screen at 80x24 (ASCII), 120x40 and 200x60 (Unicode), compared line by line
/// with golden text, and each showing the legend of what it draws: the classes, the map's
/// boundary, the weights' key, every chart line.
@Suite struct ScreenGoldenTests {
    static let sizes: [(width: Int, height: Int, theme: Theme, name: String)] = [
        (80, 24, .plain, "80x24-ascii"), (120, 40, .unicodeMono, "120x40-unicode"), (200, 60, .unicodeMono, "200x60-unicode"),
    ]

    /// A screen: how to reach it, and the legend words it must show at every size.
    struct Screen: Sendable, CustomTestStringConvertible {
        let name: String
        let lesson: String
        let epochs: Int
        let keys: [KeyEvent]
        let legend: [String]
        var testDescription: String { name }
    }

    static let screens: [Screen] = [
        Screen(name: "dashboard", lesson: "04-xor-two-hidden-units", epochs: 300, keys: [], legend: ["class 0", "class 1", "P=0.5", "w<0", "train"]),
        Screen(name: "compare", lesson: "06a-spiral-deep", epochs: 20, keys: [], legend: ["class 0", "P=0.5", "loss train", "deep", "wide"]),
        Screen(name: "present", lesson: "04-xor-two-hidden-units", epochs: 300, keys: [.char("p")], legend: ["class 0", "P=0.5", "train", "p returns"]),
        Screen(name: "step", lesson: "04-xor-two-hidden-units", epochs: 300, keys: [.char("f")] + Array(repeating: .char("n"), count: 9),
               legend: ["class 0", "w<0", "delta(2)", "So far"]),
        Screen(name: "quiz", lesson: "04-xor-two-hidden-units", epochs: 300, keys: [.char("f"), .char("Q"), .char("n")],
               legend: ["class 0", "W(1)", "b(1)", "?", "z(2)_1 = ", "predict it"]),
        Screen(name: "hidden", lesson: "04-xor-two-hidden-units", epochs: 300, keys: [.char("v"), .char("v")],
               legend: ["class 0", "output P=0.5", "a(2)_1", "a(2)_2"]),
        Screen(name: "curve", lesson: "11c-universal-approximation-10", epochs: 300, keys: [],
               legend: ["network F(x)", "target f(x)", "alpha_i a(2)_i", "data", "train"]),
        Screen(name: "editor", lesson: "05b-circles-polar-feature", epochs: 20, keys: [.char("E"), .right, .right, .up],
               legend: ["class 0", "P=0.5", "editing (", "0 1 place class", "E end"]),
    ]

    @Test(arguments: screens)
    func screenAtThreeSizes(_ screen: Screen) throws {
        let lab = try LabTests.lab(screen.lesson)
        lab.trainSynchronously(epochs: screen.epochs)
        for key in screen.keys { lab.handle(key) }
        for size in Self.sizes {
            let text = lab.compose(width: size.width, height: size.height, theme: size.theme).plainText
            for word in screen.legend {
                #expect(text.contains(word), "\(screen.name) at \(size.name) shows \"\(word)\"")
            }
            if let problem = Golden.check("screen-\(screen.name)-\(size.name).txt", text) { Issue.record(Comment(rawValue: problem)) }
        }
    }
}
