/// One device as the solver sees it: what it offers, how loaded it is, and whether it is usable.
public struct FleetDevice: Sendable, Codable, Equatable {
    public var id: DeviceID
    public var status: DeviceStatus
    /// Bare host and WASI function names (wasmiot `supervisorInterfaces`, e.g. `take_image`).
    public var interfaces: [String]
    /// Qualified host imports (`camera.take_image`) the device links, when it reports them.
    public var imports: [String]
    public var memoryBytes: UInt64
    /// Operator labels merged over reported labels (the operator's value wins).
    public var labels: [String: String]
    /// 0...1.
    public var cpuUsage: Double
    /// 0...1.
    public var memoryUsage: Double
    /// Steps of all deployments already placed on the device.
    public var placedSteps: Int
    /// Flapping between alive and dead recently; no new work until it settles.
    public var damped: Bool
    /// Trusted by the operator or by proof; unverified devices get no work.
    public var verified: Bool
    /// A Tide supervisor or a wasmiot one: what the device's protocol can carry.
    public var supervisor: SupervisorKind
    /// It failed or refused a push of the deployment being placed, this deploy: alive, but not
    /// to be tried again for it.
    public var refusedPush: Bool
    /// Cordoned by an operator: no new work; steps already there stay.
    public var cordoned: Bool
    /// Being drained: every step leaves it, none comes.
    public var draining: Bool

    public init(
        id: DeviceID, status: DeviceStatus = .alive, interfaces: [String] = [], imports: [String] = [],
        memoryBytes: UInt64, labels: [String: String] = [:], cpuUsage: Double = 0, memoryUsage: Double = 0,
        placedSteps: Int = 0, damped: Bool = false, verified: Bool = true, supervisor: SupervisorKind = .tide
    ) {
        self.id = id
        self.status = status
        self.interfaces = interfaces
        self.imports = imports
        self.memoryBytes = memoryBytes
        self.labels = labels
        self.cpuUsage = cpuUsage
        self.memoryUsage = memoryUsage
        self.placedSteps = placedSteps
        self.damped = damped
        self.verified = verified
        self.supervisor = supervisor
        refusedPush = false
        cordoned = false
        draining = false
    }

    /// The solver's view of an inventory device. `imports` are the qualified host imports the
    /// device reports (Tide supervisors); wasmiot devices report only bare `interfaces`.
    /// `supervisor` defaults to what the description says (parsing it).
    public init(
        device: Device, imports: [String] = [], supervisor: SupervisorKind? = nil, placedSteps: Int = 0,
        damped: Bool = false, verified: Bool? = nil
    ) {
        self.init(
            id: device.id, status: device.status, interfaces: device.capabilities.interfaces, imports: imports,
            memoryBytes: device.capabilities.memoryBytes,
            labels: device.capabilities.labels.merging(device.labels) { _, set in set },
            cpuUsage: device.health?.cpuUsage ?? 0, memoryUsage: device.health?.memoryUsage ?? 0,
            placedSteps: placedSteps, damped: damped, verified: verified ?? device.trust.isTrusted,
            supervisor: supervisor ?? device.supervisor)
        cordoned = device.cordonedAt != nil
    }

    /// Memory not in use, in bytes.
    public var freeMemoryBytes: UInt64 {
        let used = min(max(memoryUsage, 0), 1)
        return UInt64(Double(memoryBytes) * (1 - used))
    }
}
