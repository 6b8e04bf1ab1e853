import TideFixtures
import TideModel
import TidePlacement

/// A random fleet and pipeline, reproducible from a seed.
struct RandomScenario {
    var devices: [FleetDevice]
    var request: PlacementRequest

    init(seed: UInt64, maxDevices: Int = 10, maxSteps: Int = 5) {
        var random = SplitMix64(seed: seed)
        let deviceCount = Int.random(in: 1...maxDevices, using: &random)
        let statuses: [DeviceStatus] = [.alive, .alive, .alive, .alive, .suspect, .dead]
        let capabilities = ["camera.take_image", "sensor.read_temperature", "sys.millis"]
        devices = (0..<deviceCount).map { index in
            var interfaces: [String] = []
            var imports: [String] = []
            for capability in capabilities where Bool.random(using: &random) {
                if Bool.random(using: &random) {
                    imports.append(capability)
                } else {
                    interfaces.append(String(capability.split(separator: ".")[1]))
                }
            }
            var labels: [String: String] = [:]
            if Bool.random(using: &random) { labels["zone"] = ["a", "b"].randomElement(using: &random) }
            if Bool.random(using: &random) { labels["tier"] = ["edge", "compute"].randomElement(using: &random) }
            return FleetDevice(
                id: DeviceID("dev-\(index)"), status: statuses.randomElement(using: &random) ?? .alive,
                interfaces: interfaces, imports: imports,
                memoryBytes: [64, 128, 256, 1024].randomElement(using: &random).map { UInt64($0) << 20 } ?? 0,
                labels: labels, cpuUsage: Double(Int.random(in: 0...10, using: &random)) / 10,
                memoryUsage: Double(Int.random(in: 0...10, using: &random)) / 10,
                placedSteps: Int.random(in: 0...3, using: &random), damped: Int.random(in: 0..<10, using: &random) == 0,
                supervisor: Int.random(in: 0..<3, using: &random) == 0 ? .wasmiot : .tide)
        }
        let stepCount = Int.random(in: 1...maxSteps, using: &random)
        var steps: [PlacementStep] = []
        for index in 0..<stepCount {
            let names = steps.map(\.name)
            var inputs: [String] = []
            if let last = names.last, Int.random(in: 0..<4, using: &random) > 0 { inputs.append(last) }
            if names.count > 1, Bool.random(using: &random), let other = names.randomElement(using: &random), !inputs.contains(other) {
                inputs.append(other)
            }
            var require = StepConstraints()
            if Int.random(in: 0..<4, using: &random) == 0 { require.labels["zone"] = ["a", "b"].randomElement(using: &random) }
            if Int.random(in: 0..<5, using: &random) == 0 { require.avoid = [DeviceID("dev-\(Int.random(in: 0..<deviceCount, using: &random))")] }
            if Int.random(in: 0..<12, using: &random) == 0 { require.device = DeviceID("dev-\(Int.random(in: 0..<deviceCount, using: &random))") }
            var prefer = StepPreferences()
            if Int.random(in: 0..<4, using: &random) == 0, let near = names.randomElement(using: &random) { prefer.near = [near] }
            if Int.random(in: 0..<4, using: &random) == 0 { prefer.spread = true }
            if Int.random(in: 0..<3, using: &random) == 0 { prefer.labels["tier"] = ["edge", "compute"].randomElement(using: &random) }
            if Bool.random(using: &random) { prefer.weight = Double(Int.random(in: 1...3, using: &random)) }
            let needs = capabilities.filter { _ in Int.random(in: 0..<4, using: &random) == 0 }
            let memory: UInt64? = Bool.random(using: &random) ? UInt64([32, 128, 512].randomElement(using: &random) ?? 1) << 20 : nil
            let policy: FailurePolicy = Int.random(in: 0..<5, using: &random) == 0
                ? .fallback([DeviceID("dev-\(Int.random(in: 0..<deviceCount, using: &random))")]) : .move
            steps.append(PlacementStep(
                name: "s\(index)", inputs: inputs, constraints: require, preferences: prefer, failurePolicy: policy,
                capabilities: needs, memoryBytes: memory, passesFloats: Int.random(in: 0..<4, using: &random) == 0))
        }
        request = PlacementRequest(deployment: "random", steps: steps)
    }

    var fleetIndex: FleetIndex { FleetIndex(FleetSnapshot(devices: devices)) }

    /// Whether `device` passes every default filter for step `index`, checked device by device.
    func passes(_ device: FleetDevice, _ index: Int, current: PlacementPlan? = nil) -> Bool {
        let stepContext = StepContext(request: request, index: index, currentDevice: current?.device(of: request.steps[index].name))
        return PlacementSolver.defaultFilters.allSatisfy { $0.rejection(of: device, for: stepContext) == nil }
    }
}
