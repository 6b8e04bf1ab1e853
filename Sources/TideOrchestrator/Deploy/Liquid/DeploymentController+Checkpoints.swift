import Foundation
import TideLiquid
import TideModel
import TideStore

/// Checkpoints: for steps whose manifest says `state: {keep: true, checkpoint: 10s}`, the leader
/// takes a snapshot of the instance that often (`CheckpointKeeper` asks) and stores it, one per
/// step, in place of the one before. After the step's device fails, its new instance starts from
/// the last one; without one it starts fresh. A `deployment.state` event tells which.
extension DeploymentController {
    struct CheckpointJob: Sendable, Equatable {
        var deployment: String
        var step: String
        var device: DeviceID
        var generation: Int64
        var interval: Duration
    }

    /// The checkpoints due now, at most `limit` (so that few are taken at once); each is counted
    /// as under way until `tookCheckpoint` says it ended.
    func checkpointsDue(limit: Int, now: ContinuousClock.Instant = .now) -> [CheckpointJob] {
        guard cluster.mayLead(), limit > checkpointing.count else { return [] }
        var due: [CheckpointJob] = []
        for deployment in deployments.values where deployment.status == .active || deployment.status == .degraded {
            for step in deployment.manifest.steps {
                guard let seconds = step.state?.checkpointSeconds, let placed = deployment.step(step.name),
                    placed.state == .running, let device = placed.device
                else { continue }
                let key = deployment.name + "/" + step.name
                guard !checkpointing.contains(key) else { continue }
                let interval = Duration.milliseconds(Int64(seconds * 1000))
                if let last = lastCheckpoint[key], now - last < interval { continue }
                checkpointing.insert(key)
                due.append(CheckpointJob(
                    deployment: deployment.name, step: step.name, device: device, generation: deployment.generation, interval: interval))
                if checkpointing.count >= limit { return due }
            }
        }
        return due
    }

    /// Takes and stores one checkpoint. A failure is logged once per step until one succeeds again.
    func takeCheckpoint(_ job: CheckpointJob) async {
        let key = job.deployment + "/" + job.step
        let started = ContinuousClock.now
        defer {
            checkpointing.remove(key)
            // The first checkpoint (a new step, a new leader) is taken at once; the next comes at a
            // phase of the step's own within the interval, so that steps do not all fall due together.
            lastCheckpoint[key] = lastCheckpoint[key] == nil
                ? StateTransfer.firstCheckpointBase(key, interval: job.interval, now: started) : started
        }
        let (addresses, trusted, _) = await endpoints(of: [job.device])
        guard let endpoint = addresses[job.device] else { return }
        do {
            let bytes = try await supervisors.snapshot(
                of: job.step, in: job.deployment, at: endpoint, trusted: trusted.contains(job.device), timeout: deployTimeout,
                limit: snapshotLimits.maxEncodedBytes)
            let summary = try SnapshotCoding.summary(of: bytes, limits: snapshotLimits)
            try await store.saveCheckpoint(StateCheckpoint(
                deployment: job.deployment, step: job.step, generation: job.generation, moduleDigest: summary.moduleDigest.prefixed,
                digest: summary.digest.prefixed, takenAt: summary.takenAt, bytes: Data(bytes)))
            metrics.checkpointed(ok: true, bytes: bytes.count, took: ContinuousClock.now - started)
            if checkpointFailures.removeValue(forKey: key) != nil {
                logger.notice("checkpoints of \(key) are taken again")
            }
        } catch {
            metrics.checkpointed(ok: false, bytes: 0, took: ContinuousClock.now - started)
            let message = Self.message(error)
            if checkpointFailures[key] == nil {
                logger.warning("cannot take a checkpoint of \(key) on \(job.device): \(message); a crash there now loses more state")
            }
            checkpointFailures[key] = message
        }
    }

    /// What a snapshot the server takes from a device may hold (`--max-snapshot-bytes`).
    var snapshotLimits: SnapshotLimits { SnapshotLimits(maxMemoryBytes: maxSnapshotBytes) }

    /// After a crash: restores each stateful step that lost its device from its last checkpoint,
    /// where it runs now, and records what became of its state.
    func restoreCheckpoints(_ name: String, steps: [(step: String, from: DeviceID)]) async {
        guard let deployment = deployments[name] else { return }
        let targets = steps.compactMap { deployment.step($0.step)?.device }
        let (addresses, trusted, _) = await endpoints(of: targets)
        let names = await deviceNames(targets)
        var events: [NewFleetEvent] = []
        for (step, from) in steps {
            guard let to = deployment.step(step)?.device, to != from else { continue }
            let label = names.label(to)
            let lost = { (reason: String) in
                StateTransfer.lost(deployment, step: step, to: to, toLabel: label, reason: reason, paused: nil, at: Date())
            }
            let result: (NewFleetEvent, StateOutcome)
            if deployment.manifest.steps.first(where: { $0.name == step })?.state?.checkpointSeconds == nil {
                result = lost("its device failed and the step takes no checkpoints; state: {keep: true, checkpoint: 10s} bounds the loss")
            } else {
                switch await loadCheckpoint(name, step) {
                case .failure(let why): result = lost(why.reason)
                case .success(let checkpoint):
                    if let refused = await putState(
                        Array(checkpoint.bytes), step: step, of: deployment, on: to, at: addresses[to], trusted: trusted.contains(to),
                        label: label, what: "its last checkpoint")
                    {
                        result = lost(refused.reason)
                    } else {
                        result = StateTransfer.restored(
                            deployment, step: step, to: to, toLabel: label,
                            checkpoint: .init(takenAt: checkpoint.takenAt, size: checkpoint.bytes.count, digest: checkpoint.digest),
                            at: Date())
                    }
                }
            }
            metrics.stateMoved(result.1.outcome)
            events.append(result.0)
        }
        if !events.isEmpty { try? await save(deployment, events: events) }
    }

    /// The step's stored checkpoint, its digest checked; or why there is none to restore.
    private func loadCheckpoint(_ name: String, _ step: String) async -> Result<StateCheckpoint, StateUnavailable> {
        let checkpoint: StateCheckpoint?
        do {
            checkpoint = try await store.checkpoint(deployment: name, step: step)
        } catch {
            return .failure(StateUnavailable(reason: "its last checkpoint could not be read: \(error)"))
        }
        guard let checkpoint else { return .failure(StateUnavailable(reason: "its device failed before a checkpoint was taken")) }
        do {
            let summary = try SnapshotCoding.summary(of: Array(checkpoint.bytes), limits: snapshotLimits)
            guard summary.digest.prefixed == checkpoint.digest else {
                return .failure(StateUnavailable(reason: "its stored checkpoint is not the one recorded (digest \(summary.digest.prefixed), recorded \(checkpoint.digest))"))
            }
        } catch {
            return .failure(StateUnavailable(reason: "its stored checkpoint is damaged: \(error)"))
        }
        return .success(checkpoint)
    }
}
