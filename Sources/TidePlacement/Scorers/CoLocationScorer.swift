import TideModel

/// Runs a step on the same device as the steps it is connected to (its inputs and `prefer.near`),
/// so that data does not cross the network.
public struct CoLocationScorer: AffinityScorer {
    public var weight: Double

    public init(weight: Double = 2) { self.weight = weight }
    public var name: String { "co-location" }

    public func links(of step: StepContext) -> [AffinityLink] {
        let request = step.request
        var neighbours: [Int] = []
        for name in step.step.inputs + step.step.preferences.near {
            if let other = request.index(of: name), other != step.index, !neighbours.contains(other) {
                neighbours.append(other)
            }
        }
        guard !neighbours.isEmpty else { return [] }
        let share = weight * step.step.preferences.weight / Double(neighbours.count)
        return neighbours.map { AffinityLink(other: $0, weight: share, together: true) }
    }

    public func explain(_ outcomes: [AffinityOutcome], device: DeviceID, for step: StepContext) -> String {
        let with = outcomes.filter(\.satisfied).map(\.otherStep)
        let apart = outcomes.filter { !$0.satisfied }.map { "\($0.otherStep) on \($0.otherDevice)" }
        if apart.isEmpty { return "with \(with.joined(separator: ", "))" }
        if with.isEmpty { return "apart from \(apart.joined(separator: ", "))" }
        return "with \(with.joined(separator: ", ")); apart from \(apart.joined(separator: ", "))"
    }
}
