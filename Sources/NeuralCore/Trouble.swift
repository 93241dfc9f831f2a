import Formatting

/// Trouble in a run that has not diverged: the loss climbing well above its best, units
/// saturated, gradients vanished. The lab warns in its header and says what to try, as it does
/// for a divergence.
public struct Trouble: Sendable, Equatable {
    /// A few words for the header ("loss rising").
    public let short: String
    /// What happened and what to try, for the footer (it fits 80 columns).
    public let advice: String

    /// The trouble of a run with this `history` (one point per epoch, oldest first) and the
    /// latest `probes`, or nil. The loss counts as rising once the last two points are both at
    /// least twice the best so far and 0.1 above it (noise near a minimum stays below that).
    public static func diagnose(history: [Metrics], probes: [LayerProbe]) -> Trouble? {
        let losses = history.map(\.train.meanLoss).filter(\.isFinite)
        if losses.count >= 3, let best = losses.dropLast(2).min() {
            let last = losses.suffix(2)
            if last.allSatisfy({ $0 >= 2 * best && $0 >= best + 0.1 }) {
                return Trouble(short: "loss rising",
                               advice: "the loss rose from \(NumberFormat.loss(best)) to \(NumberFormat.loss(losses.last!)): lower the rate ([), then r")
            }
        }
        let accuracy = history.last?.train.accuracy ?? 0
        if let p = probes.first(where: { ($0.saturation ?? 0) >= 0.95 }), accuracy < 0.9 {
            return Trouble(short: "units saturated",
                           advice: "a(\(p.layer)) \(Int(((p.saturation ?? 0) * 100).rounded()))% saturated, gradients vanish: lower the rate ([), then r")
        }
        if !probes.isEmpty, probes.allSatisfy({ $0.gradientNorm < 1e-8 }), (history.last?.train.meanLoss ?? 0) > 0.1, accuracy < 0.9 {
            return Trouble(short: "gradients vanished",
                           advice: "every |grad W| < 1e-8: stalled; r resets, try relu or adam (s)")
        }
        return nil
    }
}
