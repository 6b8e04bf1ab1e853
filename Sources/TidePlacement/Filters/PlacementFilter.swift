import TideModel

/// A hard constraint (Nomad's feasibility check, the Kubernetes Filter extension point).
///
/// `rejection(of:for:)` says why one device fails; `passing(for:in:)` answers for the whole fleet at
/// once and may use the index's bitsets. The two must agree.
public protocol PlacementFilter: Sendable {
    var name: String { get }
    func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason?
    func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet
    /// Removes the devices that fail from `candidates`; the default intersects with `passing`.
    func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex)
}

extension PlacementFilter {
    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(passing(for: step, in: fleet))
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        DeviceSet(capacity: fleet.count) { rejection(of: fleet.devices[$0], for: step) == nil }
    }

    func reason(_ singular: String, _ plural: String) -> RejectionReason {
        RejectionReason(filter: name, singular: singular, plural: plural)
    }
}
