import Foundation
import TideModel

/// Rollout: push rounds until every step runs, re-placing the steps of devices that fail, then
/// `active`, `failed` or `degraded`. The decisions are `Rollout`'s; this carries them out.
extension DeploymentController {
    /// What a deploy does when no device can take a failed step.
    enum GiveUp {
        /// A new or updated deployment: remove what was pushed, mark it `failed`.
        case fail
        /// Recovery of a running deployment: keep the rest running, mark it `degraded`, retry when
        /// the fleet changes.
        case degrade
    }

    /// Brings the devices to the deployment's generation: stage by stage when an update rolls out
    /// under the manifest's `update` block (nothing while it is paused), else all at once.
    @discardableResult
    func deploy(_ name: String, giveUp: GiveUp = .fail) async -> Deployment? {
        guard let deployment = deployments[name] else { return nil }
        if let rollout = deployment.rollout, rollout.isUnderWay, rollout.to == deployment.generation {
            return rollout.state == .paused ? deployment : await rollOut(name)
        }
        return await pushAll(name, giveUp: giveUp)
    }

    /// Pushes the current plan until every step runs, re-placing steps whose device fails; on
    /// giving up, acts as `giveUp` says: a failed update goes back to the generation that ran.
    @discardableResult
    func pushAll(_ name: String, giveUp: GiveUp) async -> Deployment? {
        guard var deployment = deployments[name] else { return nil }
        let entries: PinnedPackages
        do {
            entries = try await pinnedEntries(deployment)
        } catch {
            return await fail(&deployment, reason: error.message)
        }
        var excluded: Set<DeviceID> = []
        var failures: [String] = []
        for _ in 0..<Rollout.maxRounds {
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
                let reason = "no device can take over: \(Self.message(error)); push failures: \(Rollout.summary(failures))"
                return await giveUpDeploy(&deployment, giveUp, reason: reason)
            }
        }
        let reason = "gave up after \(Rollout.maxRounds) rounds of pushes: \(Rollout.summary(failures))"
        return await giveUpDeploy(&deployment, giveUp, reason: reason)
    }

    private func giveUpDeploy(_ deployment: inout Deployment, _ giveUp: GiveUp, reason: String) async -> Deployment {
        guard !stopping else { return deployment }
        switch giveUp {
        case .fail: return deployment.previous != nil ? await revert(&deployment, reason: reason) : await fail(&deployment, reason: reason)
        case .degrade: return await degrade(&deployment, reason: reason)
        }
    }

    /// One round: builds every device's node and pushes those that changed, concurrently.
    /// Returns the devices that failed, with why.
    /// With `only`, pushes no other device (a stage of a rollout); `built` are the nodes already
    /// built for this deployment as it stands, and `events` are stored with the round's first save.
    func push(
        _ deployment: inout Deployment, entries: PinnedPackages, only: Set<DeviceID>? = nil,
        built: [DeviceID: EncodedNode]? = nil, events: [NewFleetEvent] = []
    ) async -> [DeviceID: String] {
        let (addresses, trusted, missing) = await endpoints(of: deployment.devices)
        guard missing.isEmpty else {
            let failures = Dictionary(missing.map { ($0, "device \($0) is no longer in the inventory") }) { first, _ in first }
            Rollout.markFailed(&deployment, failures)
            metrics.pushesMissed(failures.count)
            try? await save(deployment, events: events)
            return failures
        }
        var nodes = built ?? [:]
        do throws(DeploymentError) {
            if built == nil { nodes = try encodedNodes(&deployment, entries: entries, addresses: addresses) }
        } catch {
            return Dictionary(deployment.devices.map { ($0, error.message) }) { first, _ in first }
        }
        var reported: [DeviceID: Int64] = [:]
        for device in nodes.keys { reported[device] = observations.reported(device, deployment.name) }
        let round = Rollout.round(deployment, nodes: nodes, reported: reported, now: Date(), only: only)
        deployment = round.deployment
        try? await save(deployment, events: events)

        let supervisors = self.supervisors
        let timeout = deployTimeout
        let outcomes = await withTaskGroup(of: PushOutcome.self) { group in
            for device in round.push {
                guard let endpoint = addresses[device], let node = nodes[device] else { continue }
                let isTrusted = trusted.contains(device)
                group.addTask {
                    do throws(ProbeError) {
                        try await supervisors.deploy(node.body, to: endpoint, trusted: isTrusted, timeout: timeout)
                        return PushOutcome(device: device, digest: node.digest, error: nil)
                    } catch {
                        return PushOutcome(device: device, digest: node.digest, error: error)
                    }
                }
            }
            var outcomes: [PushOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        for outcome in outcomes { metrics.pushed(error: outcome.error?.kind) }
        let names = await deviceNames(outcomes.map(\.device))
        let recorded = Rollout.record(outcomes, in: deployment, now: Date(), names: names)
        deployment = recorded.deployment
        try? await save(deployment, events: recorded.events)
        return recorded.failures
    }

    /// Every device's node of the current plan, encoded; each placed step's endpoint is set.
    func encodedNodes(_ deployment: inout Deployment, entries: PinnedPackages, addresses: [DeviceID: DeviceEndpoint])
        throws(DeploymentError) -> [DeviceID: EncodedNode]
    {
        let builder = nodeBuilder(deployment, entries: entries, addresses: addresses)
        for index in deployment.steps.indices {
            if let step = builder.manifestStep(named: deployment.steps[index].step), deployment.steps[index].device != nil {
                deployment.steps[index].endpoint = try builder.endpoint(of: step).address
            }
        }
        var nodes: [DeviceID: EncodedNode] = [:]
        for (device, node) in try builder.nodes() { nodes[device] = try NodeBuilder.encode(node) }
        return nodes
    }

    /// Re-places the steps of failed devices, keeping the others where they are.
    func replace(
        _ deployment: inout Deployment, entries: PinnedPackages, excluded: Set<DeviceID>, draining: Set<DeviceID> = [],
        because failures: [DeviceID: String]
    ) async throws {
        let plan = try await planner.place(
            prepared(deployment, entries: entries), current: deployment.plan, excluded: excluded, draining: draining,
            load: load(excluding: deployment.name))
        let names = await deviceNames(deployment.steps.compactMap(\.device) + plan.steps.map(\.device))
        let moved = Rollout.move(deployment, to: plan, because: failures, now: Date(), names: names)
        deployment = moved.deployment
        try await save(deployment, events: moved.events)
    }

    /// Every step runs: removes the deployment from devices that no longer hold a step.
    func finish(_ deployment: inout Deployment) async {
        let leftovers = await reachable(Rollout.leftovers(deployment))
        let (_, unreachable) = await removeNodes(deployment.name, from: leftovers)
        // Leftovers not removed stay listed in `installed`: they are cleaned when they report in
        // (a Tide supervisor's heartbeat) or return (see `deviceReturned`).
        for device in leftovers where unreachable[device] == nil { deployment.installed[device] = nil }
        deployment.reason = nil
        // The update is in place: nothing to go back to any more.
        deployment.previous = nil
        await setStatus(&deployment, .active, message: "deployment \(deployment.name) is active (generation \(deployment.generation))")
    }

    func degrade(_ deployment: inout Deployment, reason: String) async -> Deployment {
        let reason = Rollout.degradedReason(reason)
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
        let changed = Rollout.status(deployment, becomes: status, message: message, now: Date())
        deployment = changed.deployment
        do {
            try await save(deployment, events: changed.event.map { [$0] } ?? [])
        } catch {
            logger.error("\(error)")
        }
    }
}
