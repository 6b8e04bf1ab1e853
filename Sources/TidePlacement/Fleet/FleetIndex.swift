import TideModel

/// A fleet snapshot with the lookups filters need precomputed: which devices offer each capability,
/// carry each label, are alive or damped. Devices are addressed by position, in id order.
public struct FleetIndex: Sendable {
    public let devices: [FleetDevice]
    public let all: DeviceSet
    public let alive: DeviceSet
    public let undamped: DeviceSet
    public let verified: DeviceSet
    /// Devices whose protocol carries floats (Tide supervisors).
    public let carryingFloats: DeviceSet
    /// Devices that have not failed a push of the deployment being placed.
    public let notRefused: DeviceSet
    /// Devices an operator has not cordoned, and those not being drained.
    public let notCordoned: DeviceSet
    public let notDraining: DeviceSet
    /// The largest free memory of any device, the yardstick of the free-memory scorer.
    public let largestFreeMemory: UInt64
    /// Per device, by position: flat copies for hot loops, which would otherwise copy whole devices.
    public let memoryBytes: [UInt64]
    public let freeMemoryBytes: [UInt64]
    public let cpuUsage: [Double]
    /// Steps placed on each device, from the snapshot plus every plan recorded since.
    public private(set) var placedSteps: [Int]
    /// The largest of `placedSteps`.
    public private(set) var mostPlacedSteps: Int

    private let positions: [DeviceID: Int]
    private let byImport: [String: DeviceSet]
    private let byInterface: [String: DeviceSet]
    private let byLabel: [String: [String: DeviceSet]]

    public init(_ snapshot: FleetSnapshot) {
        let devices = snapshot.devices
        let count = devices.count
        self.devices = devices
        all = DeviceSet(capacity: count, full: true)
        alive = DeviceSet(capacity: count) { devices[$0].status == .alive }
        undamped = DeviceSet(capacity: count) { !devices[$0].damped }
        verified = DeviceSet(capacity: count) { devices[$0].verified }
        carryingFloats = DeviceSet(capacity: count) { devices[$0].supervisor.carriesFloats }
        notRefused = DeviceSet(capacity: count) { !devices[$0].refusedPush }
        notCordoned = DeviceSet(capacity: count) { !devices[$0].cordoned && !devices[$0].draining }
        notDraining = DeviceSet(capacity: count) { !devices[$0].draining }
        memoryBytes = devices.map(\.memoryBytes)
        freeMemoryBytes = devices.map(\.freeMemoryBytes)
        cpuUsage = devices.map(\.cpuUsage)
        largestFreeMemory = freeMemoryBytes.max() ?? 0
        placedSteps = devices.map(\.placedSteps)
        mostPlacedSteps = placedSteps.max() ?? 0

        var positions: [DeviceID: Int] = [:]
        var byImport: [String: DeviceSet] = [:]
        var byInterface: [String: DeviceSet] = [:]
        var byLabel: [String: [String: DeviceSet]] = [:]
        for (position, device) in devices.enumerated() {
            positions[device.id] = position
            for name in device.imports {
                byImport[name, default: DeviceSet(capacity: count)].insert(position)
            }
            for name in device.interfaces {
                byInterface[name, default: DeviceSet(capacity: count)].insert(position)
            }
            for (key, value) in device.labels {
                byLabel[key, default: [:]][value, default: DeviceSet(capacity: count)].insert(position)
            }
        }
        self.positions = positions
        self.byImport = byImport
        self.byInterface = byInterface
        self.byLabel = byLabel
    }

    public var count: Int { devices.count }

    public func position(of id: DeviceID) -> Int? { positions[id] }

    /// Devices that can satisfy the import `module.name`: those reporting the qualified import, and
    /// those listing the bare `name` among their interfaces (wasmiot supervisors).
    public func devicesOffering(_ capability: String) -> DeviceSet {
        var result = byImport[capability] ?? DeviceSet(capacity: count)
        if let bare = Self.bareName(of: capability), let offering = byInterface[bare] {
            result.formUnion(offering)
        }
        return result
    }

    public func devicesLabelled(_ key: String, _ value: String) -> DeviceSet {
        byLabel[key]?[value] ?? DeviceSet(capacity: count)
    }

    /// Whether one device offers `capability`, by the same rule as `devicesOffering`.
    public static func offers(_ device: FleetDevice, _ capability: String) -> Bool {
        if device.imports.contains(capability) { return true }
        guard let bare = bareName(of: capability) else { return false }
        return device.interfaces.contains(bare)
    }

    /// `take_image` for `camera.take_image`.
    static func bareName(of capability: String) -> String? {
        guard let dot = capability.lastIndex(of: ".") else { return nil }
        let name = capability[capability.index(after: dot)...]
        return name.isEmpty ? nil : String(name)
    }

    /// Counts the plan's steps as placed, so that later plans see the load.
    public mutating func record(_ plan: PlacementPlan) {
        adjust(plan, by: 1)
    }

    /// Undoes `record`, e.g. before re-planning a deployment that is already counted.
    public mutating func release(_ plan: PlacementPlan) {
        adjust(plan, by: -1)
    }

    private mutating func adjust(_ plan: PlacementPlan, by delta: Int) {
        for step in plan.steps {
            if let position = positions[step.device] {
                placedSteps[position] = max(0, placedSteps[position] + delta)
            }
        }
        mostPlacedSteps = delta > 0
            ? plan.steps.reduce(mostPlacedSteps) { most, step in
                position(of: step.device).map { max(most, placedSteps[$0]) } ?? most
            }
            : placedSteps.max() ?? 0
    }
}
