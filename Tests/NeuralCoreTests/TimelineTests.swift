import NeuralCore
import Testing

@Suite struct TimelineTests {
    static let spiral = [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)]

    static func session(_ optimizer: String, budget: Int? = nil, batch: Int = 10) throws -> TrainingSession {
        let s = try SessionTests.session(.spiral, hidden: spiral, settings: TrainingSettings(learningRate: 0.01, batchSize: batch, optimizer: Optimizer(spec: optimizer)), seed: 7)
        if let budget { s.keepCheckpoints(budget: budget) } else { s.keepCheckpoints() }
        return s
    }

    static func bits(_ n: Network<Float>) -> [UInt32] { n.parameters.map(\.bitPattern) }

    /// Resuming from the checkpoint at epoch 12 of a 40-epoch run, then taking 137 steps, gives
    /// the same weights, bit for bit, as a run that stopped at epoch 12 and took the same steps
    /// (with the same change of learning rate and batch size made at epoch 5).
    @Test(arguments: ["sgd", "momentum", "adam"])
    func resumeContinuesExactlyAsAnUninterruptedRun(_ optimizer: String) throws {
        func run(_ s: TrainingSession, epochs: Int) {
            for e in 0..<epochs {
                if s.trainer.epoch == 5 && e == 5 {
                    s.trainer.settings.learningRate = 0.03
                    s.trainer.settings.batchSize = 7
                }
                s.runEpoch()
            }
        }
        // Every budget: the whole state in every checkpoint, or (tiny budget) in a few, replayed from.
        for budget in [Timeline.defaultBudget, 80_000] {
            let long = try Self.session(optimizer, budget: budget)
            run(long, epochs: 40)
            let timeline = try #require(long.timeline)
            let ki = try #require(timeline.checkpoints.firstIndex { $0.epoch == 12 }, "kept: \(timeline.checkpoints.map(\.epoch))")
            let k = timeline.checkpoints[ki]
            if budget < 100_000 { #expect(!timeline.keepsState(ki), "the small budget should have thinned the state at epoch 12") }
            try long.resume(atStep: k.step)
            // The lab's training thread checks the last batch's loss right away: it is known.
            #expect(long.checkDivergence() && long.trainer.lastBatchLoss == k.lastBatchLoss)
            #expect(long.trainer.epoch == 12 && long.trainer.stepCount == k.step)
            #expect(long.history.last?.epoch == 12 && long.timeline!.checkpoints.last!.step == k.step)
            #expect(Self.bits(long.network) == Self.bits(k.network))

            let straight = try Self.session(optimizer)
            run(straight, epochs: 12)
            #expect(Self.bits(straight.network) == Self.bits(long.network))
            #expect(long.trainer.settings == straight.trainer.settings)
            for _ in 0..<137 { long.step(); straight.step() }
            #expect(Self.bits(straight.network) == Self.bits(long.network), "\(optimizer), budget \(budget)")
            #expect(long.trainer.stepCount == straight.trainer.stepCount && long.trainer.epoch == straight.trainer.epoch)
            #expect(long.history.map(\.train.meanLoss) == straight.history.map(\.train.meanLoss))
        }
    }

    /// A resume goes back even after the run diverged, and says how much was dropped.
    @Test func resumeAfterDivergenceClearsIt() throws {
        let s = try Self.session("sgd")
        for _ in 0..<5 { s.runEpoch() }
        s.trainer.settings.learningRate = 1e6
        for _ in 0..<20 where s.runEpoch() {}
        #expect(s.hasDiverged)
        let back = s.timeline!.checkpoints[3]
        try s.resume(atStep: back.step)
        #expect(!s.hasDiverged && s.trainer.epoch == 3)
        #expect(s.trainer.settings.learningRate == 0.01)
        #expect(s.rewind?.epoch == 3 && s.rewind!.droppedEpochs >= 2)
        #expect(s.step())
    }

    /// Thousands of epochs: the timeline keeps its capacity (at least 200), the first and the
    /// latest, every epoch at the start, sparser later, within its budget.
    @Test func thinningKeepsTheFirstTheLatestAndAtLeast200() throws {
        let s = try TrainingSession(SessionConfiguration(data: .generated(DatasetSpec(kind: .xorTable)),
                                                         hidden: [HiddenLayer(units: 2, activation: .tanh)],
                                                         settings: TrainingSettings(learningRate: 0.1, batchSize: 4)))
        s.keepCheckpoints()
        for _ in 0..<3000 { s.runEpoch() }
        let t = try #require(s.timeline)
        let epochs = t.checkpoints.map(\.epoch)
        #expect(t.capacity >= 200 && epochs.count == t.capacity)
        // Once full, checkpoints are at least 32 steps (here epochs) apart: the latest is near.
        #expect(epochs.first == 0 && epochs.last! > 3000 - Timeline.fullSpacing)
        #expect(epochs == epochs.sorted() && Set(epochs).count == epochs.count)
        #expect(Array(epochs.prefix(20)) == Array(0..<20), "dense at the start: \(epochs.prefix(30))")
        let gaps = zip(epochs.dropFirst(), epochs).map { $0 - $1 }
        #expect(gaps.suffix(10).min()! > gaps.prefix(10).max()!, "sparser later: \(gaps.suffix(10))")
        #expect(t.bytes <= t.budget)
        #expect(t.resumableCount == t.checkpoints.count)
        // Scrubbing back to any of them shows its weights; resuming from the oldest works.
        try s.resume(atStep: t.checkpoints[1].step)
        #expect(s.trainer.epoch == 1 && s.timeline!.checkpoints.count == 2)
    }

    /// A 2-256-256-2 network with Adam: at least 200 checkpoints of weights and some whole
    /// states within 64 MB.
    @Test func aLargeNetworkStaysWithinTheBudget() throws {
        let arch = Architecture(inputs: 2, hidden: [HiddenLayer(units: 256, activation: .relu), HiddenLayer(units: 256, activation: .relu)],
                                outputs: 2, output: .softmax)
        let adam = 2 * arch.parameterCount * 4 + 250 * 8 + 128
        let t = Timeline(architecture: arch, stateBytes: adam)
        #expect(t.capacity >= 200)
        #expect(t.resumeCapacity >= 2)
        let weights = arch.parameterCount * 4
        #expect(t.capacity * (weights + 2000) + t.resumeCapacity * adam <= Timeline.defaultBudget)
    }

    /// After the points change, the states saved before cannot be resumed on the new ones.
    @Test func editedPointsCannotResumeFromBefore() throws {
        let s = try Self.session("sgd")
        for _ in 0..<6 { s.runEpoch() }
        let before = s.timeline!.checkpoints[2].step
        var train = s.trainIndices
        train.removeLast(5)
        try s.replaceData(s.dataset, train: train, test: s.testIndices)
        #expect(throws: NNLabError.self) { try s.resume(atStep: before) }
        for _ in 0..<4 { s.runEpoch() }
        try s.resume(atStep: s.timeline!.checkpoints.first { $0.epoch == 8 }!.step)
        #expect(s.trainer.epoch == 8)
    }
}
