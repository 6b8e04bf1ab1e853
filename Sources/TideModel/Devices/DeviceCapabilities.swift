/// What a device can offer to modules, parsed from its description.
public struct DeviceCapabilities: Sendable, Codable, Equatable {
    /// Host and WASI function names the supervisor links (`supervisorInterfaces`), sorted.
    public var interfaces: [String]
    public var memoryBytes: UInt64
    public var cpuName: String?
    public var cpuClockHz: UInt64?
    /// CPU architecture, reported by Tide supervisors only.
    public var arch: String?
    /// Labels the device reports about itself (Tide supervisors only); operator labels are separate.
    public var labels: [String: String]

    public init(
        interfaces: [String], memoryBytes: UInt64, cpuName: String? = nil, cpuClockHz: UInt64? = nil,
        arch: String? = nil, labels: [String: String] = [:]
    ) {
        self.interfaces = interfaces
        self.memoryBytes = memoryBytes
        self.cpuName = cpuName
        self.cpuClockHz = cpuClockHz
        self.arch = arch
        self.labels = labels
    }
}
