/// A deployment as an operator writes it: a name and a pipeline (or DAG) of steps.
public struct DeploymentManifest: Sendable, Codable, Equatable {
    /// `[a-z][a-z0-9-]{0,62}`.
    public var name: String
    /// In definition order; every step's inputs name earlier steps.
    public var steps: [ManifestStep]
    /// What happens to a step whose device fails, unless the step says otherwise.
    public var onFailure: FailurePolicy
    /// How an update reaches the devices; nil: every device at once.
    public var update: UpdateStrategy?

    public init(name: String, steps: [ManifestStep], onFailure: FailurePolicy = .move, update: UpdateStrategy? = nil) {
        self.name = name
        self.steps = steps
        self.onFailure = onFailure
        self.update = update
    }

    public func step(named name: String) -> ManifestStep? {
        steps.first { $0.name == name }
    }

    /// The policy in force for `step`: its own, else the deployment's.
    public func failurePolicy(of step: ManifestStep) -> FailurePolicy {
        step.onFailure ?? onFailure
    }

    /// Whether `text` is a valid deployment or step name.
    public static func isValidName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, scalars.count <= 63, ("a"..."z").contains(first) else { return false }
        return scalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
