/// One function call of a deployment: which package and function, fed by which steps, and where it may run.
public struct ManifestStep: Sendable, Codable, Equatable {
    public var name: String
    /// The registry package providing the module.
    public var package: String
    public var versionRange: VersionRange
    /// The exported function to call.
    public var function: String
    /// Steps whose output feeds this one, resolved: the previous step when the manifest names none,
    /// empty for the first step.
    public var inputs: [String]
    public var require: StepConstraints
    public var prefer: StepPreferences
    /// nil: the deployment's policy.
    public var onFailure: FailurePolicy?
    /// `idempotent: false` in the manifest: the step must not run twice for one run (it has effects
    /// beyond its result), so a run is not retried past it once its call may have reached a device.
    /// nil (absent) means idempotent, the default.
    public var idempotent: Bool?
    /// `state:` in the manifest: the instance's state moves with the step. nil: stateless, a moved
    /// step starts fresh.
    public var state: KeptState?

    /// Whether a run may call this step again after a device failed (see `idempotent`).
    public var mayRunTwice: Bool { idempotent != false }

    public init(
        name: String, package: String, versionRange: VersionRange = .any, function: String, inputs: [String] = [],
        require: StepConstraints = StepConstraints(), prefer: StepPreferences = StepPreferences(),
        onFailure: FailurePolicy? = nil, idempotent: Bool? = nil, state: KeptState? = nil
    ) {
        self.name = name
        self.package = package
        self.versionRange = versionRange
        self.function = function
        self.inputs = inputs
        self.require = require
        self.prefer = prefer
        self.onFailure = onFailure
        self.idempotent = idempotent
        self.state = state
    }
}
