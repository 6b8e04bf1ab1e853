import TideModel

/// `require.labels`: every label present with exactly the given value.
public struct LabelFilter: PlacementFilter {
    public init() {}
    public var name: String { "labels" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        let missing = step.step.constraints.labels.sorted { $0.key < $1.key }.filter { device.labels[$0.key] != $0.value }
        guard !missing.isEmpty else { return nil }
        let list = missing.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        return reason("lacks label \(list)", "lack label \(list)")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        var result = fleet.all
        for (key, value) in step.step.constraints.labels.sorted(by: { $0.key < $1.key }) {
            result.formIntersection(fleet.devicesLabelled(key, value))
        }
        return result
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        for (key, value) in step.step.constraints.labels {
            candidates.formIntersection(fleet.devicesLabelled(key, value))
        }
    }
}
