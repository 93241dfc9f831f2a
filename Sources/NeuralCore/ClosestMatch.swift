import Formatting
/// The closest of `choices` to `word` (case-insensitive edit distance at most 2, or a prefix),
/// for "did you mean" hints.
public func closestMatch(_ word: String, among choices: [String]) -> String? {
    let w = Array(word.lowercased())
    var best: (String, Int)?
    for choice in choices {
        let c = Array(choice.lowercased())
        // Optimal string alignment distance: a swap of neighbours ("tahn") costs 1.
        var d = [[Int]](repeating: [Int](repeating: 0, count: c.count + 1), count: w.count + 1)
        for i in 0...w.count { d[i][0] = i }
        for j in 0...c.count { d[0][j] = j }
        if !w.isEmpty && !c.isEmpty {
            for i in 1...w.count {
                for j in 1...c.count {
                    let cost = w[i - 1] == c[j - 1] ? 0 : 1
                    d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                    if i > 1, j > 1, w[i - 1] == c[j - 2], w[i - 2] == c[j - 1] {
                        d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                    }
                }
            }
        }
        let distance = d[w.count][c.count]
        if distance <= max(1, min(2, c.count / 3)) || (w.count >= 3 && c.starts(with: w)), best == nil || distance < best!.1 {
            best = (choice, distance)
        }
    }
    return best?.0
}

/// "expected one of a, b, c" with a "did you mean" hint when one is close.
public func choiceMessage(found: String, allowed: [String]) -> String {
    var message = "\"\(found.quotedForMessage())\" is not one of " + allowed.map { "\"\($0)\"" }.joined(separator: ", ")
    if let hint = closestMatch(found, among: allowed) { message += "; did you mean \"\(hint)\"?" }
    return message
}
