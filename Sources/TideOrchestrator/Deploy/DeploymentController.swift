import Foundation
import Logging
import TideModel
import TideStore

/// Owns the deployments and carries out the decisions of each stage (`Desired/`, `Rollout/`,
/// `Run/`, `Reconcile/`): stores the desired state before acting on it, pushes each device its
/// node, moves steps off devices that fail, removes what is no longer wanted, and runs pipelines.
/// Operations on one deployment run one at a time.
actor DeploymentController {
    let store: any FleetStore
    let bus: EventBus
    let inventory: Inventory
    let planner: Planner
    let supervisors: SupervisorClient
    let deployTimeout: Duration
    let logger: Logger
    let metrics: ServerMetrics
    let cluster: ClusterState
    let queue = KeyedSerialQueue()
    var deployments: [String: Deployment]
    var publicURL: String
    /// Per device: the deployments it last reported (id -> generation), and when.
    nonisolated let observations = Observations()
    /// Per deployment: its steps' result labels, read once per generation (see `Run/RunLabels`).
    var runLabels: [String: RunLabels] = [:]
    /// Per deployment: what the operator asked of its running rollout, taken at the next stage.
    var rolloutRequests: [String: RolloutRequest] = [:]
    /// Runs under way per deployment, and the deployments whose runs wait for a stateful move.
    var runGates = RunGates()
    /// Per deployment: the stateful steps its staged update moves, carried by its deploy.
    var updateMoves: [String: [StatefulStep]] = [:]
    /// Per deployment: the stateful steps being pre-copied, until the pause of their move.
    var precopying: [String: [StatefulStep]] = [:]
    /// Deployments whose runs wait while a crashed stateful step's checkpoint is restored.
    var restoring: Set<String> = []
    /// Checkpoints under way and when each step's last one was taken (`deployment/step`).
    var checkpointing: Set<String> = []
    var lastCheckpoint: [String: ContinuousClock.Instant] = [:]
    /// Steps whose last checkpoint failed, with why (logged once).
    var checkpointFailures: [String: String] = [:]
    /// The largest module state a planned move carries or a checkpoint stores.
    let maxSnapshotBytes: Int

    init(
        store: any FleetStore, bus: EventBus, inventory: Inventory, planner: Planner, supervisors: SupervisorClient,
        publicURL: String, deployTimeout: Duration, logger: Logger, metrics: ServerMetrics, cluster: ClusterState,
        maxSnapshotBytes: Int = 64 << 20
    ) async throws(StoreError) {
        self.maxSnapshotBytes = maxSnapshotBytes
        self.metrics = metrics
        self.cluster = cluster
        self.store = store
        self.bus = bus
        self.inventory = inventory
        self.planner = planner
        self.supervisors = supervisors
        self.publicURL = publicURL
        self.deployTimeout = deployTimeout
        self.logger = logger
        deployments = Dictionary(try await store.deployments().map { ($0.name, $0) }) { first, _ in first }
    }

    /// Set when the server stops: pushes that fail from now on fail because of the stop, so a
    /// deploy or rollout under way stays as it stands (the next start finishes it) instead of
    /// reverting or failing. A replica that no longer leads is stopping in the same sense: the
    /// new leader finishes what it began.
    private var stopped = false
    var stopping: Bool { stopped || !cluster.mayLead() }
    func stop() { stopped = true }

    /// Reads every deployment again from the store: on a replica that follows another's
    /// changes, and when this replica begins to lead.
    func reloadFromStore() async {
        do {
            let stored = try await store.deployments()
            deployments = Dictionary(stored.map { ($0.name, $0) }) { first, _ in first }
            observations.forgetAll()
            runLabels.removeAll()
        } catch {
            logger.error("cannot read the deployments from the store: \(error)")
        }
    }

    /// Set once the server knows its bound address (when no public URL was configured).
    func setPublicURL(_ url: String) { publicURL = url }

    /// The plain-HTTP listener's base URL, for devices without a certificate.
    var plainURL: String?
    func setPlainURL(_ url: String) { plainURL = url }

    func list() -> [Deployment] { deployments.values.sorted { $0.name < $1.name } }

    func deployment(_ name: String) -> Deployment? { deployments[name] }

    /// How many deployments have each status (the `tide_deployments` gauge, read at scrape time).
    func statusCounts() -> [DeploymentStatus: Int] {
        var counts: [DeploymentStatus: Int] = [:]
        for deployment in deployments.values { counts[deployment.status, default: 0] += 1 }
        return counts
    }

    /// Steps of every deployment but `excluding`, per device: the load the solver spreads.
    func load(excluding name: String? = nil) -> [DeviceID: Int] {
        var load: [DeviceID: Int] = [:]
        for deployment in deployments.values where deployment.name != name {
            for step in deployment.steps { if let device = step.device { load[device, default: 0] += 1 } }
        }
        return load
    }

    /// Deployments with a step on `device`.
    func deployments(on device: DeviceID) -> [String] {
        deployments.values.filter { $0.devices.contains(device) }.map(\.name).sorted()
    }

    // MARK: What every stage shares

    func pinnedEntries(_ deployment: Deployment) async throws(DeploymentError) -> PinnedPackages {
        var entries: [RegistryEntry] = []
        for package in deployment.packages {
            guard let entry = await planner.registry.entry(package.name, package.version) else {
                throw .internalFailure("\(package.name) \(package.version), pinned by \(deployment.name), is not in the registry")
            }
            entries.append(entry)
        }
        return PinnedPackages(entries: entries, pins: Dictionary(deployment.pins.map { ($0.step, $0.version) }) { first, _ in first })
    }

    /// Where each of the deployment's devices is reached, and which of them are trusted with the
    /// fleet token; the devices no longer in the inventory are `missing`.
    func endpoints(of devices: [DeviceID]) async
        -> (addresses: [DeviceID: DeviceEndpoint], trusted: Set<DeviceID>, missing: [DeviceID])
    {
        var addresses: [DeviceID: DeviceEndpoint] = [:]
        var trusted: Set<DeviceID> = []
        var missing: [DeviceID] = []
        for device in devices {
            if let known = await inventory.device(device), let endpoint = known.endpoint {
                addresses[device] = endpoint
                if known.trust.receivesFleetToken { trusted.insert(device) }
            } else {
                missing.append(device)
            }
        }
        return (addresses, trusted, missing)
    }

    func nodeBuilder(_ deployment: Deployment, entries: PinnedPackages, addresses: [DeviceID: DeviceEndpoint])
        -> NodeBuilder
    {
        NodeBuilder(deployment: deployment, entries: entries, addresses: addresses, publicURL: publicURL, plainURL: plainURL)
    }

    func save(_ deployment: Deployment, events: [NewFleetEvent]) async throws(DeploymentError) {
        var deployment = deployment
        deployment.updatedAt = Date()
        let stored: [FleetEvent]
        do {
            stored = try await cluster.save(deployment, events: events, in: store)
        } catch {
            throw .internalFailure(error.description)
        }
        // What these devices report is to be compared with the new desired state afresh.
        observations.forget(Set(deployment.installed.keys).union(deployment.devices))
        deployments[deployment.name] = deployment
        announce(stored)
    }

    /// Logs committed events and wakes the readers waiting for them.
    func announce(_ stored: [FleetEvent]) {
        guard !stored.isEmpty else { return }
        for event in stored { logger.info("\(event.message)") }
        let bus = self.bus
        Task { await bus.published(stored) }
    }

    func event(
        _ kind: FleetEventKind, _ deployment: Deployment, _ message: String, device: DeviceID? = nil,
        extra: [String: JSONValue] = [:]
    ) -> NewFleetEvent {
        .about(deployment, kind, message, device: device, extra: extra, at: Date())
    }

    static func message(_ error: any Error) -> String {
        (error as? any ReportableError)?.message ?? String(describing: error)
    }
}
