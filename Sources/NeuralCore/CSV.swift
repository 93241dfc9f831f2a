import Formatting
/// A numeric CSV file: a header line of column names, then rows of numbers.
public struct CSVTable: Sendable {
    /// Column names from the header.
    public let header: [String]
    /// The values, row by row.
    public let rows: [[Double]]
    /// The 1-based file line of each row.
    public let lines: [Int]
    /// The file name used in messages.
    public let path: String

    /// Largest CSV file read.
    public static let maxBytes = 64 << 20
    /// Most data rows read.
    public static let maxRows = 1_000_000
    /// Most columns of a row: a network's inputs and one target per output.
    public static let maxColumns = Limits.maxInputs + Limits.maxUnits
    /// Largest magnitude of a value. Beyond it float32 training overflows within a step or
    /// two (squares of 1e20 are infinite), so such data is refused at load, with its line.
    public static let maxMagnitude = 1e6

    /// Reads and parses `path`.
    public static func load(_ path: String) throws -> CSVTable {
        try parse(FileIO.readText(path, limit: maxBytes), path: path)
    }

    /// Parses CSV text. Blank lines and lines starting with `#` are skipped; every row must
    /// have as many values as the header has names; every value must be a finite number.
    public static func parse(_ text: String, path: String) throws -> CSVTable {
        var header: [String]?
        var rows: [[Double]] = []
        var lines: [Int] = []
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so split on any newline character.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            // Count before splitting: a 60 MB line of commas must not become 30M fields.
            let columns = trimmed.utf8.reduce(1) { $1 == UInt8(ascii: ",") ? $0 + 1 : $0 }
            guard columns <= maxColumns else {
                throw NNLabError("\(path):\(lineNumber): \(columns) columns; a row has at most \(maxColumns)")
            }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
            guard let names = header else {
                if fields.allSatisfy({ Double($0) != nil }) {
                    throw NNLabError("\(path):\(lineNumber): expected a header line of column names (such as x1,x2,label), found numbers")
                }
                header = fields.map { String($0).quotedForMessage() }
                continue
            }
            guard fields.count == names.count else {
                throw NNLabError("\(path):\(lineNumber): expected \(names.count) values (\(names.joined(separator: ",").quotedForMessage(limit: 60))), found \(fields.count)")
            }
            guard rows.count < maxRows else {
                throw NNLabError("\(path):\(lineNumber): more than \(maxRows) rows; the limit is \(maxRows)")
            }
            var row = [Double]()
            row.reserveCapacity(fields.count)
            for (c, field) in fields.enumerated() {
                guard let x = Double(field) else {
                    throw NNLabError("\(path):\(lineNumber): column \(c + 1) (\(names[c])): \"\(String(field).quotedForMessage())\" is not a number")
                }
                guard x.isFinite else {
                    throw NNLabError("\(path):\(lineNumber): column \(c + 1) (\(names[c])): \(String(field).quotedForMessage()) is not a finite number")
                }
                guard Swift.abs(x) <= maxMagnitude else {
                    throw NNLabError("\(path):\(lineNumber): column \(c + 1) (\(names[c])): \(String(field).quotedForMessage()) is out of range; values must be between -1e6 and 1e6")
                }
                row.append(x)
            }
            rows.append(row)
            lines.append(lineNumber)
        }
        guard let names = header else { throw NNLabError("\(path): the file is empty; expected a header line and rows of numbers") }
        guard !rows.isEmpty else { throw NNLabError("\(path): the file has a header but no data rows") }
        return CSVTable(header: names, rows: rows, lines: lines, path: path)
    }

    /// The rows as examples for `architecture`: its `inputs` values, then one class label
    /// (classification) or one value per output (identity output).
    public func examples(for architecture: Architecture) throws -> Examples<Double> {
        let d = architecture.inputs
        let regression = architecture.output == .identity
        let targetWidth = regression ? architecture.outputs : 1
        let what = regression
            ? "\(d) input\(d == 1 ? "" : "s") and \(targetWidth) target value\(targetWidth == 1 ? "" : "s")"
            : "\(d) input\(d == 1 ? "" : "s") and 1 class label"
        guard header.count == d + targetWidth else {
            throw NNLabError("\(path):\(lines[0] - 1 > 0 ? lines[0] - 1 : 1): the model expects \(d + targetWidth) columns (\(what)), the header has \(header.count)")
        }
        var x = [Double]()
        x.reserveCapacity(rows.count * d)
        for row in rows { x.append(contentsOf: row[0..<d]) }
        if regression {
            var values = [Double]()
            for row in rows { values.append(contentsOf: row[d...]) }
            return Examples(unchecked: d, x: x, targets: .values(values, width: targetWidth))
        }
        let classCount = architecture.outputs == 1 ? 2 : architecture.outputs
        var labels = [Int32]()
        labels.reserveCapacity(rows.count)
        for (r, row) in rows.enumerated() {
            let v = row[d]
            guard v == v.rounded(), v >= 0, v < Double(classCount) else {
                throw NNLabError("\(path):\(lines[r]): column \(d + 1) (\(header[d])): expected a class label 0..\(classCount - 1), found \(NumberFormat.short(v))")
            }
            labels.append(Int32(v))
        }
        return Examples(unchecked: d, x: x, targets: .classes(labels, classCount: classCount))
    }
}

extension Substring {
    /// The substring without leading and trailing spaces and tabs.
    var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }
}
