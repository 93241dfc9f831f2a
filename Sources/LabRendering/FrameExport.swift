import Formatting

/// A drawn screen written to a file for slides and handouts: plain text, text with ANSI
/// colours, or SVG (the cells' colours exactly; half blocks and braille drawn as shapes, so the
/// picture does not depend on the viewer's fonts).
public enum FrameFormat: String, CaseIterable, Sendable {
    case txt, ans, svg

    /// The format of a file name's extension, or nil.
    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: String(path[path.index(after: dot)...]).lowercased())
    }

    /// "a name ending in .txt, .ans or .svg", for messages.
    public static let expected = "a name ending in " + allCases.map { "." + $0.rawValue }.dropLast().joined(separator: ", ") + " or .svg"

    /// `buffer` in this format.
    public func render(_ buffer: Buffer) -> String {
        switch self {
        case .ans: buffer.ansiText + "\n"
        case .txt: Self.strippingEscapes(buffer.ansiText) + "\n"
        case .svg: SVGFrame(buffer: buffer).text
        }
    }

    /// `text` without its SGR escape sequences (so `.txt` is `.ans` without them, exactly).
    public static func strippingEscapes(_ text: String) -> String {
        var out = ""
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" { inEscape = true; continue }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

/// A buffer as an SVG picture.
struct SVGFrame {
    let buffer: Buffer
    static let cellWidth = 9.0, cellHeight = 18.0
    static let background = "#1c1c1c", foreground = "#d0d0d0"

    /// The RGB of an xterm-256 colour index.
    static func hex(_ color: Color, default fallback: String) -> String {
        guard case .indexed(let n) = color else { return fallback }
        let basic: [(Int, Int, Int)] = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229),
                                        (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]
        let rgb: (Int, Int, Int)
        switch Int(n) {
        case 0..<16: rgb = basic[Int(n)]
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255], k = Int(n) - 16
            rgb = (levels[k / 36], levels[(k / 6) % 6], levels[k % 6])
        default:
            let v = 8 + 10 * (Int(n) - 232)
            rgb = (v, v, v)
        }
        func h(_ v: Int) -> String { let s = String(v, radix: 16); return s.count == 1 ? "0" + s : s }
        return "#" + h(rgb.0) + h(rgb.1) + h(rgb.2)
    }

    static func escape(_ c: Character) -> String {
        switch c {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\"": "&quot;"
        default: String(c)
        }
    }

    var text: String {
        let w = Self.cellWidth, h = Self.cellHeight
        var out = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                   "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(Double(buffer.width) * w))\" height=\"\(Int(Double(buffer.height) * h))\" "
                   + "viewBox=\"0 0 \(Int(Double(buffer.width) * w)) \(Int(Double(buffer.height) * h))\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"15\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"\(Self.background)\"/>"]
        for y in 0..<buffer.height {
            var run = "", runStyle = Style.plain, runStart = 0
            func flush() {
                guard !run.isEmpty else { return }
                let fill = Self.hex(runStyle.attributes.contains(.reverse) ? runStyle.bg : runStyle.fg, default: Self.foreground)
                let weight = runStyle.attributes.contains(.bold) ? " font-weight=\"bold\"" : ""
                let opacity = runStyle.attributes.contains(.dim) ? " fill-opacity=\"0.6\"" : ""
                let count = run.count
                out.append("<text x=\"\(Double(runStart) * w)\" y=\"\(Double(y) * h + h * 0.78)\" fill=\"\(fill)\"\(weight)\(opacity) "
                           + "textLength=\"\(Double(count) * w)\" lengthAdjust=\"spacingAndGlyphs\" xml:space=\"preserve\">"
                           + run.map(Self.escape).joined() + "</text>")
                run = ""
            }
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if cell.isContinuation { continue }
                let (cx, cy) = (Double(x) * w, Double(y) * h)
                let style = cell.style
                if style.bg != .default || style.attributes.contains(.reverse) {
                    let bg = Self.hex(style.attributes.contains(.reverse) ? style.fg : style.bg, default: style.attributes.contains(.reverse) ? Self.foreground : Self.background)
                    out.append("<rect x=\"\(cx)\" y=\"\(cy)\" width=\"\(w)\" height=\"\(h)\" fill=\"\(bg)\"/>")
                }
                let fg = Self.hex(style.attributes.contains(.reverse) ? style.bg : style.fg, default: style.attributes.contains(.reverse) ? Self.background : Self.foreground)
                let scalar = cell.character.unicodeScalars.first!.value
                // Block elements and braille as shapes.
                if cell.character == "█" || cell.character == "▀" || cell.character == "▄" {
                    flush()
                    let (top, height) = cell.character == "▄" ? (cy + h / 2, h / 2) : (cy, cell.character == "█" ? h : h / 2)
                    out.append("<rect x=\"\(cx)\" y=\"\(top)\" width=\"\(w)\" height=\"\(height)\" fill=\"\(fg)\"/>")
                    continue
                }
                if (0x2800...0x28FF).contains(scalar) {
                    flush()
                    let bits = Int(scalar - 0x2800)
                    // Dots 1-8 of a braille cell: (column, row) of each bit.
                    let positions = [(0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (0, 3), (1, 3)]
                    for (bit, p) in positions.enumerated() where bits & (1 << bit) != 0 {
                        out.append("<circle cx=\"\(cx + w * (0.3 + 0.4 * Double(p.0)))\" cy=\"\(cy + h * (0.125 + 0.25 * Double(p.1)))\" r=\"1.3\" fill=\"\(fg)\"/>")
                    }
                    continue
                }
                if cell.character == " " { flush(); continue }
                if run.isEmpty || style != runStyle { flush(); runStyle = style; runStart = x }
                run.append(cell.character)
            }
            flush()
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
