/// Short, readable numbers for labels: `0.5`, `-6`, `1.2e-03`, `NaN`, `inf`.
public enum NumberFormat {
    /// At most `significant` significant digits, no trailing zeros; scientific when tiny or huge.
    public static func compact(_ x: Double, significant: Int = 3, glyphs: Glyphs = .asciiSet) -> String {
        if x.isNaN { return glyphs.notANumber }
        if x.isInfinite { return (x < 0 ? "-" : "") + glyphs.infinity }
        if x == 0 { return "0" }
        let a = Swift.abs(x)
        if a >= 1e5 || a < 1e-3 { return scientific(x, digits: Swift.max(1, significant - 1)) }
        var decimals = Swift.max(0, significant - 1 - Int(log10Floor(a)))
        decimals = Swift.min(decimals, 6)
        return fixed(x, decimals: decimals)
    }

    /// `x` with exactly `decimals` decimals, then trailing zeros (and a bare point) removed.
    public static func fixed(_ x: Double, decimals: Int, trim: Bool = true) -> String {
        if !x.isFinite { return compact(x) }
        var p = 1.0
        for _ in 0..<decimals { p *= 10 }
        // Too large for fixed decimals (a diverging loss): scientific, never an Int overflow.
        if Swift.abs(x) * p >= 1e15 { return scientific(x, digits: Swift.max(1, Swift.min(decimals, 6))) }
        let r = (Swift.abs(x) * p).rounded()
        let whole = Int(r / p)
        var frac = String(Int(r - Double(whole) * p))
        while frac.count < decimals { frac = "0" + frac }
        var s = (x < 0 && r != 0 ? "-" : "") + String(whole)
        if decimals > 0 {
            if trim {
                while frac.last == "0" { frac.removeLast() }
            }
            if !frac.isEmpty { s += "." + frac }
        }
        return s
    }

    /// `1.5e-03` style with `digits` decimals in the mantissa.
    public static func scientific(_ x: Double, digits: Int = 2) -> String {
        if !x.isFinite || x == 0 { return compact(x) }
        var e = Int(log10Floor(Swift.abs(x)))
        var m = Swift.abs(x) / pow10(e)
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        m = (m * p).rounded() / p
        if m >= 10 { m /= 10; e += 1 }
        let mantissa = fixed(m, decimals: digits, trim: false)
        return (x < 0 ? "-" : "") + mantissa + "e" + (e < 0 ? "-" : "+") + (Swift.abs(e) < 10 ? "0" : "") + String(Swift.abs(e))
    }

    /// A percentage: `98.3%`.
    public static func percent(_ x: Double, decimals: Int = 1) -> String {
        guard x.isFinite else { return compact(x) }
        return fixed(x * 100, decimals: decimals, trim: false) + "%"
    }

    /// A count with thousands separators: `1,234,567`.
    public static func grouped(_ n: Int) -> String {
        let s = String(Swift.abs(n))
        var out = ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func log10Floor(_ a: Double) -> Double {
        var e = 0.0
        var v = a
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }

    static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }
}
