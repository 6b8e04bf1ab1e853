import TideModel

/// Only alive devices take new work: suspect ones may be about to die.
public struct AliveFilter: PlacementFilter {
    public init() {}
    public var name: String { "alive" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        switch device.status {
        case .alive: nil
        case .suspect: reason("is suspect", "are suspect")
        case .dead: reason("is dead", "are dead")
        }
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet { fleet.alive }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        candidates.formIntersection(fleet.alive)
    }
}
