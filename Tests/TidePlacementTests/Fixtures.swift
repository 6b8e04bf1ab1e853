import TideFixtures
import TideModel
import TidePlacement

let mib: UInt64 = 1 << 20
let gib: UInt64 = 1 << 30

func device(
    _ id: String, _ status: DeviceStatus = .alive, interfaces: [String] = [], imports: [String] = [],
    memory: UInt64 = gib, labels: [String: String] = [:], cpu: Double = 0, memoryUsage: Double = 0, placed: Int = 0,
    damped: Bool = false, supervisor: SupervisorKind = .tide
) -> FleetDevice {
    FleetDevice(
        id: DeviceID(id), status: status, interfaces: interfaces, imports: imports, memoryBytes: memory, labels: labels,
        cpuUsage: cpu, memoryUsage: memoryUsage, placedSteps: placed, damped: damped, supervisor: supervisor)
}

func fleet(_ devices: [FleetDevice]) -> FleetIndex {
    FleetIndex(FleetSnapshot(devices: devices))
}

func step(
    _ name: String, inputs: [String] = [], capabilities: [String] = [], memory: UInt64? = nil,
    require: StepConstraints = StepConstraints(), prefer: StepPreferences = StepPreferences(),
    policy: FailurePolicy = .move, floats: Bool = false
) -> PlacementStep {
    PlacementStep(
        name: name, inputs: inputs, constraints: require, preferences: prefer, failurePolicy: policy,
        capabilities: capabilities, memoryBytes: memory, passesFloats: floats)
}

func request(_ steps: [PlacementStep], deployment: String = "demo") -> PlacementRequest {
    PlacementRequest(deployment: deployment, steps: steps)
}

/// The context a plugin sees for step `index` of `request`.
func context(_ request: PlacementRequest, _ index: Int = 0, current: String? = nil) -> StepContext {
    StepContext(request: request, index: index, currentDevice: current.map { DeviceID($0) })
}

