import TideModel

/// `prefer.spread`: rather a device that holds no other step of this deployment. The step's links
/// to its inputs, and those of the steps it feeds, give way to it (see `CoLocationScorer`), so that
/// an explicit wish to run apart is not outvoted by the implicit wish of a chain to stay together.
public struct SpreadScorer: AffinityScorer {
    public var weight: Double

    public init(weight: Double = 1) { self.weight = weight }
    public var name: String { "spread" }

    public func links(of step: StepContext) -> [AffinityLink] {
        let count = step.request.steps.count
        guard step.step.preferences.spread, count > 1 else { return [] }
        let share = weight * step.step.preferences.weight / Double(count - 1)
        return (0..<count).filter { $0 != step.index }.map { AffinityLink(other: $0, weight: share, together: false) }
    }

    public func uniformLink(of step: StepContext) -> UniformLink? {
        let count = step.request.steps.count
        guard step.step.preferences.spread, count > 1 else { return nil }
        return UniformLink(weight: weight * step.step.preferences.weight / Double(count - 1), together: false)
    }

    public func explainUniform(sharing: [String], sharingCount: Int, device: DeviceID, for step: StepContext) -> String {
        if sharingCount == 0 { return "no other step of \(step.request.deployment) on \(device)\(Self.inputsNote(step))" }
        let more = sharingCount > sharing.count ? " and \(sharingCount - sharing.count) more" : ""
        return "shares \(device) with \(sharing.joined(separator: ", "))\(more)"
    }

    public func explain(_ outcomes: [AffinityOutcome], device: DeviceID, for step: StepContext) -> String {
        let sharing = outcomes.filter { !$0.satisfied }.map(\.otherStep)
        if sharing.isEmpty { return "no other step of \(step.request.deployment) on \(device)\(Self.inputsNote(step))" }
        let inputsApart = CoLocationScorer.spreadInputs(of: step).filter { !sharing.contains($0) }
        let note = inputsApart.isEmpty ? "" : "; not held to \(inputsApart.joined(separator: ", "))"
        return "shares \(device) with \(sharing.joined(separator: ", "))\(note)"
    }

    /// Said when the step is on a device of its own: its inputs did not hold it (co-location gives way).
    private static func inputsNote(_ step: StepContext) -> String {
        let inputs = CoLocationScorer.spreadInputs(of: step)
        return inputs.isEmpty ? "" : ", apart from its input \(inputs.joined(separator: ", ")) as spread prefers"
    }
}
