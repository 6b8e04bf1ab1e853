import TideModel

/// The step's memory floor (`require.memory`, or the module's own) against the device's memory.
public struct MemoryFilter: PlacementFilter {
    public init() {}
    public var name: String { "memory" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        guard let needed = step.step.memoryBytes, device.memoryBytes < needed else { return nil }
        let comparison = "\(ByteCount.format(device.memoryBytes)) < \(ByteCount.format(needed))"
        return reason("has \(comparison)", "have \(comparison)")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        guard let needed = step.step.memoryBytes, needed > 0 else { return fleet.all }
        return DeviceSet(capacity: fleet.count) { fleet.memoryBytes[$0] >= needed }
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        guard let needed = step.step.memoryBytes, needed > 0 else { return }
        let memory = fleet.memoryBytes
        candidates.removeAll { memory[$0] < needed }
    }
}
