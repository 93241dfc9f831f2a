import Foundation
import LabRendering

/// How colours look to someone with a colour vision deficiency: xterm's palette as sRGB, the
/// simulation of deuteranopia and protanopia of Machado, Oliveira and Fernandes (2009,
/// severity 1.0, on linear RGB), and CIELAB distances (ΔE*76).
public enum ColourVision: CaseIterable, Sendable {
    case normal, deuteranopia, protanopia

    /// The smallest ΔE*76 between colours that must be told apart: the old yellow point on
    /// the old orange region (24 in simulated deuteranopia) falls under it; 2.3 is just
    /// noticeable.
    public static let minimum = 25.0

    /// xterm's default palette: the 16 ANSI colours, the 6x6x6 cube, the greys.
    public static func rgb(_ c: Color) -> (Double, Double, Double) {
        guard case .indexed(let i) = c else { return (0, 0, 0) }  // the default background: black
        let ansi: [(Double, Double, Double)] = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
                                                (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
                                                (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        let n = Int(i)
        if n < 16 { return ansi[n] }
        if n < 232 {
            let levels: [Double] = [0, 95, 135, 175, 215, 255]
            return (levels[(n - 16) / 36], levels[(n - 16) / 6 % 6], levels[(n - 16) % 6])
        }
        let v = Double(8 + 10 * (n - 232))
        return (v, v, v)
    }

    static func linear(_ v: Double) -> Double {
        let c = v / 255
        return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
    }

    var matrix: [[Double]] {
        switch self {
        case .normal: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
        case .deuteranopia: [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
        case .protanopia: [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
        }
    }

    /// The colour as CIELAB (D65) as seen with this vision.
    public func lab(_ c: Color) -> (Double, Double, Double) {
        let (r, g, b) = Self.rgb(c)
        let l = [Self.linear(r), Self.linear(g), Self.linear(b)]
        let m = matrix
        let s = (0..<3).map { i in Swift.min(1, Swift.max(0, m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2])) }
        let x = 0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2], y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2]
        let z = 0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]
        func f(_ t: Double) -> Double { t > 0.008856 ? cbrt(t) : 7.787 * t + 16 / 116 }
        let (fx, fy, fz) = (f(x / 0.9505), f(y), f(z / 1.089))
        return (116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz))
    }

    /// ΔE*76 between `a` and `b` as seen with this vision.
    public func distance(_ a: Color, _ b: Color) -> Double {
        let (p, q) = (lab(a), lab(b))
        return ((p.0 - q.0) * (p.0 - q.0) + (p.1 - q.1) * (p.1 - q.1) + (p.2 - q.2) * (p.2 - q.2)).squareRoot()
    }

    /// The smallest ΔE*76 between `a` and `b` over every vision.
    public static func distance(_ a: Color, _ b: Color) -> Double {
        allCases.map { $0.distance(a, b) }.min()!
    }
}
