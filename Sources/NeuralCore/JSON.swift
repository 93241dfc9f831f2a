import Formatting
/// A parsed JSON value with its position, so every problem can name its line and column.
/// Numbers keep their text, so a `Float` and a `Double` both parse from the exact decimal.
public struct JSONNode: Sendable {
    /// The value. (Not `indirect`: arrays already box their elements, and a box per value
    /// tripled the memory of a large model file.)
    public enum Value: Sendable {
        case object([(key: String, value: JSONNode)])
        case array([JSONNode])
        case number(String)
        case string(String)
        case bool(Bool)
        case null
    }

    /// The value.
    public let value: Value
    /// Byte offset of the value's first character (`JSONDocument.position(of:)` turns it
    /// into a line and column; 24 bytes a node, not 32, for a 20M-value model file).
    public let offset: UInt32

    /// A short name of the value's kind for messages: "a number", "an array", ...
    public var kind: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .number: "a number"
        case .string: "a string"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// The member `key` of an object.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }
}

/// A parsed document: its root value and where its lines start.
public struct JSONDocument: Sendable {
    /// The top-level value.
    public let root: JSONNode
    /// Byte offset of the first character of every line.
    private let lineStarts: [UInt32]

    init(root: JSONNode, lineStarts: [UInt32]) {
        self.root = root
        self.lineStarts = lineStarts
    }

    /// The 1-based line and column (in bytes) where `node` starts.
    public func position(of node: JSONNode) -> (line: Int, column: Int) {
        // The last line starting at or before the offset.
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= node.offset { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, Int(node.offset - lineStarts[lo]) + 1)
    }
}

/// A JSON syntax error and where it is.
public struct JSONSyntaxError: Error, Sendable {
    /// 1-based line.
    public let line: Int
    /// 1-based column.
    public let column: Int
    /// What was wrong.
    public let message: String
}

/// How much a parse may build: a reader bounds what it makes, not only the bytes it reads.
public struct JSONLimits: Sendable {
    /// Most elements of one array.
    public var arrayLength: Int
    /// Most values in the whole document.
    public var values: Int
    /// Limits of `arrayLength` elements per array and `values` in all.
    public init(arrayLength: Int, values: Int) {
        self.arrayLength = arrayLength
        self.values = values
    }
    /// Ten million values, a million per array.
    public static let standard = JSONLimits(arrayLength: 1_000_000, values: 10_000_000)
}

/// A strict JSON parser (RFC 8259) over UTF-8 bytes: no leading zeros, exactly four hex
/// digits in `\u` escapes (surrogate pairs joined), no duplicate keys; a leading byte-order
/// mark is skipped.
public struct JSONParser {
    private let bytes: [UInt8]
    private let limits: JSONLimits
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var lineStarts: [UInt32] = [0]
    private var depth = 0
    private var values = 0
    private static let maxDepth = 64

    /// Parses `text`; throws `JSONSyntaxError` with the line and column of the problem.
    public static func parse(_ text: String, limits: JSONLimits = .standard) throws -> JSONDocument {
        try parse(bytes: Array(text.utf8), limits: limits)
    }

    /// Parses UTF-8 `bytes` (at most 4 GB).
    public static func parse(bytes: [UInt8], limits: JSONLimits = .standard) throws -> JSONDocument {
        var parser = JSONParser(bytes: bytes, limits: limits)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.i = 3; parser.lineStart = 3; parser.lineStarts = [3] }
        guard bytes.count < Int(UInt32.max) else { throw parser.error("the file is larger than 4 GB") }
        parser.skipSpace()
        let node = try parser.value()
        parser.skipSpace()
        if parser.i < parser.bytes.count { throw parser.error("unexpected text after the JSON value") }
        return JSONDocument(root: node, lineStarts: parser.lineStarts)
    }

    private init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    private var column: Int { i - lineStart + 1 }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(line: line, column: column, message: message)
    }

    private mutating func skipSpace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0D: i += 1
            case 0x0A:
                i += 1
                line += 1
                lineStart = i
                lineStarts.append(UInt32(i))
            default: return
            }
        }
    }

    private mutating func value() throws -> JSONNode {
        guard i < bytes.count else { throw error("unexpected end of file") }
        values += 1
        guard values <= limits.values else { throw error("more than \(limits.values) values; the file is too large to be one of ours") }
        let start = UInt32(i)
        func node(_ v: JSONNode.Value) -> JSONNode { JSONNode(value: v, offset: start) }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels deep") }
            i += 1
            var members: [(key: String, value: JSONNode)] = []
            var keys = Set<String>()
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return node(.object(members)) }
            while true {
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of file inside an object") }
                guard bytes[i] == UInt8(ascii: "\"") else { throw error("expected a key in double quotes") }
                let keyPosition = (line, column)
                let key = try string()
                if !keys.insert(key).inserted {
                    throw JSONSyntaxError(line: keyPosition.0, column: keyPosition.1,
                                          message: "the key \"\(key.quotedForMessage())\" appears twice in this object")
                }
                skipSpace()
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':' after the key \"\(key)\"") }
                i += 1
                skipSpace()
                members.append((key, try value()))
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of file inside an object") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "}") { i += 1; return node(.object(members)) }
                throw error("expected ',' or '}' in an object")
            }
        case UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { throw error("nested more than \(Self.maxDepth) levels deep") }
            i += 1
            var elements: [JSONNode] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return node(.array(elements)) }
            while true {
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of file inside an array") }
                guard elements.count < limits.arrayLength else {
                    throw error("more than \(limits.arrayLength) elements in one array")
                }
                elements.append(try value())
                skipSpace()
                guard i < bytes.count else { throw error("unexpected end of file inside an array") }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return node(.array(elements)) }
                throw error("expected ',' or ']' in an array")
            }
        case UInt8(ascii: "\""):
            return node(.string(try string()))
        case UInt8(ascii: "t"):
            try literal("true")
            return node(.bool(true))
        case UInt8(ascii: "f"):
            try literal("false")
            return node(.bool(false))
        case UInt8(ascii: "n"):
            try literal("null")
            return node(.null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return node(.number(try number()))
        case UInt8(ascii: "N"), UInt8(ascii: "I"):
            throw error("NaN and Infinity are not JSON numbers")
        default:
            let b = bytes[i]
            throw error(b >= 0x20 && b < 0x7F ? "unexpected character '\(Character(Unicode.Scalar(b)))'" : "unexpected byte 0x\(String(b, radix: 16, uppercase: true))")
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw error("expected \(word)")
        }
        i += w.count
    }

    private mutating func number() throws -> String {
        let start = i
        func digits() -> Int {
            let s = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - s
        }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        let integerStart = i
        let integerDigits = digits()
        guard integerDigits > 0 else { throw error("expected digits in a number") }
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") {
            i = integerStart
            throw error("a number may not start with 0 (found \(String(decoding: bytes[start..<Swift.min(bytes.count, integerStart + integerDigits)], as: UTF8.self)))")
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw error("expected digits after the decimal point") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw error("expected digits in the exponent") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    /// Exactly four hex digits (no sign, no spaces), as `\u` escapes need.
    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("a \\u escape needs four hex digits") }
        var code: UInt32 = 0
        for b in bytes[i..<i + 4] {
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw error("a \\u escape needs four hex digits")
            }
            code = code << 4 | UInt32(digit)
        }
        i += 4
        return code
    }

    private mutating func string() throws -> String {
        i += 1  // opening quote
        var out = [UInt8]()
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                guard let text = String(validating: out, as: UTF8.self) else { throw error("a string that is not UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { throw error("unfinished escape") }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by \u and a low one: one scalar.
                        guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                            throw error("a \\u escape of a high surrogate must be followed by its low surrogate")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("expected a low surrogate after a high one") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw error("a low surrogate without a high one")
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
                default: throw error("unknown escape \\\(Character(Unicode.Scalar(e)))")
                }
            case 0x00..<0x20:
                throw error("control character in a string")
            default:
                out.append(b)
                i += 1
            }
        }
        throw error("unterminated string")
    }
}

/// Writes `s` as a JSON string literal.
public func jsonString(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case let c where c.value < 0x20: out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// Writes a finite number in its shortest round-trip form (`0.1`, `1e-05`, `3.0`).
public func jsonNumber<S: NNScalar>(_ x: S) -> String {
    require(x.isFinite, "JSON has no NaN or infinity")
    return x.description
}
