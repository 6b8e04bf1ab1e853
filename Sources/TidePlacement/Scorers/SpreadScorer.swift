import TideModel

/// `prefer.spread`: rather a device that holds no other step of this deployment.
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
        if sharingCount == 0 { return "no other step of \(step.request.deployment) on \(device)" }
        let more = sharingCount > sharing.count ? " and \(sharingCount - sharing.count) more" : ""
        return "shares \(device) with \(sharing.joined(separator: ", "))\(more)"
    }

    public func explain(_ outcomes: [AffinityOutcome], device: DeviceID, for step: StepContext) -> String {
        let sharing = outcomes.filter { !$0.satisfied }.map(\.otherStep)
        if sharing.isEmpty { return "no other step of \(step.request.deployment) on \(device)" }
        return "shares \(device) with \(sharing.joined(separator: ", "))"
    }
}
