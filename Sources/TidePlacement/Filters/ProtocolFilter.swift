import TideModel

/// A step that passes a float goes only to devices whose protocol carries one: the wasmiot
/// supervisor's endpoint schemas know integer, string and object, and refuse the node otherwise.
public struct ProtocolFilter: PlacementFilter {
    public init() {}
    public var name: String { "protocol" }

    public func rejection(of device: FleetDevice, for step: StepContext) -> RejectionReason? {
        guard step.step.passesFloats, !device.supervisor.carriesFloats else { return nil }
        return reason(
            "is a wasmiot supervisor: its protocol carries no floats (only integer, string and object) and the step passes one",
            "are wasmiot supervisors: their protocol carries no floats (only integer, string and object) and the step passes one")
    }

    public func passing(for step: StepContext, in fleet: FleetIndex) -> DeviceSet {
        step.step.passesFloats ? fleet.carryingFloats : fleet.all
    }

    public func narrow(_ candidates: inout DeviceSet, for step: StepContext, in fleet: FleetIndex) {
        if step.step.passesFloats { candidates.formIntersection(fleet.carryingFloats) }
    }
}
