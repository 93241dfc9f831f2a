import NeuralCore
import Testing

@Suite struct CSVTests {
    let binary = Architecture(inputs: 2, hidden: [], outputs: 1, output: .logistic)

    @Test func readsExamples() throws {
        let table = try CSVTable.parse("x1,x2,label\n0.5,-1,1\n\n# a comment\n 2 , 3 ,0\r\n", path: "d.csv")
        #expect(table.lines == [2, 5])
        let examples = try table.examples(for: binary)
        #expect(examples.x == [0.5, -1, 2, 3])
        #expect(examples.labels == [1, 0])
    }

    @Test func readsRegressionTargets() throws {
        let arch = Architecture(inputs: 1, hidden: [], outputs: 2, output: .identity)
        let examples = try CSVTable.parse("x,y1,y2\n1,2,3\n4,5,6\n", path: "r.csv").examples(for: arch)
        #expect(examples.targets == .values([2, 3, 5, 6], width: 2))
    }

    @Test(arguments: [
        ("", "d.csv: the file is empty; expected a header line and rows of numbers"),
        ("x1,x2,label\n", "d.csv: the file has a header but no data rows"),
        ("1,2,0\n", "d.csv:1: expected a header line of column names (such as x1,x2,label), found numbers"),
        ("x1,x2,label\n1,2\n", "d.csv:2: expected 3 values (x1,x2,label), found 2"),
        ("x1,x2,label\n1,abc,0\n", "d.csv:2: column 2 (x2): \"abc\" is not a number"),
        ("x1,x2,label\n1,nan,0\n", "d.csv:2: column 2 (x2): nan is not a finite number"),
        ("x1,x2,label\n1,2,0\n3,4,2\n", "d.csv:3: column 3 (label): expected a class label 0..1, found 2"),
        ("x1,x2,label\n1,2,0.5\n", "d.csv:2: column 3 (label): expected a class label 0..1, found 0.5"),
        ("x1,label\n1,0\n", "d.csv:1: the model expects 3 columns (2 inputs and 1 class label), the header has 2"),
    ])
    func badFilesAreRejected(_ text: String, _ message: String) {
        #expect(throws: NNLabError(message)) {
            _ = try CSVTable.parse(text, path: "d.csv").examples(for: binary)
        }
    }
}
