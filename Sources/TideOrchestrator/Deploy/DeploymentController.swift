import Foundation
import Logging
import TideModel
import TideSolver
import TideStore

/// Owns the deployments: stores the desired state before acting on it, pushes each device its
/// node, moves steps off devices that fail during a deploy, removes what is no longer wanted, and
/// runs pipelines. Operations on one deployment run one at a time.
actor DeploymentController {
    /// Pushes per deploy before giving up: the first one plus re-placements after failures. Each
    /// round rules out the devices that failed it, so a deploy tries every capable device before
    /// it gives up (when no device is left) unless this many rounds failed first.
    static let maxRounds = 64
    /// Push failures quoted in a give-up reason; the rest are counted.
    static let quotedFailures = 8

    let store: TideStore
    let bus: EventBus
    let inventory: Inventory
    let planner: Planner
    let supervisors: SupervisorClient
    let deployTimeout: Duration
    let logger: Logger
    let queue = KeyedSerialQueue()
    var deployments: [String: Deployment]
    var publicURL: String
    /// Per device: the deployments it last reported (id -> generation), and when.
    var observations: [DeviceID: (reported: [String: Int64], at: Date)] = [:]

    init(
        store: TideStore, bus: EventBus, inventory: Inventory, planner: Planner, supervisors: SupervisorClient,
        publicURL: String, deployTimeout: Duration, logger: Logger
    ) throws(StoreError) {
        self.store = store
        self.bus = bus
        self.inventory = inventory
        self.planner = planner
        self.supervisors = supervisors
        self.publicURL = publicURL
        self.deployTimeout = deployTimeout
        self.logger = logger
        deployments = Dictionary(try store.deployments().map { ($0.name, $0) }) { first, _ in first }
    }

    /// Set once the server knows its bound address (when no public URL was configured).
    func setPublicURL(_ url: String) { publicURL = url }

    /// The plain-HTTP listener's base URL, for devices without a certificate.
    var plainURL: String?
    func setPlainURL(_ url: String) { plainURL = url }

    func list() -> [Deployment] { deployments.values.sorted { $0.name < $1.name } }

    func deployment(_ name: String) -> Deployment? { deployments[name] }

    /// Steps of every deployment but `excluding`, per device: the load the solver spreads.
    func load(excluding name: String? = nil) -> [DeviceID: Int] {
        var load: [DeviceID: Int] = [:]
        for deployment in deployments.values where deployment.name != name {
            for step in deployment.steps { if let device = step.device { load[device, default: 0] += 1 } }
        }
        return load
    }

    // MARK: Apply

    /// How long `apply` waits for a deploy to settle before answering with the deployment as it
    /// stands (still `deploying`; it goes on in the background).
    static let applyWait: Duration = .seconds(60)

    /// Stores the manifest as the desired state of its deployment (new, or an update of the one
    /// with that name) and deploys it. With `wait`, returns once the deploy settled (`settled`),
    /// or after `applyWait`.
    /// `cancellation` stops the placement (the client went away).
    func apply(_ text: [UInt8], fileName: String, wait: Bool, cancellation: PlacementCancellation? = nil) async throws
        -> (deployment: Deployment, created: Bool, settled: Bool)
    {
        let prepared = try await planner.prepare(text, fileName: fileName)
        let name = prepared.manifest.name
        let staged = try await queue.run(name) { () async throws -> (deployment: Deployment, created: Bool, unchanged: Bool) in
            if let kept = try await self.keepIfUnchanged(prepared) { return (kept, false, true) }
            let staged = try await self.stage(prepared, cancellation: cancellation)
            return (staged.deployment, staged.created, false)
        }
        if staged.unchanged { return (staged.deployment, false, true) }
        let work = Task { try await queue.run(name) { await self.deploy(name) } }
        guard wait else { return (staged.deployment, staged.created, false) }
        let settled = await withTaskGroup(of: Deployment?.self) { group in
            group.addTask { (try? await work.value) ?? nil }
            group.addTask {
                try? await Task.sleep(for: Self.applyWait)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        if let settled { return (settled, staged.created, true) }
        return (deployments[name] ?? staged.deployment, staged.created, false)
    }

    /// An active deployment applied again with the same manifest and the same package versions
    /// stays as it is, generation included; the apply is recorded as an event.
    private func keepIfUnchanged(_ prepared: PreparedManifest) throws -> Deployment? {
        guard let existing = deployments[prepared.manifest.name], existing.status == .active,
            existing.manifest == prepared.manifest, existing.pins == prepared.pins, existing.packages == prepared.packages
        else { return nil }
        try save(existing, events: [
            event(
                .deploymentApplied, existing,
                "deployment \(existing.name) unchanged (generation \(existing.generation)): the same manifest and package versions are active",
                extra: ["unchanged": .bool(true)])
        ])
        return existing
    }

    /// Stores and places a manifest without pushing it (status `pending`; wasmiot's two-step deploy).
    func stageOnly(_ text: [UInt8], fileName: String) async throws -> Deployment {
        let prepared = try await planner.prepare(text, fileName: fileName)
        return try await queue.run(prepared.manifest.name) {
            try await self.refuseRestaging(prepared.manifest.name)
            return try await self.stage(prepared, status: .pending).deployment
        }
    }

    /// Staging replaces only a deployment that was never pushed: staging over one that runs would
    /// describe a generation no device has, and its runs would be refused until the next push.
    private func refuseRestaging(_ name: String) throws {
        guard let existing = deployments[name], existing.status != .pending else { return }
        throw APIError(
            .conflict, code: "deployment_exists",
            "deployment \(name) already exists (\(existing.status.rawValue), generation \(existing.generation)); "
                + "update it with tide deploy apply (POST /api/v1/deployments) or remove it first (DELETE /file/manifest/\(name))")
    }

    /// Pushes a stored deployment now and returns the outcome; nil when there is none.
    func deployNow(_ name: String) async -> Deployment? {
        guard deployments[name] != nil else { return nil }
        return try? await queue.run(name) { await self.deploy(name) }
    }

    func stage(
        _ prepared: PreparedManifest, status: DeploymentStatus = .deploying, cancellation: PlacementCancellation? = nil
    ) async throws -> (deployment: Deployment, created: Bool) {
        let name = prepared.manifest.name
        let existing = deployments[name]
        let plan = try await planner.place(
            prepared, current: existing?.plan, load: load(excluding: name), cancellation: cancellation)
        let now = Date()
        var deployment = Deployment(
            name: name, generation: (existing?.generation ?? 0) + 1, status: status, manifest: prepared.manifest,
            source: prepared.source, packages: prepared.packages, pins: prepared.pins, plan: plan, steps: [],
            installed: existing?.installed ?? [:], createdAt: existing?.createdAt ?? now, updatedAt: now)
        deployment.statusSince = now
        // By name once, so that staging a large deployment stays linear in its steps.
        let previous = Dictionary((existing?.steps ?? []).map { ($0.step, $0) }) { first, _ in first }
        deployment.steps = plan.steps.map { placement in
            let before = previous[placement.step]
            let unchanged = before?.device == placement.device && before?.state == .running
            return Deployment.Step(step: placement.step, device: placement.device, state: unchanged ? .running : .pending)
        }
        let moved = plan.steps.filter { !$0.kept && previous[$0.step]?.device != nil && previous[$0.step]?.device != $0.device }
        let summary = plan.steps.map { "\($0.step) -> \($0.device)" }.joined(separator: ", ")
        try save(deployment, events: [
            event(
                .deploymentApplied, deployment,
                existing == nil
                    ? "deployment \(name) created (generation \(deployment.generation)): \(summary)"
                    : "deployment \(name) updated (generation \(deployment.generation), \(moved.count) step(s) moved): \(summary)",
                extra: ["placement": .object(Dictionary(plan.steps.map { ($0.step, JSONValue.string($0.device.rawValue)) }) { a, _ in a })])
        ])
        return (deployment, existing == nil)
    }

    /// What a deploy does when no device can take a failed step.
    enum GiveUp {
        /// A new or updated deployment: remove what was pushed, mark it `failed`.
        case fail
        /// Recovery of a running deployment: keep the rest running, mark it `degraded`, retry when
        /// the fleet changes.
        case degrade
    }

    /// Pushes the current plan until every step runs, re-placing steps whose device fails; on
    /// giving up, acts as `giveUp` says. Returns the outcome.
    @discardableResult
    func deploy(_ name: String, giveUp: GiveUp = .fail) async -> Deployment? {
        guard var deployment = deployments[name] else { return nil }
        let entries: [String: RegistryEntry]
        do {
            entries = try await pinnedEntries(deployment)
        } catch {
            return await fail(&deployment, reason: error.message)
        }
        var excluded: Set<DeviceID> = []
        var failures: [String] = []
        for _ in 0..<Self.maxRounds {
            let round = await push(&deployment, entries: entries)
            if round.isEmpty {
                await finish(&deployment)
                return deployment
            }
            for (device, message) in round.sorted(by: { $0.key < $1.key }) {
                excluded.insert(device)
                failures.append(message)
            }
            do {
                try await replace(&deployment, entries: entries, excluded: excluded, because: round)
            } catch {
                let reason = "no device can take over: \(Self.message(error)); push failures: \(Self.summary(failures))"
                return giveUp == .fail ? await fail(&deployment, reason: reason) : await degrade(&deployment, reason: reason)
            }
        }
        let reason = "gave up after \(Self.maxRounds) rounds of pushes: \(Self.summary(failures))"
        return giveUp == .fail ? await fail(&deployment, reason: reason) : await degrade(&deployment, reason: reason)
    }

    /// The first push failures, and how many more there were.
    static func summary(_ failures: [String]) -> String {
        let quoted = failures.prefix(quotedFailures).joined(separator: "; ")
        return failures.count > quotedFailures ? quoted + "; and \(failures.count - quotedFailures) more" : quoted
    }

    /// One round: builds every device's node and pushes those that changed, concurrently.
    /// Returns the devices that failed, with why.
    func push(_ deployment: inout Deployment, entries: [String: RegistryEntry]) async -> [DeviceID: String] {
        var failures: [DeviceID: String] = [:]
        var addresses: [DeviceID: DeviceEndpoint] = [:]
        var trusted: Set<DeviceID> = []
        for device in deployment.devices {
            if let known = await inventory.device(device), let endpoint = known.endpoint {
                addresses[device] = endpoint
                if known.trust.receivesFleetToken { trusted.insert(device) }
            } else {
                failures[device] = "device \(device) is no longer in the inventory"
            }
        }
        guard failures.isEmpty else {
            markFailed(&deployment, failures)
            try? save(deployment, events: [])
            return failures
        }
        let builder = NodeBuilder(deployment: deployment, entries: entries, addresses: addresses, publicURL: publicURL, plainURL: plainURL)
        var pending: [(device: DeviceID, endpoint: DeviceEndpoint, body: [UInt8], digest: String, trusted: Bool)] = []
        do {
            for index in deployment.steps.indices {
                if let step = builder.manifestStep(named: deployment.steps[index].step), deployment.steps[index].device != nil {
                    deployment.steps[index].endpoint = try builder.endpoint(of: step).address
                }
            }
            for (device, node) in try builder.nodes() {
                let (body, digest) = try NodeBuilder.encode(node)
                if deployment.installed[device].map({ $0.digest == InstalledNode.unconfirmed }) ?? true,
                    observations[device]?.reported[deployment.name] == deployment.generation
                {
                    // The device reports this generation already (a push acknowledged just
                    // before a restart, or one that timed out but landed).
                    deployment.installed[device] = InstalledNode(
                        generation: deployment.generation, digest: digest, acknowledgedAt: Date())
                }
                if deployment.installed[device]?.digest == digest {
                    for index in deployment.steps.indices where deployment.steps[index].device == device {
                        deployment.steps[index].state = .running
                    }
                    continue
                }
                if let address = addresses[device] {
                    pending.append((device, address, body, digest, trusted.contains(device)))
                }
            }
        } catch {
            for device in deployment.devices { failures[device] = error.message }
            return failures
        }
        for item in pending {
            for index in deployment.steps.indices where deployment.steps[index].device == item.device {
                deployment.steps[index].state = .deploying
            }
        }
        try? save(deployment, events: [])

        let supervisors = self.supervisors
        let timeout = deployTimeout
        let outcomes = await withTaskGroup(of: (DeviceID, String, ProbeError?).self) { group in
            for item in pending {
                group.addTask {
                    do throws(ProbeError) {
                        try await supervisors.deploy(item.body, to: item.endpoint, trusted: item.trusted, timeout: timeout)
                        return (item.device, item.digest, nil)
                    } catch {
                        return (item.device, item.digest, error)
                    }
                }
            }
            var outcomes: [(DeviceID, String, ProbeError?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes.sorted { $0.0 < $1.0 }
        }
        var events: [NewFleetEvent] = []
        for (device, digest, error) in outcomes {
            if let error {
                failures[device] = "\(device): \(error.message)"
                // A device that timed out may still install the node later: remember it, so that it
                // is cleaned once the deploy settles elsewhere.
                if deployment.installed[device] == nil, error.kind == .timeout {
                    deployment.installed[device] = InstalledNode(generation: deployment.generation, digest: InstalledNode.unconfirmed)
                }
            } else {
                deployment.installed[device] = InstalledNode(
                    generation: deployment.generation, digest: digest, acknowledgedAt: Date())
            }
            for index in deployment.steps.indices where deployment.steps[index].device == device {
                deployment.steps[index].state = error == nil ? .running : .failed
                deployment.steps[index].error = error?.message
                let step = deployment.steps[index]
                events.append(event(
                    .deploymentStepChanged, deployment,
                    error == nil
                        ? "\(deployment.name): step \(step.step) runs on \(device)"
                        : "\(deployment.name): step \(step.step) could not be deployed on \(device): \(error?.message ?? "")",
                    device: device,
                    extra: ["step": .string(step.step), "state": .string(step.state.rawValue)]
                        .merging(error.map { ["error": JSONValue.string($0.message)] } ?? [:]) { a, _ in a }))
            }
        }
        try? save(deployment, events: events)
        return failures
    }

    /// Re-places the steps of failed devices, keeping the others where they are.
    func replace(
        _ deployment: inout Deployment, entries: [String: RegistryEntry], excluded: Set<DeviceID>,
        because failures: [DeviceID: String]
    ) async throws {
        let prepared = prepared(deployment, entries: entries)
        let plan = try await planner.place(
            prepared, current: deployment.plan, excluded: excluded, load: load(excluding: deployment.name))
        var events: [NewFleetEvent] = []
        deployment.generation += 1
        let indices = Dictionary(deployment.steps.indices.map { (deployment.steps[$0].step, $0) }) { first, _ in first }
        for placement in plan.steps {
            guard let index = indices[placement.step] else { continue }
            let from = deployment.steps[index].device
            guard from != placement.device else { continue }
            deployment.steps[index].device = placement.device
            deployment.steps[index].state = .pending
            let why = from.flatMap { failures[$0] } ?? "re-placed"
            events.append(event(
                .deploymentStepMoved, deployment,
                "\(deployment.name): step \(placement.step) moves from \(from?.rawValue ?? "nowhere") to \(placement.device) (\(why))",
                device: placement.device,
                extra: [
                    "step": .string(placement.step), "from": from.map { .string($0.rawValue) } ?? .null,
                    "to": .string(placement.device.rawValue), "reason": .string(why), "score": .number(placement.score),
                ]))
        }
        deployment.plan = plan
        try save(deployment, events: events)
    }

    /// Every step runs: removes the deployment from devices that no longer hold a step.
    func finish(_ deployment: inout Deployment) async {
        let wanted = Set(deployment.devices)
        let leftovers = await reachable(deployment.installed.keys.filter { !wanted.contains($0) }.sorted())
        let (_, unreachable) = await removeNodes(deployment.name, from: leftovers)
        // Leftovers not removed stay listed in `installed`: they are cleaned when they report in
        // (a Tide supervisor's heartbeat) or return (see `deviceReturned`).
        for device in leftovers where unreachable[device] == nil { deployment.installed[device] = nil }
        deployment.reason = nil
        await setStatus(&deployment, .active, message: "deployment \(deployment.name) is active (generation \(deployment.generation))")
    }

    /// A degraded deployment is tried again whenever the fleet changes (and every reconcile
    /// tick); its reason says so, whichever path degraded it.
    static let retriedNote = "; retried whenever the fleet changes"

    func degrade(_ deployment: inout Deployment, reason: String) async -> Deployment {
        let reason = reason.hasSuffix(Self.retriedNote) ? reason : reason + Self.retriedNote
        deployment.reason = reason
        await setStatus(&deployment, .degraded, message: "deployment \(deployment.name) is degraded: \(reason)")
        return deployment
    }

    func fail(_ deployment: inout Deployment, reason: String) async -> Deployment {
        let devices = await reachable(deployment.installed.keys.sorted())
        let (cleaned, _) = await removeNodes(deployment.name, from: devices)
        for device in cleaned { deployment.installed[device] = nil }
        deployment.reason = reason
        await setStatus(&deployment, .failed, message: "deployment \(deployment.name) failed: \(reason)")
        return deployment
    }

    func setStatus(_ deployment: inout Deployment, _ status: DeploymentStatus, message: String) async {
        let previous = deployment.status
        let now = Date()
        var extra: [String: JSONValue] = ["status": .string(status.rawValue), "previous": .string(previous.rawValue)]
        let since = deployment.statusSince
        if let since {
            // How long the previous status lasted: for `degraded` -> `active`, the outage.
            extra["previousForMs"] = .number((now.timeIntervalSince(since) * 1000).rounded())
        }
        if status != previous { deployment.statusSince = now }
        deployment.status = status
        deployment.updatedAt = now
        if let reason = deployment.reason { extra["reason"] = .string(reason) }
        let text = previous == .degraded && status == .active
            ? message + " after \(Int((now.timeIntervalSince(since ?? now) * 1000).rounded())) ms degraded"
            : message
        // A re-push that leaves an active deployment active is not news; `degraded` -> `degraded`
        // is (a retry failed, with its reason).
        let news = status != previous || status != .active
        do {
            try save(deployment, events: news ? [event(.deploymentStatusChanged, deployment, text, extra: extra)] : [])
        } catch {
            logger.error("\(error)")
        }
    }

    func markFailed(_ deployment: inout Deployment, _ failures: [DeviceID: String]) {
        for index in deployment.steps.indices {
            if let device = deployment.steps[index].device, let message = failures[device] {
                deployment.steps[index].state = .failed
                deployment.steps[index].error = message
            }
        }
    }

    // MARK: Remove

    /// Removes the deployment from every device and from the store.
    func remove(_ name: String) async throws -> DeploymentRemoval {
        try await queue.run(name) { try await self.removeNow(name) }
    }

    func removeNow(_ name: String) async throws -> DeploymentRemoval {
        guard let deployment = deployments[name] else { throw APIError.notFound("no deployment named \"\(name)\"") }
        let devices = Array(Set(deployment.installed.keys).union(deployment.devices)).sorted()
        let (cleaned, unreachable) = await removeNodes(name, from: devices)
        let message = unreachable.isEmpty
            ? "deployment \(name) removed from \(cleaned.count) device(s)"
            : "deployment \(name) removed; \(unreachable.count) device(s) were unreachable and are cleaned when they report it"
        let stored: FleetEvent?
        do {
            stored = try store.deleteDeployment(
                name,
                event: NewFleetEvent(
                    time: Date(), kind: .deploymentRemoved, device: nil, message: message,
                    details: ["deployment": .string(name), "generation": .number(Double(deployment.generation))]))
        } catch {
            throw APIError.internalError(error.description)
        }
        deployments[name] = nil
        announce(stored.map { [$0] } ?? [])
        return DeploymentRemoval(name: name, cleaned: cleaned, unreachable: unreachable)
    }

    /// The alive ones of `devices`. Removals go only to them, so that a hung device (which answers
    /// nothing until the removal times out) never holds up a re-placement; the others are
    /// cleaned when they report in or return.
    func reachable(_ devices: [DeviceID]) async -> [DeviceID] {
        var result: [DeviceID] = []
        for device in devices where await inventory.device(device)?.status == .alive { result.append(device) }
        return result
    }

    /// `DELETE /deploy/<name>` on each device, concurrently.
    func removeNodes(_ name: String, from devices: [DeviceID]) async -> (cleaned: [DeviceID], unreachable: [DeviceID: String]) {
        var targets: [(DeviceID, DeviceEndpoint, Bool)] = []
        var unreachable: [DeviceID: String] = [:]
        for device in devices {
            if let known = await inventory.device(device), let endpoint = known.endpoint {
                targets.append((device, endpoint, known.trust.receivesFleetToken))
            } else {
                unreachable[device] = "not in the inventory"
            }
        }
        let supervisors = self.supervisors
        let timeout = min(deployTimeout, .seconds(5))
        let outcomes = await withTaskGroup(of: (DeviceID, ProbeError?).self) { group in
            for (device, endpoint, trusted) in targets {
                group.addTask {
                    do throws(ProbeError) {
                        try await supervisors.remove(name, from: endpoint, trusted: trusted, timeout: timeout)
                        return (device, nil)
                    } catch {
                        return (device, error)
                    }
                }
            }
            var outcomes: [(DeviceID, ProbeError?)] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        var cleaned: [DeviceID] = []
        for (device, error) in outcomes {
            if let error { unreachable[device] = error.message } else { cleaned.append(device) }
        }
        return (cleaned.sorted(), unreachable)
    }

    // MARK: Run

    /// Runs the pipeline once. A device that answers a call with 404 lost its node (a wasmiot
    /// supervisor keeps deployments in memory): the node is pushed again and the run retried once.
    func run(_ name: String, inputs: [String: JSONValue]) async throws -> RunResult {
        let first = try await runOnce(name, inputs: inputs)
        guard let device = first.lostNode else { return first.result }
        logger.notice("\(device) does not hold its node of \(name): pushing it again, then running again")
        await nodeLost(name, on: device, because: "a call answered 404: \(first.result.error ?? "")")
        guard deployments[name]?.status == .active else { return first.result }
        return try await runOnce(name, inputs: inputs).result
    }

    private func runOnce(_ name: String, inputs: [String: JSONValue]) async throws -> PipelineRunner.Outcome {
        guard let deployment = deployments[name] else { throw APIError.notFound("no deployment named \"\(name)\"") }
        guard deployment.status == .active || deployment.status == .degraded else {
            throw APIError(
                .conflict, code: "not_deployed",
                "deployment \(name) is \(deployment.status.rawValue)\(deployment.reason.map { ": \($0)" } ?? ""); it runs once it is active")
        }
        let entries = try await pinnedEntries(deployment)
        var addresses: [DeviceID: DeviceEndpoint] = [:]
        for device in deployment.devices {
            if let endpoint = await inventory.device(device)?.endpoint { addresses[device] = endpoint }
        }
        let builder = NodeBuilder(deployment: deployment, entries: entries, addresses: addresses, publicURL: publicURL, plainURL: plainURL)
        return try await PipelineRunner(deployment: deployment, builder: builder, supervisors: supervisors).run(inputs: inputs)
    }

    // MARK: Helpers

    func pinnedEntries(_ deployment: Deployment) async throws(APIError) -> [String: RegistryEntry] {
        var entries: [String: RegistryEntry] = [:]
        for package in deployment.packages {
            guard let entry = await planner.registry.entry(package.name, package.version) else {
                throw APIError.internalError("\(package.name) \(package.version), pinned by \(deployment.name), is not in the registry")
            }
            entries[package.name] = entry
        }
        return entries
    }

    func save(_ deployment: Deployment, events: [NewFleetEvent]) throws(APIError) {
        var deployment = deployment
        deployment.updatedAt = Date()
        let stored: [FleetEvent]
        do {
            stored = try store.save(deployment, events: events)
        } catch {
            throw APIError.internalError(error.description)
        }
        // What these devices report is to be compared with the new desired state afresh.
        for device in Set(deployment.installed.keys).union(deployment.devices) { observations[device] = nil }
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
        var details: [String: JSONValue] = ["deployment": .string(deployment.name), "generation": .number(Double(deployment.generation))]
        details.merge(extra) { _, new in new }
        return NewFleetEvent(time: Date(), kind: kind, device: device, message: message, details: .object(details))
    }

    static func message(_ error: any Error) -> String {
        (error as? APIError)?.message ?? String(describing: error)
    }
}
