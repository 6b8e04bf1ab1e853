import TideModel

/// A device that failed or refused a push of this deployment during the current deploy is not
/// tried again for it: the deploy moves on to the next capable device.
public struct RefusedPushFilter: PlacementFilter {
    public init() {}
    public var name: String { "refused" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        device.refusedPush
            ? reason("failed this deployment's push just now", "failed this deployment's push just now") : nil
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet { fleet.notRefused }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(fleet.notRefused)
    }
}
