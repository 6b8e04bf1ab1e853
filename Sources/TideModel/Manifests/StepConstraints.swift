/// Hard constraints: a device that breaks any of them never runs the step.
public struct StepConstraints: Sendable, Codable, Equatable {
    /// Labels the device must carry with exactly these values.
    public var labels: [String: String]
    /// Host capabilities (`module.name`) required on top of what the package imports.
    public var capabilities: [String]
    /// Minimum device memory in bytes.
    public var memoryBytes: UInt64?
    /// The only device allowed.
    public var device: DeviceID?
    /// Devices never to use.
    public var avoid: [DeviceID]

    public init(
        labels: [String: String] = [:], capabilities: [String] = [], memoryBytes: UInt64? = nil, device: DeviceID? = nil,
        avoid: [DeviceID] = []
    ) {
        self.labels = labels
        self.capabilities = capabilities
        self.memoryBytes = memoryBytes
        self.device = device
        self.avoid = avoid
    }

    public var isEmpty: Bool { self == StepConstraints() }
}
