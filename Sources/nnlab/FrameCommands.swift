import ArgumentParser
import Formatting
import Foundation
import LabApp
import LabRendering
import Lessons
import NeuralCore

/// What `snapshot` and `record` share: the lesson, its seed and the screen's size.
struct FrameOptions: ParsableArguments {
    @Argument(help: "A scenario file, or a lesson's name or number (see nnlab list).", completion: Completions.lesson)
    var lesson: String = ShippedLessons.defaultName

    @Option(help: ArgumentHelp("The screen's size, WIDTHxHEIGHT (80x24 to 400x200).", valueName: "size"))
    var size = "120x40"

    @Option(parsing: .unconditional, help: "Seed instead of the lesson's own (0 or more).")
    var seed: Int?

    /// Width and height, or a one-line message.
    func dimensions() throws -> (Int, Int) {
        let parts = size.lowercased().split(separator: "x").map { Int($0) }
        guard parts.count == 2, let w = parts[0], let h = parts[1], (80...400).contains(w), (24...200).contains(h) else {
            throw NNLabError("--size: expected WIDTHxHEIGHT from 80x24 to 400x200, found \"\(size.terminalSafeLine)\"")
        }
        return (w, h)
    }

    /// The lab on the lesson (paused, nothing drawn on a terminal).
    func lab() throws -> Lab {
        if let seed, seed < 0 { throw NNLabError("--seed: must be 0 or more, found \(seed)") }
        var scenario = try loadScenario(lesson, directory: nil)
        if let seed {
            scenario.configuration.reseed(UInt64(seed))
            for i in scenario.variants.indices { scenario.variants[i].configuration.reseed(UInt64(seed)) }
        }
        scenario.view.chain = false
        scenario.view.quiz = false
        var options = LabOptions()
        options.paused = true
        return try Lab(scenario: scenario, options: options)
    }

    /// The output file's format, after checking it can be written.
    static func format(of out: String) throws -> FrameFormat {
        try flagged("--out") { try FileIO.checkWritable(out) }
        guard let format = FrameFormat(path: out) else { throw NNLabError("--out: \(out.terminalSafeLine): expected \(FrameFormat.expected)") }
        return format
    }
}

extension NNLab {
    /// `nnlab snapshot`: the frame the lab would draw at an epoch, as a file.
    struct Snapshot: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the screen the lab would show after N epochs of a lesson (.txt, .ans or .svg), the same bytes as the lab's F.")

        @OptionGroup var frame: FrameOptions

        @Option(parsing: .unconditional, help: "Epochs to train first (0 to the lesson's epochs).")
        var epoch: Int

        @Option(help: ArgumentHelp("The main panel: map, units, hidden, curve, fit or layers.", valueName: "view"))
        var view: String?

        @Option(help: ArgumentHelp("The file to write: .txt, .ans (ANSI colours) or .svg.", valueName: "file"))
        var out: String

        func run() throws {
            let (w, h) = try frame.dimensions()
            let format = try FrameOptions.format(of: out)
            var main: MainView?
            if let view {
                guard let v = MainView(rawValue: view) else {
                    throw NNLabError("--view: \(choiceMessage(found: view, allowed: MainView.allCases.map(\.rawValue)))")
                }
                main = v
            }
            let lab = try frame.lab()
            let limit = Swift.max(lab.scenario.epochs, 1)
            guard (0...limit).contains(epoch) else {
                throw NNLabError("--epoch: must be between 0 and \(limit) (the lesson's epochs), found \(epoch)")
            }
            lab.trainSynchronously(epochs: epoch)
            if let main { lab.show(main) }
            try flagged("--out") { try FileIO.writeAtomically(lab.exportText(width: w, height: h, format: format), to: out) }
            Console.error("wrote \(out.terminalSafeLine) (\(w)x\(h), epoch \(epoch))\n")
        }
    }

    /// `nnlab record`: an asciicast v2 recording of the lab while a lesson trains.
    struct Record: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the lab while a lesson trains, as an asciicast v2 file (asciinema play FILE.cast).",
            discussion: "One frame every K epochs at the given frames per second; the times are frame numbers / fps, so the file is the same on every run.")

        @OptionGroup var frame: FrameOptions

        @Option(parsing: .unconditional, help: "Epochs to train and record.")
        var epochs: Int

        @Option(parsing: .unconditional, help: "Frames per second of the recording (1 to 60).")
        var fps = 10

        @Option(parsing: .unconditional, help: "Epochs between frames.")
        var every = 1

        @Option(help: ArgumentHelp("The file to write (.cast).", valueName: "file.cast"))
        var out: String

        /// Recordings above this are refused.
        static let maxBytes = 200 << 20

        /// One frame of the cast: each row placed by its own cursor position and cleared before
        /// it is written, and no line feed after the last, so a player of `height` rows never
        /// scrolls and no text of the frame before survives.
        static func castFrame(_ screen: String, height: Int, first: Bool) -> String {
            var rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
            if rows.count > height, rows.last?.isEmpty == true { rows.removeLast() }
            var out = first ? "\u{1B}[2J" : ""
            for (i, row) in rows.prefix(height).enumerated() {
                out += "\u{1B}[\(i + 1);1H\u{1B}[0m\u{1B}[2K" + row
            }
            return out + "\u{1B}[0m"
        }

        func run() throws {
            let (w, h) = try frame.dimensions()
            guard (1...60).contains(fps) else { throw NNLabError("--fps: between 1 and 60 frames per second, found \(fps)") }
            guard every >= 1 else { throw NNLabError("--every: at least 1 epoch between frames, found \(every)") }
            guard (1...ScenarioLimits.maxEpochs).contains(epochs) else { throw NNLabError("--epochs: between 1 and \(ScenarioLimits.maxEpochs), found \(epochs)") }
            guard out.lowercased().hasSuffix(".cast") else { throw NNLabError("--out: \(out.terminalSafeLine): a recording's name ends in .cast") }
            try flagged("--out") { try FileIO.checkWritable(out) }
            let lab = try frame.lab()
            let style = OutputStyle.detect(ascii: false)
            var line = Progress(enabled: true)
            var text = "{\"version\": 2, \"width\": \(w), \"height\": \(h), \"env\": {\"TERM\": \"xterm-256color\"}}\n"
            var frameNumber = 0
            var epoch = 0
            while true {
                let data = Self.castFrame(FrameFormat.ans.render(lab.compose(width: w, height: h, theme: .full)), height: h, first: frameNumber == 0)
                let time = Double(frameNumber) / Double(fps)
                text += "[\(NumberFormat.fixed(time, decimals: 3, trim: false)), \"o\", \(jsonString(data))]\n"
                guard text.utf8.count <= Self.maxBytes else {
                    throw NNLabError("--out: the recording would pass 200 MB at frame \(frameNumber + 1); record fewer frames (--every) or a smaller --size")
                }
                frameNumber += 1
                line.update("record: [\(Progress.bar(Double(epoch) / Double(epochs), unicode: style.unicode))] epoch \(epoch)/\(epochs), \(frameNumber) frames")
                guard epoch < epochs else { break }
                let step = Swift.min(every, epochs - epoch)
                lab.trainSynchronously(epochs: step)
                epoch += step
            }
            line.finish()
            try flagged("--out") { try FileIO.writeAtomically(text, to: out) }
            Console.error("wrote \(out.terminalSafeLine): \(frameNumber) frames, \(NumberFormat.fixed(Double(frameNumber - 1) / Double(fps), decimals: 1, trim: false)) s at \(fps) fps\n")
        }
    }
}
