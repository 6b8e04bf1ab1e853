import TideModel

/// One step as the solver sees it.
public struct PlacementStep: Sendable, Equatable {
    public var name: String
    public var inputs: [String]
    public var constraints: StepConstraints
    public var preferences: StepPreferences
    public var failurePolicy: FailurePolicy
    /// The manifest's and the package's capabilities together, sorted, without duplicates.
    public var capabilities: [String]
    /// The larger of the manifest's and the package's memory floor.
    public var memoryBytes: UInt64?
    /// Whether the step's function (or the step it chains to) passes a float, which only some
    /// devices' protocols carry.
    public var passesFloats: Bool

    public init(
        name: String, inputs: [String] = [], constraints: StepConstraints = StepConstraints(),
        preferences: StepPreferences = StepPreferences(), failurePolicy: FailurePolicy = .move,
        capabilities: [String] = [], memoryBytes: UInt64? = nil, passesFloats: Bool = false
    ) {
        self.name = name
        self.inputs = inputs
        self.constraints = constraints
        self.preferences = preferences
        self.failurePolicy = failurePolicy
        self.capabilities = Array(Set(capabilities + constraints.capabilities)).sorted()
        self.memoryBytes = [constraints.memoryBytes, memoryBytes].compactMap { $0 }.max()
        self.passesFloats = passesFloats
    }

    public init(_ step: ManifestStep, requirements: StepRequirements, failurePolicy: FailurePolicy) {
        self.init(
            name: step.name, inputs: step.inputs, constraints: step.require, preferences: step.prefer,
            failurePolicy: failurePolicy, capabilities: requirements.capabilities,
            memoryBytes: requirements.minimumMemoryBytes, passesFloats: requirements.passesFloats)
    }
}
