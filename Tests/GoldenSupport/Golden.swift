import Foundation

/// Golden-file comparison for screens and reports: text compared line by line with a
/// readable diff. Set `NNLAB_RECORD_GOLDEN=1` to (re)write the files instead.
public enum Golden {
    /// The folder of golden files (`Tests/Golden`), found from this source file.
    public static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden").path
    }

    /// True when golden files are being recorded.
    public static var recording: Bool { ProcessInfo.processInfo.environment["NNLAB_RECORD_GOLDEN"] == "1" }

    /// nil when `actual` equals the golden file `name` (or was just recorded); otherwise a
    /// description of the first differences, line by line.
    public static func check(_ name: String, _ actual: String) -> String? {
        let path = directory + "/" + name
        if recording {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try? (actual + "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "no golden file \(name); run with NNLAB_RECORD_GOLDEN=1 to record it"
        }
        let want = expected.hasSuffix("\n") ? String(expected.dropLast()) : expected
        if want == actual { return nil }
        return diff(want.components(separatedBy: "\n"), actual.components(separatedBy: "\n"), name: name)
    }

    /// The differing lines of two texts, at most 12, as `line N` / `- expected` / `+ actual`.
    public static func diff(_ expected: [String], _ actual: [String], name: String) -> String {
        var out = ["\(name) differs (\(expected.count) lines expected, \(actual.count) found); NNLAB_RECORD_GOLDEN=1 re-records:"]
        var shown = 0
        for i in 0..<max(expected.count, actual.count) where shown < 12 {
            let e = i < expected.count ? expected[i] : "<no line>"
            let a = i < actual.count ? actual[i] : "<no line>"
            if e != a {
                out.append("line \(i + 1):")
                out.append("- " + e)
                out.append("+ " + a)
                shown += 1
            }
        }
        return out.joined(separator: "\n")
    }
}
