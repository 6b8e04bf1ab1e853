import TideModel

/// Devices flapping between alive and dead get no new work until they settle.
public struct DampedFilter: PlacementFilter {
    public init() {}
    public var name: String { "damped" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        device.damped ? reason("is flapping (damped)", "are flapping (damped)") : nil
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet { fleet.undamped }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(fleet.undamped)
    }
}
