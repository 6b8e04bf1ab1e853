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

    private func recoverNow(_ name: String) async {
        guard var deployment = deployments[name] else { return }
        switch deployment.status {
        case .pending, .failed: return
        case .deploying:
            // Interrupted by a restart: finish it (or roll it back).
            await deploy(name)
            return
        case .active, .degraded: break
        }
        let reasonBefore = deployment.reason
        var lost: [DeviceID: String] = [:]
        for device in deployment.devices {
            guard let found = await inventory.device(device) else {
                lost[device] = "device \(device) was removed from the inventory"
                continue
            }
            if found.status == .dead { lost[device] = "device \(found.name) (\(device)) is dead: \(found.statusReason)" }
        }
        let unfinished = deployment.steps.contains { $0.state != .running }
        guard !lost.isEmpty || unfinished || deployment.status == .degraded else { return }

        if !lost.isEmpty {
            for index in deployment.steps.indices {
                guard let device = deployment.steps[index].device, let why = lost[device] else { continue }
                deployment.steps[index].state = .failed
                deployment.steps[index].error = why
            }
            if deployment.status != .degraded {
                let affected = deployment.steps.filter { $0.state == .failed }.map(\.step)
                deployment.reason = "step(s) \(affected.joined(separator: ", ")) lost their device: \(lost.values.sorted().joined(separator: "; "))"
                await setStatus(&deployment, .degraded, message: "deployment \(name) is degraded: \(deployment.reason ?? "")")
            } else {
                // Already degraded: its reason stays until this pass has a newer one (readers never
                // see it flip back to the first step of recovery).
                try? save(deployment, events: [])
            }
        }
        do {
            let entries = try await pinnedEntries(deployment)
            try await replace(&deployment, entries: entries, excluded: Set(lost.keys), because: lost)
        } catch {
            let reason = Self.message(error) + Self.retriedNote
            deployment.reason = reason
            if reason == reasonBefore {
                try? save(deployment, events: [])  // nothing new to tell
            } else {
                await setStatus(&deployment, .degraded, message: "deployment \(name) stays degraded: \(reason)")
            }
            return
        }
        await deploy(name, giveUp: .degrade)
    }

    /// Every deployment that may need work: after a restart, on a periodic tick, and when the
    /// fleet changes.
    func reconcileAll() async {
        for deployment in list() where deployment.status != .pending && deployment.status != .failed {
            await recover(deployment.name)
        }
    }

    /// Deployments with a step on `device`.
    func deployments(on device: DeviceID) -> [String] {
        deployments.values.filter { $0.devices.contains(device) }.map(\.name).sorted()
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
        guard deployment.devices.contains(device) else {
            guard deployment.installed[device] != nil, await removeNode(name, from: device) else { return }
            deployment.installed[device] = nil
            try? save(deployment, events: [
                event(.deploymentStepChanged, deployment, "\(name): removed a stale instance from \(device)", device: device,
                      extra: ["state": "removed"])
            ])
            return
        }
        guard deployment.status == .active || deployment.status == .degraded, deployment.installed[device] != nil else { return }
        deployment.installed[device] = nil
        var events: [NewFleetEvent] = []
        for index in deployment.steps.indices where deployment.steps[index].device == device {
            deployment.steps[index].state = .pending
            events.append(event(
                .deploymentStepChanged, deployment,
                "\(name): step \(deployment.steps[index].step) is pushed to \(device) again: \(why)", device: device,
                extra: ["step": .string(deployment.steps[index].step), "state": "pending", "reason": .string(why)]))
        }
        try? save(deployment, events: events)
        let steps = deployment.steps.filter { $0.device == device }.map(\.step).joined(separator: ", ")
        deployment.reason = "step(s) \(steps) lost their node on \(device) (\(why)); pushing it again"
        await setStatus(&deployment, .degraded, message: "deployment \(name) is degraded: \(deployment.reason ?? "")")
        await deploy(name, giveUp: .degrade)
    }

    // MARK: What devices report

    /// A Tide supervisor's report of the deployments it runs (from its heartbeat). Instances of
    /// removed deployments, or of steps that moved away, are deleted; a node older than the one
    /// the device should run is pushed again; a node at the current generation is accepted.
    func observe(_ device: DeviceID, running reported: [Heartbeat.DeploymentState]) async {
        let now = Date()
        let current = Dictionary(reported.map { ($0.id, Int64($0.generation)) }) { a, _ in a }
        if let last = observations[device], last.reported == current, now.timeIntervalSince(last.at) < 10 { return }
        observations[device] = (current, now)
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
        let wanted = deployment.devices.contains(device)
        let installed = deployment.installed[device]
        // A heartbeat composed before the device acknowledged its node does not list it yet.
        if wanted, let acknowledged = installed?.acknowledgedAt, Date().timeIntervalSince(acknowledged) < Self.reportGrace {
            return
        }
        switch (wanted, generation) {
        case (false, nil):
            // Not wanted and not there: nothing left to clean (a push that never landed).
            guard installed != nil else { return }
            deployment.installed[device] = nil
            try? save(deployment, events: [])
        case (false, .some):
            guard await removeNode(name, from: device) else { return }
            deployment.installed[device] = nil
            try? save(deployment, events: [
                event(.deploymentStepChanged, deployment, "\(name): removed a stale instance from \(device)", device: device,
                      extra: ["state": "removed"])
            ])
        case (true, nil):
            // Wanted here but not running: a supervisor that lost its state gets the node again.
            guard deployment.status == .active || deployment.status == .degraded, installed != nil else { return }
            deployment.installed[device] = nil
            try? save(deployment, events: [])
            await deploy(name, giveUp: .degrade)
        case (true, .some(let reported)):
            guard let installed else { return }
            if installed.digest == InstalledNode.unconfirmed, reported == deployment.generation { return }
            guard reported < installed.generation else { return }
            // An older node than the one it should run (a device that missed an update).
            deployment.installed[device] = nil
            try? save(deployment, events: [])
            await deploy(name, giveUp: .degrade)
        }
    }

    private func removeNode(_ name: String, from device: DeviceID) async -> Bool {
        let (cleaned, _) = await removeNodes(name, from: [device])
        return !cleaned.isEmpty
    }
}
