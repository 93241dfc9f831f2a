import Formatting
import LabRendering
import Lessons
import NeuralCore

/// The data editor (`E`): a cursor on the map places points of a class (`0`-`9`) or removes the
/// nearest (`backspace`); clicks do the same (left: class 1, right: class 0, middle: remove).
/// Training goes on: each edit hands the new points to every network between two steps, and
/// `S` saves them as a CSV file that `--data` reads back.
extension Lab {
    /// Most points the editor keeps.
    public static var maxPoints: Int { DatasetSpec.maxCount }

    func toggleEditing() {
        if state.editing {
            state.editing = false
            state.notice = "data editing off"
            return
        }
        guard state.stepping == nil else { state.notice = "leave the step-through (esc) to edit the data"; return }
        guard !state.isLocked(.data) else { state.notice = "the data is locked by the lesson"; return }
        guard data.dataset.dimension <= 2, data.dataset.outputWidth == 1 else {
            let d = data.dataset
            state.notice = "points of \(d.dimension) input\(d.dimension == 1 ? "" : "s") and \(d.outputWidth) output\(d.outputWidth == 1 ? "" : "s") are edited in their CSV file, not here"
            return
        }
        let d = data.dataset.domain
        state.editing = true
        state.editCursor = PlanePoint(x: (d.x.lowerBound + d.x.upperBound) / 2, y: (d.y.lowerBound + d.y.upperBound) / 2)
        let k = data.dataset.classCount
        let what = data.dataset.dimension == 1 || k == nil ? "a digit places a point at the cursor"
            : "\(k! <= 2 ? "0 or 1" : "0 to \(k! - 1)") places a point of that class"
        state.notice = "editing: arrows move, \(what), backspace removes, T test/train, S saves, C clears, E ends"
    }

    func moveCursor(dx: Int, dy: Int, big: Bool) {
        let d = data.dataset.domain
        let fraction = big ? 0.2 : 0.05
        var c = state.editCursor
        c.x = Swift.min(d.x.upperBound, Swift.max(d.x.lowerBound, c.x + Double(dx) * fraction * (d.x.upperBound - d.x.lowerBound)))
        c.y = Swift.min(d.y.upperBound, Swift.max(d.y.lowerBound, c.y + Double(dy) * fraction * (d.y.upperBound - d.y.lowerBound)))
        state.editCursor = c
        state.notice = nil  // the header shows where the cursor is
    }

    /// Places a point at `at` (the cursor by default): of class `digit`, or for regression with
    /// a value (1-D: the cursor's y; the plane: digit 0-9 for -1 to 1).
    func placePoint(_ digit: Int, at: PlanePoint? = nil) {
        let p = at ?? state.editCursor
        let ds = data.dataset
        let d = ds.domain
        guard d.x.contains(p.x), ds.dimension == 1 || d.y.contains(p.y) else {
            state.notice = "that is outside the plane shown; points go inside it"
            return
        }
        guard ds.count < Self.maxPoints else { state.notice = "at most \(NumberFormat.grouped(Self.maxPoints)) points"; return }
        let coordinates = ds.dimension == 1 ? [p.x] : [p.x, p.y]
        let target: Double
        if let k = ds.classCount {
            guard digit < k else {
                state.notice = "this data has classes 0 to \(k - 1); press one of those digits"
                return
            }
            target = Double(digit)
        } else {
            // A 1-D function: the cursor's y; a regression over the plane: digits 0-9 for -1 to 1.
            target = ds.dimension == 1 ? p.y : Double(digit) / 9 * 2 - 1
        }
        let n = ds.count
        var new = data
        new.dataset = ds.appending(coordinates, target: target)
        // The truth table trains and tests on the same points: a new point joins both (not
        // after a clear, where both are empty and T chooses as always).
        let shared = data.train == data.test && !data.train.isEmpty
        if shared { new.train.append(n); new.test.append(n) }
        else if state.editToTest { new.test.append(n) } else { new.train.append(n) }
        let where_ = shared ? "" : (state.editToTest ? " (test set)" : " (training set)")
        let what = ds.classCount == nil ? "a point" : "a point of class \(digit)"
        applyData(new, notice: "placed \(what)\(where_): \(NumberFormat.grouped(new.dataset.count)) points")
    }

    /// Removes the point nearest to `at` (the cursor by default), distances measured in the
    /// plane shown (so up and across count alike).
    func removeNearest(at: PlanePoint? = nil) {
        let p = at ?? state.editCursor
        let ds = data.dataset
        guard ds.count > 0 else { state.notice = "there are no points to remove"; return }
        let d = ds.domain
        let sx = d.x.upperBound - d.x.lowerBound, sy = d.y.upperBound - d.y.lowerBound
        var k = 0, nearest = Double.infinity
        for i in 0..<ds.count {
            let x = ds.points[i * ds.dimension], y = ds.dimension == 2 ? ds.points[i * 2 + 1] : ds.value(i)
            let d = ((x - p.x) / sx) * ((x - p.x) / sx) + ((y - p.y) / sy) * ((y - p.y) / sy)
            if d < nearest { nearest = d; k = i }
        }
        func renumber(_ list: [Int]) -> [Int] {
            var out: [Int] = []
            out.reserveCapacity(list.count)
            for i in list where i != k { out.append(i > k ? i - 1 : i) }
            return out
        }
        var new = data
        new.dataset = ds.removing(k)
        new.train = renumber(data.train)
        new.test = renumber(data.test)
        applyData(new, notice: "removed the nearest point: \(NumberFormat.grouped(new.dataset.count)) left")
    }

    /// True after the student removed every training point: the networks still hold the old
    /// ones, so nothing may train.
    public var hasNoTrainingPoints: Bool { data.edited && data.train.isEmpty }

    /// Clears every point (after `C` asked).
    func clearPoints() {
        var new = data
        new.dataset = data.dataset.selecting([])
        new.train = []
        new.test = []
        applyData(new, notice: "cleared every point: place new ones (0-9)")
    }

    /// A click on the map while editing: left places class 1, right class 0, middle removes.
    func editClick(x: Int, y: Int, button: Int, in frame: Frame?) {
        guard let map = frame?.map, let p = map.point(column: x, row: y) else {
            state.notice = "click on the map to place a point"
            return
        }
        let point = PlanePoint(x: p.x, y: p.y)
        state.editCursor = point
        switch button {
        case 2: removeNearest(at: point)
        case 3: placePoint(0, at: point)
        default: placePoint(data.dataset.classCount == nil ? 9 : 1, at: point)
        }
    }

    /// Shows `new` and hands it to every network (between two of their steps); with no training
    /// point left, training pauses until one is placed.
    func applyData(_ new: LabData, notice: String) {
        var new = new
        new.edited = true
        data = new
        armLessonMoment()
        points = Views.mapPoints(new.dataset, train: new.train, test: new.test)
        state.selectedPoint = nil
        state.notice = notice
        guard !new.train.isEmpty else {
            controller.send(.pause)
            state.notice = notice + " (no training point: training paused)"
            return
        }
        let (dataset, train, test) = (new.dataset, new.train, new.test)
        for i in controller.sessions.indices {
            controller.edit(i, kind: "data") { session in try? session.replaceData(dataset, train: train, test: test) }
        }
    }

    /// Writes the points to `path` (atomically: a reader never sees half a file).
    func savePoints(to path: String) {
        guard data.dataset.count >= 2 else { state.notice = "at least 2 points are needed for a data file"; return }
        do {
            try FileIO.writeAtomically(data.dataset.csvText, to: path)
            state.notice = "saved \(NumberFormat.grouped(data.dataset.count)) points to \(path.terminalSafeLine) (nnlab open --data reads it back)"
        } catch {
            state.overlay = .message(title: "Cannot save the points", lines: ["\(error)"])
        }
    }
}
