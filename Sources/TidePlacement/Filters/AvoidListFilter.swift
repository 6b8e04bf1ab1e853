import TideModel

/// `require.avoid`: never these devices.
public struct AvoidListFilter: PlacementFilter {
    public init() {}
    public var name: String { "avoid" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        step.step.constraints.avoid.contains(device.id) ? reason("is on the avoid list", "are on the avoid list") : nil
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        var result = fleet.all
        for id in step.step.constraints.avoid {
            if let position = fleet.position(of: id) { result.remove(position) }
        }
        return result
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        for id in step.step.constraints.avoid {
            if let position = fleet.position(of: id) { candidates.remove(position) }
        }
    }
}
