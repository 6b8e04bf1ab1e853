import TideModel

/// The pure choice of a rebalance: the single step move that gains the most.
enum Rebalancing {
    struct Move: Equatable {
        var index: Int
        var device: DeviceID
        var gain: Double
    }

    /// `current` is each step's device, `fresh` where a fresh placement puts it, `score` the plan
    /// score of an assignment. Returns the move with the highest score when it gains at least
    /// `minimumGain` over `current`.
    static func bestMove(
        current: [DeviceID], fresh: [DeviceID?], minimumGain: Double, score: ([DeviceID]) -> Double
    ) -> Move? {
        let base = score(current)
        guard base.isFinite else { return nil }
        var best: (index: Int, device: DeviceID, score: Double)?
        for (index, target) in fresh.enumerated() {
            guard let target, index < current.count, target != current[index] else { continue }
            var candidate = current
            candidate[index] = target
            let candidateScore = score(candidate)
            if candidateScore > (best?.score ?? base) { best = (index, target, candidateScore) }
        }
        guard let best, best.score - base >= minimumGain else { return nil }
        return Move(index: best.index, device: best.device, gain: best.score - base)
    }
}
