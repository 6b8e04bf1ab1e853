import TideModel

/// A deployment ready to place: each manifest step merged with its resolved requirements.
public struct PlacementRequest: Sendable, Equatable {
    public var deployment: String
    public var steps: [PlacementStep] {
        didSet { positions = Self.positions(of: steps) }
    }
    /// Each step's position by name (the first, should a name appear twice), so that links between
    /// steps cost one lookup each.
    private var positions: [String: Int]

    public init(deployment: String, steps: [PlacementStep]) {
        self.deployment = deployment
        self.steps = steps
        positions = Self.positions(of: steps)
    }

    private static func positions(of steps: [PlacementStep]) -> [String: Int] {
        var positions: [String: Int] = [:]
        positions.reserveCapacity(steps.count)
        for (index, step) in steps.enumerated() where positions[step.name] == nil { positions[step.name] = index }
        return positions
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
        positions[step]
    }
}
