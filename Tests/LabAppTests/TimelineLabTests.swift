import LabApp
import LabRendering
import Lessons
import NeuralCore
import Testing

/// Scrubbing back through training in the lab: the screen at a checkpoint, the keys, resuming.
@Suite struct TimelineLabTests {
    static let size = (width: 120, height: 40)

    static func lines(_ lab: Lab, theme: Theme = .plain) -> [String] {
        lab.compose(width: size.width, height: size.height, theme: theme).lines
    }

    /// The rows of two screens that differ.
    static func differing(_ a: [String], _ b: [String]) -> [Int] {
        a.indices.filter { a[$0] != b[$0] }
    }

    /// A run scrubbed back to the checkpoint at epoch 15 shows what a run stopped at epoch 15
    /// shows, in every view (map, units, hidden space) and in the step-through: all but the
    /// header's status, the timeline's row (which still spans the whole run) and the footer's keys.
    @Test(arguments: ["06a-spiral-deep", "09b-vanishing-gradients", "04-xor-two-hidden-units"])
    func scrubbedScreenIsTheRunStoppedThere(_ lesson: String) throws {
        let long = try LabTests.lab(lesson)
        long.trainSynchronously(epochs: 40)
        let stopped = try LabTests.lab(lesson)
        stopped.trainSynchronously(epochs: 15)

        long.handle(.home)
        #expect(long.state.scrubStep == 0 && long.snapshot.epoch == 0)
        for _ in 0..<5 { long.handle(.right) }
        long.handle(.char(">"))
        #expect(long.snapshot.epoch == 15, "epoch \(long.snapshot.epoch)")
        #expect(long.snapshot.stepCount == stopped.snapshot.stepCount)
        #expect(long.snapshot.network.parameters == stopped.snapshot.network.parameters)

        for view in [nil, "v", "v"] as [Character?] {
            if let view { long.handle(.char(view)); stopped.handle(.char(view)) }
            for lab in [long, stopped] { lab.handle(.control("l")) }
            let a = Self.lines(long), b = Self.lines(stopped)
            // The header's status, the timeline's row and the footer's keys differ; nothing else.
            let rows = Self.differing(a, b)
            #expect(rows.count == 3 && rows.first == 0 && rows.last == Self.size.height - 1, "rows that differ: \(rows.map { "\n" + a[$0] + "\n" + b[$0] })")
            #expect(a[0].contains("checkpoint 16/41"), "\(a[0])")
            #expect(rows.count == 3 && a[rows[1]].contains("16/41 epoch 15") && b[rows[1]].contains("16 checkpoints"), "\(rows.map { a[$0] })")
            #expect(a[Self.size.height - 1].contains("b go back here"))
        }
        long.handle(.char("f"))
        stopped.handle(.char("f"))
        let a = Self.lines(long), b = Self.lines(stopped)
        #expect(Self.differing(a, b).allSatisfy { $0 == 0 }, "step-through: \(Self.differing(a, b).map { a[$0] + "\n" + b[$0] })")
    }

    /// b resumes from the checkpoint shown: the later history is dropped (the header says so),
    /// and training on gives the weights of a run that never went further, bit for bit.
    @Test func resumeDropsTheLaterHistoryAndContinuesExactly() throws {
        let lab = try LabTests.lab("06a-spiral-deep")
        lab.trainSynchronously(epochs: 30)
        lab.handle(.char("b"))
        #expect(lab.state.notice?.contains("go back first") == true)
        for _ in 0..<10 { lab.handle(.left) }
        #expect(lab.snapshot.epoch == 20)
        lab.handle(.char("b"))
        #expect(lab.state.scrubStep == nil)
        #expect(lab.state.notice == "back at epoch 20: 10 later epochs dropped; change a setting or press space to train on")
        #expect(lab.snapshot.epoch == 20 && lab.snapshot.history.last?.epoch == 20)
        #expect(lab.snapshot.checkpoints.count == 21)
        let header = Self.lines(lab)[0]
        #expect(header.contains("back here, 10 later epochs dropped; space plays"), "\(header)")
        lab.trainSynchronously(epochs: 7)

        let straight = try LabTests.lab("06a-spiral-deep")
        straight.trainSynchronously(epochs: 27)
        for (a, b) in zip(lab.controller.sessions, straight.controller.sessions) {
            #expect(a.network.parameters.map(\.bitPattern) == b.network.parameters.map(\.bitPattern))
            #expect(a.history.map(\.train.meanLoss) == b.history.map(\.train.meanLoss))
        }
        for lab in [lab, straight] { lab.handle(.control("l")) }
        #expect(Self.lines(lab) == Self.lines(straight))
    }

    /// Points edited at epoch 5: the checkpoints before can be looked at but not resumed from
    /// (their states were saved on other points); those after can.
    @Test func resumingBeforeAnEditIsRefused() throws {
        let lab = try LabTests.lab("06a-spiral-deep")
        lab.trainSynchronously(epochs: 5)
        lab.handle(.char("E"))
        lab.handle(.char("1"))
        lab.handle(.char("E"))
        lab.trainSynchronously(epochs: 4)
        lab.handle(.home)
        lab.handle(.right)
        #expect(lab.snapshot.epoch == 1)
        lab.handle(.char("b"))
        #expect(lab.state.notice?.hasPrefix("the points were edited at step") == true, "\(lab.state.notice ?? "")")
        #expect(lab.state.scrubStep != nil && lab.controller.snapshot.epoch == 9)
        for _ in 0..<6 { lab.handle(.right) }
        #expect(lab.snapshot.epoch == 7)
        lab.handle(.char("b"))
        #expect(lab.state.scrubStep == nil && lab.controller.snapshot.epoch == 7)
    }

    /// The keys: right at the latest state says so; end and any training key return to the
    /// latest; views stay on the checkpoint; the timeline bar marks the one shown.
    @Test func keysMoveAlongTheTimeline() throws {
        let lab = try LabTests.lab("06a-spiral-deep")
        lab.trainSynchronously(epochs: 12)
        lab.handle(.right)
        #expect(lab.state.scrubStep == nil && lab.state.notice == "this is the latest state (left goes back)")
        lab.handle(.left)
        #expect(lab.snapshot.epoch == 11)
        lab.handle(.char("<"))
        #expect(lab.snapshot.epoch == 1)
        lab.handle(.char("<"))
        #expect(lab.snapshot.epoch == 0)
        lab.handle(.char("v"))
        #expect(lab.state.scrubStep == 0)
        // The timeline's row (the left panel's, on the compare screen) marks the first column.
        let row = try #require(Self.lines(lab).first { $0.contains("1/13 epoch 0") })
        #expect(row.hasPrefix("|#--+"), "\(row)")
        lab.handle(.end)
        #expect(lab.state.scrubStep == nil && lab.snapshot.epoch == 12)
        lab.handle(.home)
        lab.handle(.char("e"))
        #expect(lab.state.scrubStep == nil)
        // A click on the timeline's bar shows the checkpoint under it: the first column is epoch 0.
        let frame = lab.render(width: 120, height: 40, theme: .plain)
        let bar = try #require(frame.timeline?.bar)
        lab.handle(.click(x: bar.x, y: bar.y), in: frame)
        #expect(lab.state.scrubStep == 0 && lab.snapshot.epoch == 0)
        let scrubbed = lab.render(width: 120, height: 40, theme: .plain)
        let last = try #require(scrubbed.timeline?.bar)
        lab.handle(.click(x: last.right - 1, y: last.y), in: scrubbed)
        #expect(lab.snapshot.epoch == 12)
        lab.handle(.end)
        // Right past the last checkpoint: the latest state again.
        lab.handle(.left)
        lab.handle(.right)
        #expect(lab.snapshot.epoch == 12 && lab.state.scrubStep != nil)
        lab.handle(.right)
        #expect(lab.snapshot.epoch == 12 && lab.state.scrubStep == nil)
        #expect(lab.state.notice == "the latest state: epoch 12 (space plays on)")
    }
}

/// Every kind of run resumes exactly: the perceptron rule, regression, softmax over 3 classes,
/// a 1-D function, momentum.
@Suite struct TimelineResumeEveryKindTests {
    @Test(arguments: ["02a-perceptron-separable", "11b-universal-approximation-3", "07b-spirals-relu", "20a-momentum-and-adam", "15-squared-error-vs-cross-entropy"])
    func resumesBitForBit(_ lesson: String) throws {
        let lab = try LabTests.lab(lesson)
        lab.trainSynchronously(epochs: 9)
        for _ in 0..<5 { lab.handle(.left) }
        let back = lab.snapshot.epoch
        #expect(back == 4, "\(lesson): \(back)")
        lab.handle(.char("b"))
        lab.trainSynchronously(epochs: 3)
        let straight = try LabTests.lab(lesson)
        straight.trainSynchronously(epochs: back + 3)
        for (a, b) in zip(lab.controller.sessions, straight.controller.sessions) {
            #expect(a.network.parameters.map(\.bitPattern) == b.network.parameters.map(\.bitPattern), "\(lesson)")
            #expect(a.trainer.stepCount == b.trainer.stepCount && a.history.count == b.history.count)
        }
    }

    /// Dropout's masks, batch norm's running statistics and layer norm resume exactly too:
    /// the masks are drawn from the step, not from a generator's position.
    @Test func resumesNormsSkipsAndDropoutBitForBit() throws {
        let edit: (inout Scenario) -> Void = {
            $0.variants = []
            $0.configuration.hidden = [HiddenLayer(units: 8, activation: .relu, norm: .batch, keep: 0.8),
                                       HiddenLayer(units: 8, activation: .tanh, norm: .layer, skip: 1, keep: 0.7)]
        }
        let lab = try LabTests.lab("06a-spiral-deep", edit: edit)
        lab.trainSynchronously(epochs: 9)
        for _ in 0..<5 { lab.handle(.left) }
        let back = lab.snapshot.epoch
        #expect(back == 4)
        lab.handle(.char("b"))
        lab.trainSynchronously(epochs: 3)
        let straight = try LabTests.lab("06a-spiral-deep", edit: edit)
        straight.trainSynchronously(epochs: back + 3)
        let (a, b) = (lab.controller.sessions[0], straight.controller.sessions[0])
        #expect(a.network.parameters.map(\.bitPattern) == b.network.parameters.map(\.bitPattern))
        #expect(a.network.statistics.map(\.bitPattern) == b.network.statistics.map(\.bitPattern) && !a.network.statistics.isEmpty)
        #expect(a.trainer.stepCount == b.trainer.stepCount)
        // And dropout does something: the same network without it ends elsewhere.
        let without = try LabTests.lab("06a-spiral-deep") {
            edit(&$0)
            for i in $0.configuration.hidden.indices { $0.configuration.hidden[i].keep = 1 }
        }
        without.trainSynchronously(epochs: back + 3)
        #expect(without.controller.sessions[0].network.statistics != b.network.statistics)
    }
}
