// The public entry points of the batch passes. Each forwards to its precision's compiled copy
// (`NNScalar.batchPass` and friends, at the end of Network+Passes.swift), which runs the
// generic body with a concrete type.

/// Which part of a batch's forward and backward propagation to run.
public enum BatchPass: Sendable {
    case forward, loss, outputDelta, backward
    /// Forward, the loss if wanted, output delta and backward.
    case forwardBackward(wantLoss: Bool)
}

extension Network {
    /// Forward pass over the batch loaded in `ws`: every z(l) and a(l). Allocates nothing.
    @inline(__always)
    public func forward(_ ws: Workspace<S>) { fits(ws); _ = S.batchPass(.forward, self, ws, l1: 0, l2: 0) }

    /// The output delta for the batch in `ws` (after `forward`); padding columns get zero.
    @inline(__always)
    public func outputDelta(_ ws: Workspace<S>) { fits(ws); _ = S.batchPass(.outputDelta, self, ws, l1: 0, l2: 0) }

    /// Writes each example's loss J(W, b; x, y) into `ws.losses` and returns their sum, in
    /// double precision (after `forward`).
    @inline(__always)
    public func computeLoss(_ ws: Workspace<S>) -> Double { fits(ws); return S.batchPass(.loss, self, ws, l1: 0, l2: 0) }

    /// Backward pass after `forward` and `outputDelta`: every delta(l), then grad W(l) and
    /// grad b(l) (means over the m examples, plus the L1 and L2 terms on weights) into
    /// `ws.gradient`. Allocates nothing.
    @inline(__always)
    public func backward(_ ws: Workspace<S>, l1: S = 0, l2: S = 0) { fits(ws); _ = S.batchPass(.backward, self, ws, l1: l1, l2: l2) }

    /// Forward, loss, output delta and backward in one call; returns the summed loss if
    /// `wantLoss`, else 0 (the loss pass is skipped).
    @inline(__always)
    public func forwardBackward(_ ws: Workspace<S>, l1: S = 0, l2: S = 0, wantLoss: Bool) -> Double {
        fits(ws)
        return S.batchPass(.forwardBackward(wantLoss: wantLoss), self, ws, l1: l1, l2: l2)
    }

    /// One training step on the batch loaded in `ws`: forward, loss (if `wantLoss`), output
    /// delta, backward, and the optimizer's update, in place. Returns the summed loss (0 if not
    /// wanted). Allocates nothing.
    @inline(__always)
    public mutating func trainStep(_ ws: Workspace<S>, optimizer: inout OptimizerState<S>, learningRate: Double,
                                   l1: S, l2: S, wantLoss: Bool) -> Double {
        // The step's check is two integers (the trainer calls this millions of times).
        require(ws.parameterCount == parameters.count && ws.shapes.count == shapes.count && optimizer.fits(parameters.count),
                "a workspace or optimizer state made for another network")
        return S.trainStepPass(&self, ws, &optimizer, learningRate: learningRate, l1: l1, l2: l2, wantLoss: wantLoss)
    }

    /// Traps unless `ws` was made for this network's shapes (a workspace of another network
    /// would be read and written out of its bounds).
    @inline(__always)
    func fits(_ ws: Workspace<S>) {
        require(ws.shapes == shapes, "a workspace made for another network")
    }
}

