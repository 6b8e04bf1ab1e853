import TideModel

/// A cordoned device takes no new work; steps already there stay (as with damping). A device
/// being drained keeps none: its steps are placed elsewhere.
public struct CordonFilter: PlacementFilter {
    public init() {}
    public var name: String { "cordoned" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        if device.draining { return reason("is being drained (tide device drain)", "are being drained (tide device drain)") }
        guard device.cordoned, device.id != step.currentDevice else { return nil }
        return reason("is cordoned (tide device uncordon lets it take work)", "are cordoned (tide device uncordon lets them take work)")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        var passing = fleet.notCordoned
        if let current = step.currentDevice, let position = fleet.position(of: current), fleet.notDraining.contains(position) {
            passing.insert(position)
        }
        return passing
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(passing(for: step, in: fleet))
    }
}
