import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LabApp
import LabRendering
import Lessons
import Testing

/// `nnlab snapshot` and `nnlab record`: the lab's own frames, as files.
@Suite struct FrameCommandTests {
    /// The snapshot's bytes are the lab's export of the same state (F in the lab).
    @Test(arguments: ["txt", "ans", "svg"])
    func snapshotEqualsTheLabsExport(_ ext: String) throws {
        let dir = CLI.temporaryDirectory()
        let path = dir + "/frame." + ext
        let r = try CLI.run(["snapshot", "04", "--epoch", "50", "--size", "100x30", "--out", path])
        #expect(r.status == 0, "\(r.stderr)")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        var options = LabOptions()
        options.paused = true
        let lab = try Lab(scenario: ShippedLessons.load("04-xor-two-hidden-units"), options: options)
        lab.trainSynchronously(epochs: 50)
        let format = try #require(FrameFormat(rawValue: ext))
        #expect(written == lab.exportText(width: 100, height: 30, format: format))
        // The lab's F writes the same bytes.
        let fromLab = dir + "/lab." + ext
        _ = lab.render(width: 100, height: 30, theme: .plain)
        lab.handle(.char("F"), in: lab.render(width: 100, height: 30, theme: .plain))
        guard case .prompt(.exportFrame, let proposed) = lab.state.overlay else { Issue.record("no prompt"); return }
        #expect(proposed == "04-xor-two-hidden-units-epoch50.svg")
        for _ in proposed { lab.handle(.backspace) }
        for c in fromLab { lab.handle(.char(c)) }
        lab.handle(.enter)
        #expect(try String(contentsOfFile: fromLab, encoding: .utf8) == written)
        if ext == "svg" {
            let document = try XMLDocument(data: Data(written.utf8))
            #expect(document.rootElement()?.name == "svg")
            let texts = (try document.nodes(forXPath: "//*[local-name()='text']")).compactMap { (node: XMLNode) in node.stringValue }.joined(separator: " ")
            #expect(texts.contains("Two hidden units solve XOR") && texts.contains("epoch 50"))
        }
        if ext == "txt" {
            let ans = try CLI.run(["snapshot", "04", "--epoch", "50", "--size", "100x30", "--out", dir + "/frame.ans"])
            #expect(ans.status == 0)
            let colours = try String(contentsOfFile: dir + "/frame.ans", encoding: .utf8)
            #expect(FrameFormat.strippingEscapes(colours) == written && colours != written)
        }
    }

    @Test func recordWritesAnAsciicast() throws {
        let dir = CLI.temporaryDirectory()
        let path = dir + "/x.cast"
        let r = try CLI.run(["record", "04", "--epochs", "200", "--every", "20", "--size", "80x24", "--out", path])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(header["version"] as? Int == 2 && header["width"] as? Int == 80 && header["height"] as? Int == 24)
        var last = -1.0
        var output = ""
        for line in lines.dropFirst() {
            let event = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [Any])
            let time = try #require(event[0] as? Double)
            #expect(time > last && event[1] as? String == "o")
            last = time
            output = try #require(event[2] as? String)
        }
        #expect(lines.count == 12 && last == 1.0)
        #expect(FrameFormat.strippingEscapes(output).contains("epoch 200"))
    }

    @Test func badInputIsOneLine() throws {
        for (args, message) in [(["snapshot", "04", "--epoch", "99999", "--out", "/tmp/a.txt"], "nnlab: --epoch: must be between 0 and 3000"),
                                (["snapshot", "04", "--epoch", "1", "--out", "/tmp/a.png"], "nnlab: --out: /tmp/a.png: expected a name ending in .txt, .ans or .svg"),
                                (["snapshot", "04", "--epoch", "1", "--out", "/nonexistent/a.txt"], "nnlab: --out: cannot write /nonexistent/a.txt"),
                                (["record", "04", "--epochs", "5", "--fps", "0", "--out", "/tmp/a.cast"], "nnlab: --fps: between 1 and 60"),
                                (["record", "04", "--epochs", "5", "--out", "/tmp/a.txt"], "nnlab: --out: /tmp/a.txt: a recording's name ends in .cast"),
                                (["open", "04", "--checkpoint-memory", "0"], "nnlab: --checkpoint-memory: must be between 1 and 4096 MB, found 0"),
                                (["compare", "04", "--vary", "layers=none,2", "--checkpoint-memory", "5000"], "nnlab: --checkpoint-memory: must be between 1 and 4096 MB, found 5000")] {
            let r = try CLI.run(args)
            #expect(r.status == 2 && r.stderr.hasPrefix(message) && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}
