import TideModel

/// Runs a step on the same device as the steps it is connected to (its inputs and `prefer.near`),
/// so that data does not cross the network. An input is only an implicit wish: it gives way when
/// either of the two steps prefers `spread`, which says the opposite explicitly. `near` always counts.
public struct CoLocationScorer: AffinityScorer {
    public var weight: Double

    public init(weight: Double = 2) { self.weight = weight }
    public var name: String { "co-location" }

    public func links(of step: StepContext) -> [AffinityLink] {
        let neighbours = Self.neighbours(of: step)
        guard !neighbours.isEmpty else { return [] }
        let share = weight * step.step.preferences.weight / Double(neighbours.count)
        return neighbours.map { AffinityLink(other: $0, weight: share, together: true) }
    }

    public func explain(_ outcomes: [AffinityOutcome], device: DeviceID, for step: StepContext) -> String {
        let with = outcomes.filter(\.satisfied).map(\.otherStep)
        let apart = outcomes.filter { !$0.satisfied }.map { "\($0.otherStep) on \($0.otherDevice)" }
        let waived = Self.spreadInputs(of: step)
        let note = waived.isEmpty ? "" : "; not held to \(waived.joined(separator: ", ")) (spread)"
        if apart.isEmpty { return "with \(with.joined(separator: ", "))\(note)" }
        if with.isEmpty { return "apart from \(apart.joined(separator: ", "))\(note)" }
        return "with \(with.joined(separator: ", ")); apart from \(apart.joined(separator: ", "))\(note)"
    }

    /// Positions of the steps `step` wants to share a device with: its inputs, then its `near`
    /// steps, each once, without the inputs that give way to spread.
    static func neighbours(of step: StepContext) -> [Int] {
        let request = step.request
        let waived = Set(spreadInputs(of: step))
        var neighbours: [Int] = []
        for name in step.step.inputs + step.step.preferences.near where !waived.contains(name) {
            if let other = request.index(of: name), other != step.index, !neighbours.contains(other) {
                neighbours.append(other)
            }
        }
        return neighbours
    }

    /// The inputs of `step` that are not linked to it because one of the two prefers spread (and
    /// `near` does not name them), in input order.
    static func spreadInputs(of step: StepContext) -> [String] {
        let request = step.request
        let near = Set(step.step.preferences.near)
        return step.step.inputs.filter { name in
            guard !near.contains(name), let other = request.index(of: name), other != step.index else { return false }
            return step.step.preferences.spread || request.steps[other].preferences.spread
        }
    }
}
