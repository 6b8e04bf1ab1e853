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
        plan = deployment.plan
        steps = deployment.steps
    }

    /// Devices that hold one of its steps.
    public var devices: Set<DeviceID> { Set(steps.compactMap(\.device)) }
}
