import TideModel

/// Every host capability of the module and its dependencies, offered as a qualified import or, on
/// wasmiot devices, as the bare name among `supervisorInterfaces`.
public struct CapabilityFilter: PlacementFilter {
    public init() {}
    public var name: String { "capabilities" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        let missing = step.step.capabilities.filter { !FleetIndex.offers(device, $0) }
        guard !missing.isEmpty else { return nil }
        let list = missing.joined(separator: ", ")
        return reason("lacks \(list)", "lack \(list)")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        var result = fleet.all
        for capability in step.step.capabilities {
            result.formIntersection(fleet.devicesOffering(capability))
        }
        return result
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        for capability in step.step.capabilities {
            candidates.formIntersection(fleet.devicesOffering(capability))
        }
    }
}
