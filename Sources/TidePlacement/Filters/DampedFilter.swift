import TideModel

/// Devices flapping between alive and dead get no new work until they settle. Work already there
/// stays: a step's current device is not rejected for being damped.
public struct DampedFilter: PlacementFilter {
    public init() {}
    public var name: String { "damped" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        device.damped && device.id != step.currentDevice ? reason("is flapping (damped)", "are flapping (damped)") : nil
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        var passing = fleet.undamped
        if let current = step.currentDevice, let position = fleet.position(of: current) { passing.insert(position) }
        return passing
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(passing(for: step, in: fleet))
    }
}
