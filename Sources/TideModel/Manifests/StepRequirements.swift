/// What a step needs once its package is resolved: the host capabilities of the module and its
/// dependency closure, and the module's own memory floor when known.
public struct StepRequirements: Sendable, Codable, Equatable {
    /// Qualified `module.name` capabilities.
    public var capabilities: [String]
    public var minimumMemoryBytes: UInt64?

    public init(capabilities: [String] = [], minimumMemoryBytes: UInt64? = nil) {
        self.capabilities = capabilities
        self.minimumMemoryBytes = minimumMemoryBytes
    }
}
