/// Every number NNLab writes as text, in one place and independent of the locale: labels
/// (`0.5`, `-6`, `1.2e-03`), settings and messages (`0.01`, `1e-05`), losses, measured values,
/// counts (`1,234,567`), percentages. NaN and the infinities are written as words.
public enum NumberFormat {
    /// At most `significant` significant digits, no trailing zeros; scientific when tiny or
    /// huge. `nan` and `infinity` name NaN and infinity (a glyph set may give `∞`).
    public static func compact(_ x: Double, significant: Int = 3, nan: String = "NaN", infinity: String = "inf") -> String {
        if x.isNaN { return nan }
        if x.isInfinite { return (x < 0 ? "-" : "") + infinity }
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
        let a = Swift.abs(x)
        var e = Int(log10Floor(a))
        // Scale up by multiplying, in two steps below 1e-300: 10^-e itself would overflow for
        // a subnormal, and 10^e underflow (5e-324 printed as "infe-323").
        var m = e >= 0 ? a / pow10(e) : e > -300 ? a * pow10(-e) : a * 1e300 * pow10(-e - 300)
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

    /// The shortest form that reads back exactly, for settings and messages: whole numbers
    /// without a point (`3`, `1000`), others as Swift prints them (`0.01`, `1e-05`).
    public static func short(_ x: Double) -> String {
        if x == x.rounded(), Swift.abs(x) < 1e15 { return String(Int(x)) }
        return "\(x)"
    }

    /// A loss for messages and headers: 4 decimals (`0.6931`), one-decimal scientific below
    /// 1e-3 and from 1e5 (`2.3e+08`), `NaN` and `infinity` in words.
    public static func loss(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x < 0 ? "-infinity" : "infinity") }
        if x != 0 && (Swift.abs(x) >= 1e5 || Swift.abs(x) < 1e-3) {
            let (mantissa, e) = decimalParts(Swift.abs(x), digits: 1)
            return (x < 0 ? "-" : "") + "\(mantissa)e\(e >= 0 ? "+" : "-")\(e.magnitude < 10 ? "0" : "")\(e.magnitude)"
        }
        return "\((x * 10000).rounded() / 10000)"
    }

    /// A measured value of a lesson's claim: 4 decimals (`0.9875`), two-decimal scientific
    /// below 1e-3 and from 1e5 (`6.1e-4`).
    public static func measured(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x != 0 && (Swift.abs(x) < 1e-3 || Swift.abs(x) >= 1e5) {
            let (mantissa, e) = decimalParts(Swift.abs(x), digits: 2)
            return (x < 0 ? "-" : "") + "\(mantissa)e\(e)"
        }
        return "\((x * 10000).rounded() / 10000)"
    }

    /// Exactly `digits` significant digits, trailing zeros kept (`0.5334`, `1.000`, `0.01030`,
    /// `12.50`), scientific below 1e-3 and from 1e4 (`4.930e-07`), `0` for zero: the
    /// step-through's one rule, so a small number is never rounded to 0 beside a large one.
    public static func significant(_ v: Double, digits: Int = 4) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v < 0 ? "-inf" : "inf") }
        if v == 0 { return "0" }
        let a = Swift.abs(v), d = Swift.max(1, digits)
        if a >= 1e4 || a < 1e-3 { return scientific(v, digits: d - 1) }
        let text = fixed(v, decimals: Swift.max(0, d - 1 - Int(log10Floor(a))), trim: false)
        // Rounding up may add a digit (0.99996 -> 1.0000): one decimal fewer then.
        let shown = text.filter(\.isNumber).drop { $0 == "0" }.count
        return shown > d ? fixed(v, decimals: Swift.max(0, d - 2 - Int(log10Floor(a))), trim: false) : text
    }

    /// m and e with x = m 10^e, 1 <= m < 10, m rounded to `digits` decimals (positive x).
    static func decimalParts(_ x: Double, digits: Int) -> (Double, Int) {
        var e = 0
        var m = x
        while m >= 10 { m /= 10; e += 1 }
        while m < 1 { m *= 10; e -= 1 }
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        var mantissa = (m * p).rounded() / p
        if mantissa >= 10 { mantissa /= 10; e += 1 }
        return (mantissa, e)
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
