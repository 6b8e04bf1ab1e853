import TideModel
import TidePlacement

/// A made-up fleet and set of deployments, shaped like an IoT site: a third of the devices have a
/// camera, a third a temperature sensor (half of those wasmiot devices reporting bare names), ten
/// zones, a few dead, suspect or flapping devices; pipelines of chained steps with some
/// capability, memory and label constraints and preferences.
struct SyntheticWorkload {
    var snapshot: FleetSnapshot
    var requests: [PlacementRequest]

    init(devices deviceCount: Int, deployments: Int, steps stepRange: ClosedRange<Int>, seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let memories: [UInt64] = [64, 128, 256, 512, 1024, 4096].map { $0 << 20 }
        var devices: [FleetDevice] = []
        devices.reserveCapacity(deviceCount)
        for index in 0..<deviceCount {
            var interfaces = ["fd_write", "millis"]
            var imports: [String] = []
            let wasmiot = random.chance(50)
            if random.chance(33) {
                if wasmiot { interfaces += ["take_image", "image_size"] } else { imports += ["camera.take_image", "camera.image_size"] }
            }
            if random.chance(33) {
                if wasmiot { interfaces.append("read_temperature") } else { imports.append("sensor.read_temperature") }
            }
            let roll = Int.random(in: 0..<1000, using: &random)
            let status: DeviceStatus = roll < 10 ? .dead : roll < 20 ? .suspect : .alive
            devices.append(FleetDevice(
                id: DeviceID("dev-\(String(index, radix: 16))"), status: status, interfaces: interfaces.sorted(),
                imports: imports.sorted(), memoryBytes: memories.randomElement(using: &random) ?? 0,
                labels: ["zone": "z\(Int.random(in: 0..<10, using: &random))", "tier": random.chance(20) ? "compute" : "edge"],
                cpuUsage: Double.random(in: 0...1, using: &random), memoryUsage: Double.random(in: 0...0.9, using: &random),
                placedSteps: 0, damped: random.chance(1)))
        }
        snapshot = FleetSnapshot(devices: devices)
        requests = (0..<deployments).map { number in
            let count = Int.random(in: stepRange, using: &random)
            var steps: [PlacementStep] = []
            for index in 0..<count {
                var constraints = StepConstraints()
                var preferences = StepPreferences()
                var capabilities: [String] = []
                if index == 0, random.chance(40) { capabilities = ["camera.image_size", "camera.take_image"] }
                if index == 0, random.chance(30) { capabilities.append("sensor.read_temperature") }
                if random.chance(30) { constraints.memoryBytes = memories[Int.random(in: 0..<4, using: &random)] }
                if random.chance(20) { constraints.labels["zone"] = "z\(Int.random(in: 0..<10, using: &random))" }
                if random.chance(15) { preferences.labels["tier"] = "compute" }
                if random.chance(10) { preferences.spread = true }
                steps.append(PlacementStep(
                    name: "step-\(index)", inputs: index == 0 ? [] : ["step-\(index - 1)"], constraints: constraints,
                    preferences: preferences, capabilities: capabilities))
            }
            return PlacementRequest(deployment: "deployment-\(number)", steps: steps)
        }
    }
}
