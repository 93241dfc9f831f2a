// The lecture's smallest networks, 2 inputs -> 2, 3 or 4 hidden units -> 1 output (the XOR
// nets), compute a whole step in registers: the batch is one 16-lane vector per unit, and with
// the sizes known at compile time (integer generic parameters) every loop unrolls and no value
// goes through memory between the inputs and the gradient. A step of W1 (2-2-1) then takes
// half the time of the tiny path's loops. The arithmetic and its order are the tiny path's,
// so the numbers are the same to the last bit.

/// How the output layer turns z into a and a and y into delta.
protocol RegisterOutput {
    @inline(__always) static func a<S: NNScalar>(_ z: Vec<S>) -> Vec<S>
    @inline(__always) static func delta<S: NNScalar>(_ a: Vec<S>, _ y: Vec<S>) -> Vec<S>
}

/// A logistic output trained with squared error: delta = (a - y) a (1 - a).
private enum LogisticSquared: RegisterOutput {
    @inline(__always) static func a<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { LogisticKernel().f(z) }
    @inline(__always) static func delta<S: NNScalar>(_ a: Vec<S>, _ y: Vec<S>) -> Vec<S> { (a - y) * a * (1 - a) }
}

/// A logistic output trained with cross-entropy: delta = a - y.
private enum LogisticCrossEntropy: RegisterOutput {
    @inline(__always) static func a<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { LogisticKernel().f(z) }
    @inline(__always) static func delta<S: NNScalar>(_ a: Vec<S>, _ y: Vec<S>) -> Vec<S> { a - y }
}

/// An identity output trained with squared error: delta = a - y.
private enum IdentitySquared: RegisterOutput {
    @inline(__always) static func a<S: NNScalar>(_ z: Vec<S>) -> Vec<S> { z }
    @inline(__always) static func delta<S: NNScalar>(_ a: Vec<S>, _ y: Vec<S>) -> Vec<S> { a - y }
}

extension Network {
    /// Forward and backward of a 2-H-1 network in registers into `ws.gradient` (and a(l), the
    /// output's z into `ws` for the loss and the probes); false when the network is not one of
    /// these (the caller takes the tiny path).
    @inline(__always)
    func registerForwardBackward(_ ws: Workspace<S>, parameters p: UnsafePointer<S>, l1: S, l2: S) -> Bool {
        guard shapes.count == 2, shapes[0].inputs == 2, shapes[1].units == 1, case .hidden(let f) = shapes[0].function else { return false }
        let units = shapes[0].units
        switch (architecture.output, architecture.loss) {
        case (.logistic, .squaredError): return hidden(f, units, LogisticSquared.self, ws, p, l1, l2)
        case (.logistic, .crossEntropy): return hidden(f, units, LogisticCrossEntropy.self, ws, p, l1, l2)
        case (.identity, .squaredError): return hidden(f, units, IdentitySquared.self, ws, p, l1, l2)
        default: return false
        }
    }

    @inline(__always)
    private func hidden<O: RegisterOutput>(_ f: Activation, _ units: Int, _ output: O.Type, _ ws: Workspace<S>,
                                           _ p: UnsafePointer<S>, _ l1: S, _ l2: S) -> Bool {
        switch f {
        case .logistic: return sized(units, LogisticKernel(), output, ws, p, l1, l2)
        case .tanh: return sized(units, TanhKernel(), output, ws, p, l1, l2)
        case .relu: return sized(units, ReLUKernel(), output, ws, p, l1, l2)
        default: return false
        }
    }

    @inline(__always)
    private func sized<K: ActivationKernel, O: RegisterOutput>(_ units: Int, _ kernel: K, _ output: O.Type, _ ws: Workspace<S>,
                                                               _ p: UnsafePointer<S>, _ l1: S, _ l2: S) -> Bool {
        // Float only: the checking precision takes the tiny path.
        guard S.self == Float.self, !K.needsZ else { return false }
        let fws = unsafeDowncast(ws, to: Workspace<Float>.self)
        let fp = UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
        let (fl1, fl2) = (Float(l1), Float(l2))
        // The lanes that hold examples decide how the batch sums reduce (as `horizontalSum`).
        switch (units, ws.m) {
        case (2, ...4): RegisterStep<2, FourLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (2, ...8): RegisterStep<2, EightLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (2, _): RegisterStep<2, AllLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (3, ...4): RegisterStep<3, FourLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (3, ...8): RegisterStep<3, EightLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (3, _): RegisterStep<3, AllLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (4, ...4): RegisterStep<4, FourLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (4, ...8): RegisterStep<4, EightLanes>.run(kernel, output, fws, fp, fl1, fl2)
        case (4, _): RegisterStep<4, AllLanes>.run(kernel, output, fws, fp, fl1, fl2)
        default: return false
        }
        return true
    }
}

/// A horizontal sum over the lanes that can hold examples (`horizontalSum(_:lanes:)`).
private protocol LaneSum { @inline(__always) static func sum(_ v: Vec<Float>) -> Float }
private enum FourLanes: LaneSum { @inline(__always) static func sum(_ v: Vec<Float>) -> Float { horizontalSum(v, lanes: 4) } }
private enum EightLanes: LaneSum { @inline(__always) static func sum(_ v: Vec<Float>) -> Float { horizontalSum(v, lanes: 8) } }
private enum AllLanes: LaneSum { @inline(__always) static func sum(_ v: Vec<Float>) -> Float { horizontalSum(v) } }

/// One step of a 2-H-1 network with H known at compile time, for an activation whose f'
/// comes from a (logistic, tanh, ReLU).
private enum RegisterStep<let H: Int, Lanes: LaneSum> {
    typealias S = Float
    @inline(never)
    static func run<K: ActivationKernel, O: RegisterOutput>(_ kernel: K, _: O.Type, _ ws: Workspace<S>, _ p: UnsafePointer<S>,
                                                           _ l1: S, _ l2: S) {
        let ld = ws.ld
        let x0 = load(ws.input), x1 = load(ws.input + ld)
        // Parameters: W(1) is H x 2, then b(1), then W(2) 1 x H, then b(2).
        // Forward: z = (0 + x0 w0 + x1 w1) + b, as the loops sum.
        var a1 = InlineArray<H, Vec<S>>(repeating: Vec())
        var acc = Vec<S>()
        for h in 0..<H {
            let z = Vec<S>().madd(x0, p[2 &* h]).madd(x1, p[2 &* h &+ 1]) + Vec(repeating: p[2 &* H &+ h])
            a1[h] = kernel.f(z)
            acc = acc.madd(a1[h], p[3 &* H &+ h])
        }
        let z2 = acc + Vec(repeating: p[4 &* H])
        let a2 = O.a(z2)
        let d2 = O.delta(a2, load(ws.target)) * ws.tailMask
        // The loss reads these from the workspace.
        store(z2, ws.z[1])
        store(a2, ws.a[1])
        // Backward, into the gradient: W(2), b(2), then delta(2) and W(1), b(1).
        let scale = ws.inverseM
        let g = ws.gradient
        for h in 0..<H {
            store(a1[h], ws.a[0] + h &* ld)
            g[3 &* H &+ h] = Lanes.sum(Vec<S>().madd(d2, a1[h])) * scale
            let d1 = Vec<S>().madd(d2, p[3 &* H &+ h]) * kernel.fPrime(z: Vec(), a: a1[h])
            g[2 &* h] = Lanes.sum(Vec<S>().madd(d1, x0)) * scale
            g[2 &* h &+ 1] = Lanes.sum(Vec<S>().madd(d1, x1)) * scale
            g[2 &* H &+ h] = Lanes.sum(d1) * scale
        }
        g[4 &* H] = Lanes.sum(d2) * scale
        if l1 != 0 || l2 != 0 {
            // Weights only: W(1) at 0..<2H, W(2) at 3H..<4H.
            for i in 0..<4 &* H where i < 2 &* H || i >= 3 &* H {
                let w = p[i]
                let sign: S = w > 0 ? 1 : (w < 0 ? -1 : 0)
                g[i] += l2 * w + l1 * sign
            }
        }
    }
}
