/// What a step needs once its package is resolved: the host capabilities of the module and its
/// dependency closure, and the module's own memory floor when known.
public struct StepRequirements: Sendable, Codable, Equatable {
    /// Qualified `module.name` capabilities.
    public var capabilities: [String]
    public var minimumMemoryBytes: UInt64?
    /// The step's node describes a float: its function takes or returns one, or the step it
    /// chains to on the device returns one.
    public var passesFloats: Bool

    public init(capabilities: [String] = [], minimumMemoryBytes: UInt64? = nil, passesFloats: Bool = false) {
        self.capabilities = capabilities
        self.minimumMemoryBytes = minimumMemoryBytes
        self.passesFloats = passesFloats
    }
}
