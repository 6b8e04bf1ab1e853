import TideModel

/// Spreads load across all deployments: an idle CPU and few placed steps, compared with the most
/// loaded device of the fleet, score high.
public struct LoadScorer: DeviceScorer {
    public var weight: Double

    public init(weight: Double = 1) { self.weight = weight }
    public var name: String { "load" }

    public func weight(for step: StepContext) -> Double { weight }
    public var dependsOnStep: Bool { false }

    public func score(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> Double {
        let idle = 1 - min(max(fleet.cpuUsage[device], 0), 1)
        let share = Double(fleet.placedSteps[device]) / Double(fleet.mostPlacedSteps + 1)
        return idle * (1 - share)
    }

    public func explain(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> String {
        "cpu \(percent(fleet.devices[device].cpuUsage)), \(counted(fleet.placedSteps[device], "step")) placed"
    }
}
