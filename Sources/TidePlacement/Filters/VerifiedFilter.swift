import TideModel

/// Only trusted devices take work: one that entered through an open route (wasmiot
/// self-registration, an mDNS announcement) waits for an operator's approval or its own proof.
public struct VerifiedFilter: PlacementFilter {
    public init() {}
    public var name: String { "verified" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        device.verified
            ? nil
            : reason(
                "is unverified (approve it with tide device approve, or start its supervisor with the fleet token)",
                "are unverified (approve them with tide device approve, or start their supervisors with the fleet token)")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet { fleet.verified }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(fleet.verified)
    }
}
