import TideModel

/// `prefer.labels`: one share of the score per matching label.
public struct PreferredLabelScorer: DeviceScorer {
    public var weight: Double

    public init(weight: Double = 1) { self.weight = weight }
    public var name: String { "preferred-labels" }

    public func weight(for step: StepContext) -> Double {
        step.step.preferences.labels.isEmpty ? 0 : weight * step.step.preferences.weight
    }

    public func score(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> Double {
        let wanted = step.step.preferences.labels
        guard !wanted.isEmpty else { return 0 }
        let labels = fleet.devices[device].labels
        let matched = wanted.reduce(0) { $0 + (labels[$1.key] == $1.value ? 1 : 0) }
        return Double(matched) / Double(wanted.count)
    }

    public func accumulate(
        _ weight: Double, for step: StepContext, devices: DeviceSet, in fleet: FleetIndex, into values: inout [Double]
    ) {
        let wanted = step.step.preferences.labels
        guard !wanted.isEmpty else { return }
        let share = weight / Double(wanted.count)
        for (key, value) in wanted {
            fleet.devicesLabelled(key, value).intersection(devices).forEach { values[$0] += share }
        }
    }

    public func explain(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> String {
        let labels = fleet.devices[device].labels
        let wanted = step.step.preferences.labels.sorted { $0.key < $1.key }
        let matched = wanted.filter { labels[$0.key] == $0.value }.map { "\($0.key)=\($0.value)" }
        let missed = wanted.filter { labels[$0.key] != $0.value }.map { "\($0.key)=\($0.value)" }
        if missed.isEmpty { return "has \(matched.joined(separator: ", "))" }
        if matched.isEmpty { return "lacks \(missed.joined(separator: ", "))" }
        return "has \(matched.joined(separator: ", ")), lacks \(missed.joined(separator: ", "))"
    }
}
