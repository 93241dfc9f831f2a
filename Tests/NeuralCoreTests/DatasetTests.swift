import NeuralCore
import Testing

@Suite struct DatasetTests {
    @Test(arguments: DatasetKind.allCases)
    func generatorsAreDeterministicAndWellFormed(_ kind: DatasetKind) throws {
        let spec = DatasetSpec(kind: kind, noise: 10, classes: 3, seed: 7)
        try spec.validate()
        let a = Dataset.generate(spec), b = Dataset.generate(spec)
        #expect(a.points.map(\.bitPattern) == b.points.map(\.bitPattern))
        #expect(a.targets == b.targets)
        let other = Dataset.generate(DatasetSpec(kind: kind, noise: 10, classes: 3, seed: 8))
        if kind != .xorTable { #expect(other.points != a.points) }
        #expect(a.count == (kind == .spirals ? 300 : spec.count))
        #expect(a.points.allSatisfy { $0.isFinite })
        #expect(a.dimension == kind.dimension)
        if kind.dimension != 2 {
            // The functions of x, and the cube: every coordinate in [0, 1).
            #expect(a.points.allSatisfy { (0..<1).contains($0) })
        } else {
            #expect(a.dimension == 2)
            // Points stay in (or very near) the plotted square.
            let margin = 0.2 * (a.domain.x.upperBound - a.domain.x.lowerBound)
            for i in 0..<a.count {
                #expect(a.points[2 * i] > a.domain.x.lowerBound - margin && a.points[2 * i] < a.domain.x.upperBound + margin)
            }
        }
        if let k = a.classCount {
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<a.count { counts[a.label(i)] += 1 }
            let share = Double(counts.min()!) / Double(a.count)
            // Balanced classes (XOR and circles with noise flip a few labels).
            #expect(share > 0.8 / Double(k) * (kind == .xorTable ? 1 : 0.9), "\(kind): class counts \(counts)")
        }
    }

    @Test func playgroundDefinitions() {
        // Circles without noise: inner radius < 2.5 is class 1, outer (3.5 to 5) class 0.
        let circles = Dataset.generate(DatasetSpec(kind: .circles, noise: 0))
        for i in 0..<circles.count {
            let r = (circles.points[2 * i] * circles.points[2 * i] + circles.points[2 * i + 1] * circles.points[2 * i + 1]).squareRoot()
            #expect(circles.label(i) == (r < 2.5 ? 1 : 0))
            #expect(r < 2.5 || (r >= 3.5 && r <= 5))
        }
        // XOR without noise: class 1 in the quadrants where x1 x2 >= 0, points 0.3 off the axes.
        let xor = Dataset.generate(DatasetSpec(kind: .xor, noise: 0))
        for i in 0..<xor.count {
            let x = xor.points[2 * i], y = xor.points[2 * i + 1]
            #expect(xor.label(i) == (x * y >= 0 ? 1 : 0))
            #expect(abs(x) >= 0.3 && abs(y) >= 0.3)
        }
        // The two-arm spiral: radius grows linearly to 5 along each arm.
        let spiral = Dataset.generate(DatasetSpec(kind: .spiral, noise: 0))
        let last = spiral.count / 2 - 1
        let r = (spiral.points[2 * last] * spiral.points[2 * last] + spiral.points[2 * last + 1] * spiral.points[2 * last + 1]).squareRoot()
        #expect(abs(r - 5 * Double(last) / 250) < 1e-12)
        // The plane: target (x1 + x2) / 10.
        let plane = Dataset.generate(DatasetSpec(kind: .plane, noise: 0))
        for i in 0..<10 { #expect(abs(plane.value(i) - (plane.points[2 * i] + plane.points[2 * i + 1]) / 10) < 1e-12) }
        // cs231n spirals: radius from 0 to 1 in each arm.
        let spirals = Dataset.generate(DatasetSpec(kind: .spirals, classes: 4))
        #expect(spirals.classCount == 4 && spirals.count == 300)
        #expect(spirals.points.allSatisfy { abs($0) <= 1 + 1e-12 })
        // The XOR truth table.
        let table = Dataset.generate(DatasetSpec(kind: .xorTable))
        #expect(table.points == [0, 0, 0, 1, 1, 0, 1, 1])
        #expect((0..<4).map(table.label) == [0, 1, 1, 0])
    }

    @Test func splitIsSeededAndComplete() {
        let d = Dataset.generate(DatasetSpec(kind: .gauss))
        let (train, test) = d.split(trainRatio: 0.3, seed: 4)
        #expect(train.count == 150 && test.count == 350)
        #expect(Set(train + test) == Set(0..<500))
        #expect(d.split(trainRatio: 0.3, seed: 4).train == train)
        #expect(d.split(trainRatio: 0.3, seed: 5).train != train)
    }

    @Test func featuresAreComputed() throws {
        let features = try FeatureSet(parsing: "r, theta, x1, x1^2, x1*x2, sin(x2)")
        #expect(features.description == "x1,x1^2,x1*x2,sin(x2),r,theta")
        let d = Dataset(name: "t", dimension: 2, points: [3, 4], targets: .classes([1], classCount: 2), domain: (-1...1, -1...1))
        let e: Examples<Double> = d.examples([0], features: features)
        #expect(e.x[0] == 3 && e.x[1] == 9 && e.x[2] == 12)
        #expect(abs(e.x[3] - 4.0.sin) < 1e-15)
        #expect(e.x[4] == 5 && abs(e.x[5] - 0.9272952180016122) < 1e-15)
        #expect(throws: NNLabError(#""radius2" is not one of "x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)", "cos(x1)", "cos(x2)", "r", "theta""#)) {
            _ = try FeatureSet(parsing: "x1,radius2")
        }
    }

    @Test func userCSV() throws {
        let dir = "/tmp/nnlab-tests-\(getpidValue())"
        _ = mkdirValue(dir)
        let path = dir + "/mine.csv"
        try FileIO.writeAtomically("x1,x2,label\n0,0,0\n1,1,1\n2,0,2\n", to: path)
        let d = try Dataset.load(csv: path)
        #expect(d.classCount == 3 && d.count == 3)
        try FileIO.writeAtomically("x1,x2,label\n0,0,0.5\n1,1,1.5\n", to: path)
        #expect(try Dataset.load(csv: path).classCount == nil)
        try FileIO.writeAtomically("x1,x2,label\n0,0,0\n1,bad,1\n", to: path)
        #expect(throws: NNLabError("\(path):3: column 2 (x2): \"bad\" is not a number")) { try Dataset.load(csv: path) }
        try FileIO.writeAtomically("x\n0\n1\n", to: path)
        #expect(throws: NNLabError("\(path):1: expected at least 2 columns (inputs, then a target: x1,x2,label or x,y or x1,x2,x3,y), found 1: x")) { try Dataset.load(csv: path) }
    }

    /// Any number of inputs and outputs: the trailing y-named columns are outputs, a last
    /// label column holds classes, an unnamed last column is one target; the examples carry
    /// every coordinate and every output, and the CSV written reads back the same.
    @Test func csvOfManyInputsAndOutputs() throws {
        let dir = "/tmp/nnlab-tests-\(getpidValue())"
        _ = mkdirValue(dir)
        let path = dir + "/wide.csv"
        try FileIO.writeAtomically("x1,x2,x3,y1,y2\n0.1,0.2,0.3,1,2\n0.4,0.5,0.6,3,4\n# a comment\n0.7,0.8,0.9,5,6.5\n", to: path)
        let d = try Dataset.load(csv: path)
        #expect(d.dimension == 3 && d.outputWidth == 2 && d.count == 3 && d.classCount == nil)
        #expect(Array(d.coordinates(1)) == [0.4, 0.5, 0.6] && Array(d.values(2)) == [5, 6.5])
        let e: Examples<Double> = d.examples([2, 0], features: .plain)
        #expect(e.inputWidth == 3 && e.x == [0.7, 0.8, 0.9, 0.1, 0.2, 0.3])
        #expect(e.targets == .values([5, 6.5, 1, 2], width: 2))
        // The architecture follows: 3 inputs (the plane's features do not apply), 2 identity outputs.
        let arch = SessionConfiguration(data: .file(path), features: FeatureSet([.x1, .x2, .r]), hidden: []).architecture(for: d)
        #expect(arch.inputs == 3 && arch.outputs == 2 && arch.output == .identity)
        #expect(d.slice == [0.6])
        try FileIO.writeAtomically(d.csvText, to: path)
        let back = try Dataset.load(csv: path)
        #expect(back.points == d.points && back.targets == d.targets)
        #expect(d.csvText.hasPrefix("x1,x2,x3,y1,y2\n"))

        try FileIO.writeAtomically("a,b,c,label\n0,0,0,0\n1,1,1,1\n", to: path)
        let classes = try Dataset.load(csv: path)
        #expect(classes.dimension == 3 && classes.classCount == 2)
        try FileIO.writeAtomically("a,b,c,d\n0,0,0,0.5\n1,1,1,1\n", to: path)
        let one = try Dataset.load(csv: path)
        #expect(one.dimension == 3 && one.outputWidth == 1 && one.classCount == nil)
        try FileIO.writeAtomically("a,b,c,label\n0,0,0,0\n1,1,1,12\n", to: path)
        #expect(throws: NNLabError("\(path):3: label 12 is not a class: labels are whole numbers from 0 to 9 (for a regression, name the column value)")) {
            try Dataset.load(csv: path)
        }
    }
}

extension Double {
    var sin: Double { _sin(self) }
}

/// The data editor's operations on a data set, and its CSV reading back the same numbers.
@Suite struct DatasetEditingTests {
    @Test func appendSelectAndWriteCSV() throws {
        let d = Dataset(name: "t", dimension: 2, points: [0, 0, 1, 1, 0.1, 0.2], targets: .classes([0, 1, 1], classCount: 2), domain: (-1...2, -1...2))
        let more = d.appending([0.3, -0.7], target: 0)
        #expect(more.count == 4 && more.points.suffix(2) == [0.3, -0.7] && more.label(3) == 0 && more.domain.x == d.domain.x)
        let fewer = more.selecting([3, 0])
        #expect(fewer.points == [0.3, -0.7, 0, 0] && fewer.label(0) == 0 && fewer.label(1) == 0)
        #expect(more.selecting([]).count == 0)
        #expect(more.csvText == "x1,x2,label\n0.0,0.0,0\n1.0,1.0,1\n0.1,0.2,1\n0.3,-0.7,0\n")
        let curve = Dataset(name: "f", dimension: 1, points: [0.5], targets: .values([0.25], width: 1), domain: (0...1, -1...1))
        #expect(curve.appending([0.75], target: -0.125).csvText == "x,y\n0.5,0.25\n0.75,-0.125\n")
        let path = "/tmp/nnlab-dataset-\(getpidValue()).csv"
        try FileIO.writeAtomically(more.csvText, to: path)
        let back = try Dataset.load(csv: path)
        #expect(back.points == more.points && (0..<4).map(back.label) == (0..<4).map(more.label))
    }
}
