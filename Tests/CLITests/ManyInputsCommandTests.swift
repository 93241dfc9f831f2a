import Foundation
import Testing

/// `nnlab train --data` on CSV files of three inputs and of two outputs: the network follows
/// the columns, and the report plots each output against its target.
@Suite struct ManyInputsCommandTests {
    @Test func threeInputsAndTwoOutputsTrain() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var three = "x1,x2,x3,y\n", two = "x1,x2,y1,y2\n"
        for i in 0..<60 {
            let a = Double(i % 5) / 5, b = Double((i / 5) % 4) / 4, c = Double(i / 20) / 3
            three += "\(a),\(b),\(c),\(a * b + c)\n"
            two += "\(a),\(b),\(a + b),\(a * b)\n"
        }
        RobustnessTests.write(three, dir + "/three.csv")
        RobustnessTests.write(two, dir + "/two.csv")
        let r = try CLI.run(["train", "--data", dir + "/three.csv", "--layers", "3", "--epochs", "20", "--ascii"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("network:  3 -> 3 tanh -> 1 identity"), "\(r.stdout)")
        #expect(r.stdout.contains("F against y") && r.stdout.contains("largest error"), "\(r.stdout)")
        let t = try CLI.run(["train", "--data", dir + "/two.csv", "--layers", "4", "--epochs", "20", "--ascii"])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("network:  2 -> 4 tanh -> 2 identity"), "\(t.stdout)")
        #expect(t.stdout.contains("F1 against y1") && t.stdout.contains("F2 against y2"), "\(t.stdout)")
        // A point of the wrong width is refused with its line.
        RobustnessTests.write("x1,x2,x3,y\n0,0,0,1\n0,1\n", dir + "/bad.csv")
        let b = try CLI.run(["train", "--data", dir + "/bad.csv", "--epochs", "1"])
        #expect(b.status == 2 && b.stderr.contains("bad.csv:3: expected 4 values"), "\(b.stderr)")
    }
}
