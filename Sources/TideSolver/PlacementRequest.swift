import TideModel

/// A deployment ready to place: each manifest step merged with its resolved requirements.
public struct PlacementRequest: Sendable, Equatable {
    public var deployment: String
    public var steps: [PlacementStep]

    public init(deployment: String, steps: [PlacementStep]) {
        self.deployment = deployment
        self.steps = steps
    }

    /// `requirements` maps step names to what their resolved packages need; a step without an
    /// entry needs only what its manifest says.
    public init(manifest: DeploymentManifest, requirements: [String: StepRequirements]) {
        self.init(
            deployment: manifest.name,
            steps: manifest.steps.map { step in
                PlacementStep(
                    step, requirements: requirements[step.name] ?? StepRequirements(),
                    failurePolicy: manifest.failurePolicy(of: step))
            })
    }

    public func index(of step: String) -> Int? {
        steps.firstIndex { $0.name == step }
    }
}
