import Foundation

/// A deployment as Tide stores it: the operator's manifest (desired state), the pinned packages,
/// the placement, and what each device reports.
public struct Deployment: Sendable, Codable, Equatable {
    /// One step: where it runs and how it is doing there.
    public struct Step: Sendable, Codable, Equatable {
        public var step: String
        public var device: DeviceID?
        public var state: StepState
        /// `http://host:port/<deployment>/modules/<step>/<function>` on its device, once placed.
        public var endpoint: String?
        /// What went wrong, for `failed` steps (and for a step that had to move).
        public var error: String?

        public init(step: String, device: DeviceID?, state: StepState, endpoint: String? = nil, error: String? = nil) {
            self.step = step
            self.device = device
            self.state = state
            self.endpoint = endpoint
            self.error = error
        }
    }

    public var name: String
    /// Grows with every apply and every re-placement; devices refuse nodes older than theirs.
    public var generation: Int64
    public var status: DeploymentStatus
    /// Since when `status` holds.
    public var statusSince: Date?
    /// Why the deployment is `degraded` or `failed`.
    public var reason: String?
    public var manifest: DeploymentManifest
    /// The manifest as submitted (YAML or JSON).
    public var source: String
    /// Every package of the deployment, dependencies included, as resolved when it was applied.
    public var packages: [DeploymentPackage]
    /// Per step: its package version and the host capabilities it needs.
    public var pins: [PlanResponse.Pin]
    public var plan: PlacementPlan?
    /// In manifest order.
    public var steps: [Step]
    /// Device -> the node it last acknowledged.
    public var installed: [DeviceID: InstalledNode]
    /// The generation that ran before the latest update, while it can still be reverted to.
    public var previous: PreviousGeneration?
    /// The latest staged update's rollout (nil for an update pushed at once).
    public var rollout: RolloutProgress?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        name: String, generation: Int64, status: DeploymentStatus, reason: String? = nil, manifest: DeploymentManifest,
        source: String, packages: [DeploymentPackage], pins: [PlanResponse.Pin], plan: PlacementPlan?, steps: [Step],
        installed: [DeviceID: InstalledNode] = [:], createdAt: Date, updatedAt: Date
    ) {
        self.name = name
        self.generation = generation
        self.status = status
        self.reason = reason
        self.manifest = manifest
        self.source = source
        self.packages = packages
        self.pins = pins
        self.plan = plan
        self.steps = steps
        self.installed = installed
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public func step(_ name: String) -> Step? {
        steps.first { $0.step == name }
    }

    /// Devices that hold at least one step.
    public var devices: [DeviceID] {
        Array(Set(steps.compactMap(\.device))).sorted()
    }
}

/// A package version a deployment uses, with the digests that identify its files.
public struct DeploymentPackage: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    public var moduleDigest: String
    /// Data file name -> sha256.
    public var files: [String: String]
    /// Package names this one imports from.
    public var dependencies: [String]

    public init(name: String, version: String, moduleDigest: String, files: [String: String], dependencies: [String]) {
        self.name = name
        self.version = version
        self.moduleDigest = moduleDigest
        self.files = files
        self.dependencies = dependencies
    }
}

/// What a device was last sent for a deployment and acknowledged.
public struct InstalledNode: Sendable, Codable, Equatable {
    public var generation: Int64
    /// SHA-256 of the node without its generation: equal digests mean nothing to push.
    public var digest: String
    /// When the device acknowledged it (nil for an unconfirmed push).
    public var acknowledgedAt: Date?

    /// The digest of a node whose push timed out: the device may or may not have installed it.
    public static let unconfirmed = "unconfirmed"

    public init(generation: Int64, digest: String, acknowledgedAt: Date? = nil) {
        self.generation = generation
        self.digest = digest
        self.acknowledgedAt = acknowledgedAt
    }
}
