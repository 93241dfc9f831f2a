// Text measured in terminal columns (a wide character takes two, a combining mark none).

/// `text` cut to `width` columns, ending in an ellipsis when cut: at the end of a word when
/// one ends in the second half of the room, so no word is shown half.
public func truncate(_ text: String, to width: Int, glyphs: Glyphs) -> String {
    guard width > 0 else { return "" }
    if displayWidth(text) <= width { return text }
    let ellipsis = glyphs.ellipsis
    let room = width - displayWidth(ellipsis)
    guard room > 0 else { return String(text.prefix(width)) }
    var out = ""
    var w = 0
    for c in text {
        let cw = displayWidth(c)
        if w + cw > room { break }
        out.append(c)
        w += cw
    }
    let cutsWord = text.dropFirst(out.count).first.map { !$0.isWhitespace } ?? false
    if cutsWord, let space = out.lastIndex(where: \.isWhitespace), displayWidth(String(out[..<space])) * 2 >= room {
        out = String(out[..<space])
        while let last = out.last, last.isWhitespace || last == "," || last == ";" || last == "(" { out.removeLast() }
    }
    return out + ellipsis
}

extension String {
    /// The string padded with spaces on the right to `width` columns.
    public func padded(_ width: Int) -> String {
        let w = displayWidth(self)
        return w >= width ? self : self + String(repeating: " ", count: width - w)
    }

    /// The string padded with spaces on the left to `width` columns.
    public func leftPadded(_ width: Int) -> String {
        let w = displayWidth(self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
