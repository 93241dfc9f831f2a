import ArgumentParser
import Foundation
import LabApp
import LabRendering
import LabTerminal
import Lessons
import NeuralCore

extension NNLab {
    /// `nnlab` and `nnlab open`: the interactive lab.
    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the interactive lab on a lesson (the default lesson if none).",
            discussion: """
            The lab's keys, mode by mode (the footer and ? show the same tables):

            \(KeyTable.manualText())

            The lab keeps up to 500 checkpoints per run, densely at the start, thinned later, never
            the first or the latest, within --checkpoint-memory (64 MB): at least 200 for networks
            up to about 70,000 weights (fewer for larger ones, shared by the networks compared).
            Without a terminal (output piped), use `nnlab run` or `nnlab train` instead.
            """)

        @Argument(help: "A scenario file, or a lesson's name or number (see nnlab list).", completion: Completions.lesson)
        var lesson: String = ShippedLessons.defaultName

        @Option(help: ArgumentHelp("Look for lesson names in this folder too.", valueName: "folder"), completion: .directory)
        var dir: String?

        @Option(help: ArgumentHelp("For a lesson that compares variants: open this one alone (all side by side by default).", valueName: "name"))
        var variant: String?

        @Option(help: ArgumentHelp("Open the lab on the points of a CSV file (x1,x2,label or x,y rows, or x1,...,xm,y1,...,yk; as nnlab train --data reads).",
                                   valueName: "file.csv"), completion: Completions.csv)
        var data: String?

        @OptionGroup var display: DisplayOptions

        func run() throws {
            var scenario = try loadScenario(lesson, directory: dir)
            if let variant { scenario = try scenario.selecting(variant: variant) }
            if let data { scenario = try scenario.onData(file: data) }
            try openLab(scenario, display: display)
        }
    }
}

/// How the lab is shown and what students may change: the flags of `open` and `compare`.
struct DisplayOptions: ParsableArguments {
    @Flag(help: "Start paused (space starts training).")
    var paused = false

    @Flag(help: "Presentation mode, for a projector: the maps and block digits only, high contrast (p toggles).")
    var present = false

    @Option(help: ArgumentHelp("Settings students may not change, comma-separated: \(Lock.names.joined(separator: ", ")).",
                               valueName: "settings"))
    var lock: String?

    @Flag(help: "Draw with ASCII characters only.")
    var ascii = false

    @Flag(help: "Draw with Unicode even when the locale does not say UTF-8.")
    var unicode = false

    @Flag(help: "No colours.")
    var mono = false

    @Option(help: ArgumentHelp("Where w saves the model by default.", valueName: "file"), completion: Completions.model)
    var save = "nnlab-model.json"

    @Option(help: ArgumentHelp("Memory for the timeline's checkpoints, in MB (1-4096), shared by the networks compared.", valueName: "MB"))
    var checkpointMemory = Timeline.defaultBudget >> 20

    func validate() throws {
        guard (1...4096).contains(checkpointMemory) else {
            throw NNLabError("--checkpoint-memory: must be between 1 and 4096 MB, found \(checkpointMemory)")
        }
    }

    @Option(help: .hidden)
    var quitAfter: Double?

    /// Crashes after the first frame (the end-to-end test checks the terminal is restored).
    @Flag(help: .hidden)
    var crashTest = false
}

/// Runs the lab on `scenario` in this terminal until q or a quit signal.
func openLab(_ scenario: Scenario, display: DisplayOptions) throws {
    var options = LabOptions()
    options.paused = display.paused
    options.present = display.present
    options.modelPath = display.save
    options.checkpointMegabytes = display.checkpointMemory
    if let lock = display.lock {
        for name in lock.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let lock = Lock(rawValue: name) else {
                throw NNLabError("--lock: \(choiceMessage(found: name, allowed: Lock.names))")
            }
            options.locked.insert(lock)
        }
    }
    guard Terminal.isInteractive else {
        throw NNLabError("the lab needs a terminal (standard input and output are not one). Without one, train headless: "
                         + "`nnlab run \(scenario.name)` checks the lesson's claims, `nnlab train --help` trains any network.")
    }
    let lab: Lab
    do { lab = try Lab(scenario: scenario, options: options) } catch let e as NNLabError {
        throw NNLabError("\(scenario.path): \(e.message)")
    }
    let terminal: Terminal
    do {
        terminal = try Terminal(unicode: display.ascii ? false : (display.unicode ? true : nil), color: display.mono ? .mono : nil)
    } catch let e as TerminalError {
        throw NNLabError("cannot open the lab: \(e.description). Try `nnlab run \(scenario.name)` for a headless run.")
    }
    let signal = runLoop(lab, terminal, display: display)
    terminal.close()
    lab.stop()
    if let seconds = display.quitAfter {
        let s = lab.snapshot
        Console.error("lab: \(s.stepCount) steps, epoch \(s.epoch) in \(seconds) s\n")
    }
    if signal != 0 { throw ExitCode(128 + signal) }
}

/// Draws about 30 frames a second and handles keys until `q`, a quit signal or the end of
/// input. Returns the signal that ended it, or 0.
func runLoop(_ lab: Lab, _ terminal: Terminal, display: DisplayOptions) -> Int32 {
    let theme = Theme(colorMode: terminal.colorMode, glyphs: terminal.unicode ? .unicodeSet : .asciiSet)
    let clock = ContinuousClock()
    let start = clock.now
    lab.start()
    var immediateErrors = 0
    // A frame is composed only when what it shows may have changed (a key, a resize, a
    // network's new numbers), and once a second whatever happens: paused, the lab sleeps.
    var frame = Frame(width: 0, height: 0)
    var drawn: Lab.DrawSignature?
    var lastDraw = clock.now
    while true {
        if terminal.quitSignal != 0 { return terminal.quitSignal }
        if let limit = display.quitAfter, clock.now - start > .milliseconds(Int(limit * 1000)) { return 0 }
        lab.tick()
        let (w, h) = terminal.size
        let signature = lab.drawSignature(width: w, height: h)
        if signature != drawn || clock.now - lastDraw > .seconds(1) {
            frame = lab.render(width: w, height: h, theme: theme)
            terminal.draw(frame.buffer)
            drawn = signature
            lastDraw = clock.now
        }
        if display.crashTest { fatalError("crash test: the signal guard must restore the terminal") }
        let frameStart = clock.now
        guard let key = terminal.readKey(timeout: 33) else {
            // A closed input returns at once, again and again: that is the end of input.
            immediateErrors = clock.now - frameStart < .milliseconds(2) ? immediateErrors + 1 : 0
            if immediateErrors > 50 { return 0 }
            continue
        }
        immediateErrors = 0
        var next: KeyEvent? = key
        var handled = 0
        // Take the keys already waiting before drawing again (fast typing, pasted keys), at
        // most 64 a frame; the rest wait for the next frame (none is read and dropped).
        while let k = next {
            if k == .control("l") { terminal.invalidate(); drawn = nil }
            lab.handle(k, in: frame)
            if lab.state.quit { return 0 }
            handled += 1
            if handled == 64 { break }
            next = terminal.readKey(timeout: 0)
        }
    }
}

extension Scenario {
    /// The lesson on a user's CSV file: every variant trains on its points, with the output and
    /// loss that fit them. Throws `FILE:LINE: problem` for a file that cannot be read.
    func onData(file: String) throws -> Scenario {
        let dataset = try Dataset.load(csv: file)
        var s = self
        func adapt(_ c: inout SessionConfiguration) {
            c.data = .file(file)
            c.output = nil
            c.loss = nil
            c.initialWeights = nil
            if dataset.dimension != 2 { c.features = .plain }
        }
        adapt(&s.configuration)
        for i in s.variants.indices { adapt(&s.variants[i].configuration) }
        s.modelPath = nil
        // No map or curve shows a regression of 3 or more inputs, or of several outputs, whole.
        if dataset.classCount == nil, dataset.dimension >= 3 || dataset.outputWidth >= 2 { s.view.main = .fit }
        return s
    }
}
