import TideModel

/// When re-solving, staying where the current plan runs the step avoids a redeploy.
public struct StickinessScorer: DeviceScorer {
    public var weight: Double

    public init(weight: Double = 3) { self.weight = weight }
    public var name: String { "stickiness" }

    public func weight(for step: StepContext) -> Double { step.currentDevice == nil ? 0 : weight }

    public func score(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> Double {
        fleet.devices[device].id == step.currentDevice ? 1 : 0
    }

    public func explain(_ device: Int, for step: StepContext, in fleet: FleetIndex) -> String {
        guard let current = step.currentDevice else { return "not placed before" }
        return fleet.devices[device].id == current ? "stays on \(current)" : "moves from \(current)"
    }
}
