import NeuralCore
import Testing

@Suite struct SessionTests {
    static func session(_ kind: DatasetKind, hidden: [HiddenLayer], features: FeatureSet = .plain, settings: TrainingSettings,
                        seed: UInt64 = 1, noise: Double? = nil) throws -> TrainingSession {
        try TrainingSession(SessionConfiguration(data: .generated(DatasetSpec(kind: kind, noise: noise, seed: seed)), features: features,
                                                 hidden: hidden, settings: settings, seed: seed))
    }

    /// A lesson's gradient claims and the lab's layer panel measure the same thing: the same
    /// norm on the same (at most 2,048) probed examples, here with more points than that.
    @Test func gradientNormsAreTheProbes() throws {
        let s = try TrainingSession(SessionConfiguration(data: .generated(DatasetSpec(kind: .circles, count: 5000, seed: 4)),
                                                         hidden: [HiddenLayer(units: 6, activation: .tanh), HiddenLayer(units: 5, activation: .relu)],
                                                         settings: TrainingSettings(learningRate: 0.1, batchSize: 16), seed: 4))
        s.runEpoch()
        let norms = s.gradientNorms(), probes = s.probes()
        #expect(norms.count == 3 && probes.count == 2)
        for (k, p) in probes.enumerated() { #expect(norms[k] == p.gradientNorm && norms[k] > 0, "W(\(k + 1))") }
        // Not the whole training set's gradient: a subset of 2,048.
        #expect(s.train.count > Prober.maxExamples)
    }

    @Test func xorTableIsLearnedByTheSession() throws {
        let s = try Self.session(.xorTable, hidden: [HiddenLayer(units: 2, activation: .logistic)],
                                 settings: TrainingSettings(learningRate: 1, batchSize: 4), seed: 2)
        for _ in 0..<3000 { s.runEpoch() }
        #expect(s.metrics.train.accuracy == 1)
    }

    /// The documented setting of the spiral lesson: 2-8-8-1 tanh, Adam 0.01, batch 10.
    @Test func spiralNeedsDepth() throws {
        let deep = try Self.session(.spiral, hidden: [HiddenLayer(units: 8, activation: .tanh), HiddenLayer(units: 8, activation: .tanh)],
                                    settings: TrainingSettings(learningRate: 0.01, batchSize: 10, optimizer: try! Optimizer(spec: "adam")))
        for _ in 0..<300 { deep.runEpoch() }
        #expect(deep.metrics.train.accuracy! >= 0.95, "2-8-8-1 tanh on the spiral: \(deep.metrics.train)")
        let shallow = try Self.session(.spiral, hidden: [HiddenLayer(units: 2, activation: .tanh)],
                                       settings: TrainingSettings(learningRate: 0.01, batchSize: 10, optimizer: try! Optimizer(spec: "adam")))
        for _ in 0..<300 { shallow.runEpoch() }
        #expect(shallow.metrics.train.accuracy! < 0.8, "2-2-1 should not fit the spiral: \(shallow.metrics.train)")
    }

    @Test func circlesNeedTheRadiusFeatureForASingleNeuron() throws {
        let plain = try Self.session(.circles, hidden: [], settings: TrainingSettings())
        for _ in 0..<200 { plain.runEpoch() }
        #expect(plain.metrics.train.accuracy! < 0.65, "x1, x2 only: \(plain.metrics.train)")
        let polar = try Self.session(.circles, hidden: [], features: FeatureSet([.x1, .x2, .r]), settings: TrainingSettings())
        for _ in 0..<200 { polar.runEpoch() }
        #expect(polar.metrics.train.accuracy! >= 0.95, "with r: \(polar.metrics.train)")
        #expect(polar.metrics.test!.accuracy! >= 0.95)
        // A hidden layer learns such a feature itself.
        let hidden = try Self.session(.circles, hidden: [HiddenLayer(units: 4, activation: .tanh)], settings: TrainingSettings(learningRate: 0.1))
        for _ in 0..<200 { hidden.runEpoch() }
        #expect(hidden.metrics.train.accuracy! >= 0.95, "2-4-1 tanh: \(hidden.metrics.train)")
    }

    @Test func divergenceIsDetectedAndExplained() throws {
        let s = try Self.session(.circles, hidden: [HiddenLayer(units: 8, activation: .relu)], settings: TrainingSettings(learningRate: 100))
        var epochs = 0
        while s.runEpoch() && epochs < 50 { epochs += 1 }
        let message = try #require(s.divergence)
        #expect(message.contains("the learning rate 100 is too high; try 10 or lower"), "\(message)")
        #expect(message.hasPrefix("loss became NaN at step") || message.hasPrefix("loss became infinite at step") || message.hasPrefix("loss exploded"))
        // The weights shown afterwards are the last finite ones, and steps are refused.
        #expect(s.network.isFinite)
        #expect(s.metrics.train.meanLoss.isFinite)
        #expect(!s.step())
        // The climb within the epoch that diverged (a regression at a rate of 3 diverges at step 22 of 25): the finite
        // minibatch losses after the last complete epoch, at fractional epochs past it, oldest
        // first, ending far above where they started.
        let fast = try Self.session(.plane, hidden: [HiddenLayer(units: 8, activation: .tanh)], settings: TrainingSettings(learningRate: 3))
        while fast.step() && fast.trainer.stepCount < 10_000 {}
        #expect(fast.hasDiverged && fast.trainer.stepsIntoEpoch > 1, "it diverges inside an epoch (step \(fast.trainer.stepsIntoEpoch) of it)")
        #expect(fast.divergence?.contains("at step \(fast.trainer.stepCount) (epoch \(fast.trainer.epoch) + \(fast.trainer.stepsIntoEpoch) steps)") == true,
                "steps and epochs counted as the header counts them: \(fast.divergence ?? "")")
        let climb = fast.climb
        #expect(climb.count >= 2, "the steps before the divergence are kept")
        #expect(climb.allSatisfy { $0.epoch > Double(fast.trainer.epoch) && $0.epoch < Double(fast.trainer.epoch + 1) && $0.loss.isFinite }, "\(climb) epoch \(fast.trainer.epoch) step \(fast.trainer.stepCount)")
        #expect(zip(climb, climb.dropFirst()).allSatisfy { $0.epoch < $1.epoch }, "oldest first")
        #expect((climb.last?.loss ?? 0) > 10 * (climb.first?.loss ?? .infinity), "a climb: \(climb.map(\.loss))")
    }

    /// A validation share is held out of the non-training points: the three sets are disjoint,
    /// the training share stays, and every epoch's metrics measure the validation set too.
    @Test func aValidationSetIsHeldOut() throws {
        var c = SessionConfiguration(data: .generated(DatasetSpec(kind: .circles, count: 500, seed: 1)), trainRatio: 0.2,
                                     hidden: [HiddenLayer(units: 4, activation: .tanh)], settings: TrainingSettings(learningRate: 0.1))
        c.validationRatio = 0.2
        let s = try TrainingSession(c)
        #expect(s.trainIndices.count == 100 && s.validationIndices.count == 100 && s.testIndices.count == 300)
        #expect(Set(s.trainIndices).isDisjoint(with: s.validationIndices) && Set(s.testIndices).isDisjoint(with: s.validationIndices)
                && Set(s.trainIndices).isDisjoint(with: s.testIndices))
        s.runEpoch()
        #expect(s.metrics.validation != nil && s.history.allSatisfy { $0.validation != nil })
        #expect(s.metrics.validation!.meanLoss != s.metrics.test!.meanLoss, "measured on its own points")
        // Without a share there is no validation set; too large a share is refused.
        c.validationRatio = 0
        #expect(try TrainingSession(c).validationIndices.isEmpty)
        c.validationRatio = 0.75
        #expect(throws: NNLabError.self) { try TrainingSession(c) }
    }

    @Test func continuingFromAModelKeepsItsWeights() throws {
        let first = try Self.session(.gauss, hidden: [HiddenLayer(units: 3, activation: .tanh)], settings: TrainingSettings())
        first.runEpoch()
        let model = first.network
        let second = try TrainingSession(first.configuration, model: model)
        #expect(second.network.parameters == model.parameters)
        #expect(second.metrics.train.meanLoss == first.metrics.train.meanLoss)
    }

    @Test func controllerRunsOnItsOwnThread() throws {
        let s = try Self.session(.circles, hidden: [HiddenLayer(units: 4, activation: .tanh)], settings: TrainingSettings())
        let controller = TrainingController(session: s, running: false, stopAtEpoch: 5)
        controller.start()
        defer { controller.shutdown() }
        #expect(controller.snapshot.status == .paused)
        controller.send(.step)
        #expect(waitFor { controller.snapshot.stepCount == 1 })
        controller.send(.epoch)
        #expect(waitFor { controller.snapshot.epoch == 1 })
        #expect(controller.snapshot.status == .paused)
        controller.edit { $0.trainer.settings.learningRate = 0.5 }
        controller.send(.play)
        #expect(waitFor { controller.snapshot.status == .done("reached 5 epochs") })
        let snapshot = controller.snapshot
        #expect(snapshot.epoch == 5 && snapshot.settings.learningRate == 0.5)
        #expect(snapshot.history.map(\.epoch) == [0, 1, 2, 3, 4, 5])
        #expect(snapshot.probes.count == 1)
    }
}

/// Polls `condition` every 2 ms for up to 5 s.
func waitFor(_ condition: () -> Bool) -> Bool {
    for _ in 0..<2500 {
        if condition() { return true }
        var ts = timespec(tv_sec: 0, tv_nsec: 2_000_000)
        nanosleep(&ts, nil)
    }
    return condition()
}

#if canImport(Glibc)
import Glibc
#endif
