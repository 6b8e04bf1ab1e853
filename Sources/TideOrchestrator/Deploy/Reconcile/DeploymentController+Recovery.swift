import Foundation
import TideModel

/// Keeping deployments true to the fleet: moving steps off dead devices, retrying degraded
/// deployments, finishing deploys interrupted by a restart, and cleaning devices that return with
/// instances they should no longer run.
extension DeploymentController {
    /// Seconds after an acknowledged push during which a device's reports of that deployment are
    /// not trusted to be newer than the push (a heartbeat may be in flight).
    static let reportGrace: TimeInterval = 5

    /// Re-places the steps of `name` whose device is dead or gone, keeping the others where they
    /// are, and pushes the changed nodes (the moved steps and the steps that feed them).
    func recover(_ name: String) async {
        _ = try? await queue.run(name) { await self.recoverNow(name) }
    }

    /// Recovery; a stateful step that lost its device starts from its last checkpoint, and the
    /// deployment's runs (new ones, and those waiting for the move) wait until it is restored.
    private func recoverNow(_ name: String) async {
        guard let deployment = deployments[name] else { return }
        var failed: [(step: String, from: DeviceID)] = []
        for device in deployment.devices {
            let steps = StateTransfer.statefulSteps(deployment, on: device)
            guard !steps.isEmpty else { continue }
            let found = await inventory.device(device)
            if found == nil || found?.status == .dead { failed += steps.map { (step: $0, from: device) } }
        }
        guard !failed.isEmpty else { return await recoverSteps(name) }
        runGates.pause(name)
        restoring.insert(name)
        await recoverSteps(name)
        let after = deployments[name]
        let lost = failed.filter { entry in after?.step(entry.step)?.device.map { $0 != entry.from } ?? false }
        if !lost.isEmpty { await restoreCheckpoints(name, steps: lost) }
        restoring.remove(name)
        resumeRuns(name)
    }

    private func recoverSteps(_ name: String) async {
        guard var deployment = deployments[name] else { return }
        var seen: [DeviceID: Recovery.Seen] = [:]
        var lastAlive: Date?
        for device in deployment.devices {
            if let found = await inventory.device(device) {
                seen[device] = Recovery.Seen(name: found.name, status: found.status, reason: found.statusReason)
                if found.status == .dead { lastAlive = min(lastAlive ?? found.lastSeen, found.lastSeen) }
            }
        }
        let lost: [DeviceID: String]
        switch Recovery.assess(deployment, devices: seen) {
        case .none: return
        case .finishDeploy:
            await deploy(name)
            return
        case .recover(let found): lost = found
        }
        let reasonBefore = deployment.reason
        if !lost.isEmpty {
            let marked = Recovery.markLost(deployment, lost)
            deployment = marked.deployment
            if marked.degrades {
                await setStatus(&deployment, .degraded, message: "deployment \(name) is degraded: \(deployment.reason ?? "")")
            } else {
                try? await save(deployment, events: [])
            }
        }
        do {
            let entries = try await pinnedEntries(deployment)
            try await replace(&deployment, entries: entries, excluded: Set(lost.keys), because: lost)
        } catch {
            let reason = Self.message(error) + Rollout.retriedNote
            deployment.reason = reason
            if reason == reasonBefore {
                try? await save(deployment, events: [])  // nothing new to tell
            } else {
                await setStatus(&deployment, .degraded, message: "deployment \(name) stays degraded: \(reason)")
            }
            return
        }
        let recovered = await deploy(name, giveUp: .degrade)
        if !lost.isEmpty, let recovered { metrics.failedOver(result: recovered.status, failedAt: lastAlive) }
    }

    /// Every deployment that may need work: after a restart, on a periodic tick, and when the
    /// fleet changes.
    func reconcileAll() async {
        for deployment in list() where deployment.status != .pending && deployment.status != .failed {
            await recover(deployment.name)
        }
    }

    // MARK: Devices that lose their nodes

    /// A wasmiot supervisor that returned (alive again after a failed probe, or registered
    /// again) may have restarted, and it keeps deployments in memory only and cannot list them:
    /// each node it should run is pushed again (a push is idempotent), and each node it should no
    /// longer run is removed. A Tide supervisor says what it runs in its heartbeats (`observe`).
    /// A restart is often noticed twice (alive again, then its registration) and the node pushed
    /// twice: harmless, where skipping a recent push would lose the node of a device that crashed
    /// right after it.
    func deviceReturned(_ device: DeviceID, because why: String) async {
        guard let found = await inventory.device(device), found.supervisor == .wasmiot else { return }
        for deployment in deployments.values.sorted(by: { $0.name < $1.name })
        where deployment.installed[device] != nil || deployment.devices.contains(device) {
            let name = deployment.name
            Task {
                _ = try? await queue.run(name) {
                    await self.repush(name, to: device, because: "\(found.name) (\(device)) \(why)")
                }
            }
        }
    }

    /// A device answered a call of deployment `name` with 404: it lost the node (a restart).
    /// Pushes it again and returns once the deployment settled.
    func nodeLost(_ name: String, on device: DeviceID, because why: String) async {
        _ = try? await queue.run(name) { await self.repush(name, to: device, because: why) }
    }

    /// Forgets that `device` holds its node of `name` and pushes it again; removes the node when
    /// the device should no longer run one.
    private func repush(_ name: String, to device: DeviceID, because why: String) async {
        guard var deployment = deployments[name] else { return }
        switch Recovery.returned(deployment, device: device) {
        case .nothing, .forget: return
        case .removeStale: await removeStale(&deployment, from: device)
        case .repush:
            let marked = Recovery.markForRepush(deployment, device: device, because: why, now: Date())
            deployment = marked.deployment
            try? await save(deployment, events: marked.events)
            await setStatus(&deployment, .degraded, message: "deployment \(name) is degraded: \(deployment.reason ?? "")")
            await deploy(name, giveUp: .degrade)
        }
    }

    // MARK: What devices report

    /// A Tide supervisor's report of the deployments it runs (from its heartbeat). Instances of
    /// removed deployments, or of steps that moved away, are deleted; a node older than the one
    /// the device should run is pushed again; a node at the current generation is accepted.
    func observe(_ device: DeviceID, running reported: [Heartbeat.DeploymentState]) async {
        await observe(device, running: reported.generations)
    }

    /// Whether a heartbeat's report would change anything `observe` has settled: the heartbeat
    /// route asks this first, so the thousands a second that repeat the last report do not queue
    /// on this actor ahead of the work that moves steps after a death.
    nonisolated func isNews(_ device: DeviceID, running reported: [Heartbeat.DeploymentState]) -> Bool {
        cluster.mayLead() && observations.isNews(device, reported.generations, now: Date())
    }

    /// `observe` for many devices at once (what the shared store says they reported).
    func observe(_ reports: [DeviceID: [String: Int64]]) async {
        for (device, current) in reports { await observe(device, running: current) }
    }

    /// `observe` with the report as deployment -> generation (as the shared store keeps it).
    func observe(_ device: DeviceID, running current: [String: Int64]) async {
        // Another replica leads: it settles what the device runs (from the shared store).
        guard cluster.mayLead() else { return }
        guard observations.take(device, current, now: Date()) else { return }
        var names = Set(current.keys)
        for deployment in deployments.values
        where deployment.installed[device] != nil || deployment.devices.contains(device) {
            names.insert(deployment.name)
        }
        // Each deployment's part runs in its queue, so it never races a deploy of it.
        for name in names.sorted() {
            let generation = current[name]
            Task { _ = try? await queue.run(name) { await self.settle(name, on: device, reported: generation) } }
        }
    }

    /// Brings what `device` runs of deployment `name` (reported at `generation`, nil: not running
    /// it) in line with the plan.
    private func settle(_ name: String, on device: DeviceID, reported generation: Int64?) async {
        guard var deployment = deployments[name] else {
            if generation != nil, await removeNode(name, from: device) {
                logger.notice("removed deployment \(name), which no longer exists, from \(device)")
            }
            return
        }
        // A staged update is about to take a stateful step's state from this device: its deploy
        // settles the device afterwards.
        if updateMoves[name]?.contains(where: { $0.from == device }) == true { return }
        switch Recovery.settle(deployment, on: device, reported: generation, now: Date(), grace: Self.reportGrace) {
        case .nothing: return
        case .forget:
            deployment.installed[device] = nil
            try? await save(deployment, events: [])
        case .removeStale: await removeStale(&deployment, from: device)
        case .repush:
            deployment.installed[device] = nil
            try? await save(deployment, events: [])
            await deploy(name, giveUp: .degrade)
        }
    }

    /// Deletes the device's instance of a deployment it should not run.
    private func removeStale(_ deployment: inout Deployment, from device: DeviceID) async {
        guard await removeNode(deployment.name, from: device) else { return }
        deployment.installed[device] = nil
        let names = await deviceNames([device])
        try? await save(deployment, events: [
            event(.deploymentStepChanged, deployment, "\(deployment.name): removed a stale instance from \(names.label(device))", device: device,
                  extra: ["state": "removed"])
        ])
    }
}
