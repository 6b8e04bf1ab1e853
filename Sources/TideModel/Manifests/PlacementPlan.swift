/// Where each step of a deployment runs, and why.
public struct PlacementPlan: Sendable, Codable, Equatable {
    public var deployment: String
    /// In manifest order.
    public var steps: [StepPlacement]
    /// `exact`, `beam` or `greedy`: which planner produced the assignment.
    public var method: String

    public init(deployment: String, steps: [StepPlacement], method: String) {
        self.deployment = deployment
        self.steps = steps
        self.method = method
    }

    /// The sum of the steps' scores, the quantity the planner maximizes.
    public var totalScore: Double { steps.reduce(0) { $0 + $1.score } }

    public func device(of step: String) -> DeviceID? {
        steps.first { $0.step == step }?.device
    }

    /// Step name -> device, in manifest order.
    public var assignments: [(step: String, device: DeviceID)] {
        steps.map { ($0.step, $0.device) }
    }
}
