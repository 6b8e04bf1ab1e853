/// The generation a deployment ran before an update: what a failed or aborted update reverts to.
public struct PreviousGeneration: Sendable, Codable, Equatable {
    public var generation: Int64
    public var manifest: DeploymentManifest
    public var source: String
    public var packages: [DeploymentPackage]
    public var pins: [PlanResponse.Pin]
    public var plan: PlacementPlan?
    public var steps: [Deployment.Step]

    public init(_ deployment: Deployment) {
        generation = deployment.generation
        manifest = deployment.manifest
        source = deployment.source
        packages = deployment.packages
        pins = deployment.pins
        // Where each step ran is what a revert needs, not why: without the scores and rejections
        // a 1,000-step deployment's record does not double with every update.
        plan = deployment.plan.map { plan in
            var plan = plan
            for index in plan.steps.indices {
                plan.steps[index].breakdown = []
                plan.steps[index].rejected = []
                plan.steps[index].rejectedCount = nil
            }
            return plan
        }
        steps = deployment.steps
    }

    /// Devices that hold one of its steps.
    public var devices: Set<DeviceID> { Set(steps.compactMap(\.device)) }
}
