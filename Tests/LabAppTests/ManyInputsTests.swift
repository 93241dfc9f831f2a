import Foundation
import Formatting
import LabApp
import LabRendering
import Lessons
import NeuralCore
import Testing

/// Data of three or more inputs, or of several outputs: the lab opens on each output against
/// its target, `v` reaches the map of the plane x1 by x2 through the other inputs' medians,
/// and the step-through shows every coordinate.
@Suite struct ManyInputsTests {
    @Test func cubeLessonShowsOutputsAgainstTargets() throws {
        let lab = try LabTests.lab("11d-universal-approximation-cube") { $0.variants = [] }
        #expect(lab.state.main == .fit)
        #expect(lab.session.architecture.inputs == 3)
        for _ in 0..<3 { lab.handle(.char(".")) }
        let screen = lab.compose(width: 80, height: 24, theme: .plain).plainText
        #expect(screen.contains("F(x) against y"), "\(screen)")
        #expect(screen.contains("max error"), "\(screen)")
        #expect(screen.contains("F = y"))
        #expect(screen.contains("a(1) in") && screen.contains("a(2) 3"), "\(screen)")
        // v: the map (a slice at x3's median), each unit, the hidden space, and back.
        lab.handle(.char("v"))
        #expect(lab.state.main == .map)
        let map = lab.compose(width: 100, height: 30, theme: .plain).plainText
        #expect(map.contains("at x3 = 0.5"), "\(map)")
        lab.handle(.char("v")); lab.handle(.char("v")); lab.handle(.char("v"))
        #expect(lab.state.main == .fit)
        // The step-through: the example's three coordinates and its target.
        lab.handle(.char("f"))
        let step = lab.compose(width: 120, height: 30, theme: .plain).plainText
        let i = lab.points[lab.state.stepping!.point].index
        let c = Array(lab.data.dataset.coordinates(i)).map { NumberFormat.compact($0, significant: 3) }
        #expect(step.contains("x = (\(c[0]), \(c[1]), \(c[2]))"), "\(step)")
        #expect(step.contains("F against y"))
    }

    @Test func twoOutputsGetTwoPlotsAndNoEditing() throws {
        var csv = "x1,x2,y1,y2\n"
        for i in 0..<40 {
            let a = Double(i % 8) / 8, b = Double(i / 8) / 5
            csv += "\(a),\(b),\(a + b),\(a - b)\n"
        }
        let (lab, dir) = try DataEditingTests.labOnFile(csv)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(lab.session.architecture.outputs == 2 && lab.session.architecture.output == .identity)
        // A lesson's map view gives way: no map shows two outputs.
        #expect(lab.state.main == .map)
        lab.handle(.char("v")); lab.handle(.char("v")); lab.handle(.char("v"))
        #expect(lab.state.main == .fit)
        let screen = lab.compose(width: 100, height: 30, theme: .plain).plainText
        #expect(screen.contains("F1 against y1") && screen.contains("F2 against y2"), "\(screen)")
        lab.handle(.char("E"))
        #expect(!lab.state.editing)
        #expect(lab.state.notice?.contains("edited in their CSV file") == true)
    }
}
