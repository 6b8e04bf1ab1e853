import TideModel

/// `require.device`: only the named device.
public struct PinnedDeviceFilter: PlacementFilter {
    public init() {}
    public var name: String { "pinned" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        guard let pinned = step.step.constraints.device, pinned != device.id else { return nil }
        return reason("is not the required device \(pinned)", "are not the required device \(pinned)")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        guard let pinned = step.step.constraints.device else { return fleet.all }
        var result = DeviceSet(capacity: fleet.count)
        if let position = fleet.position(of: pinned) { result.insert(position) }
        return result
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        guard step.step.constraints.device != nil else { return }
        candidates.formIntersection(passing(for: step, in: fleet))
    }
}
