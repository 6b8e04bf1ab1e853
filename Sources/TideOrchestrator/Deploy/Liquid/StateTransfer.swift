import Foundation
import TideLiquid
import TideModel

/// The words and checks of moving a step's state, apart from the I/O: which steps keep state,
/// what a snapshot file says of itself, and the events that tell what became of it.
enum StateTransfer {
    /// The steps of `deployment` on `device` whose manifest says `state: keep`, in manifest order.
    static func statefulSteps(_ deployment: Deployment, on device: DeviceID) -> [String] {
        let here = Set(deployment.steps.filter { $0.device == device }.map(\.step))
        return deployment.manifest.steps.filter { here.contains($0.name) && $0.state != nil }.map(\.name)
    }

    /// The stateful steps an update moves: stateful before and after, placed on another device
    /// by the new plan.
    static func movedByUpdate(from existing: Deployment?, to manifest: DeploymentManifest, plan: PlacementPlan)
        -> [DeploymentController.StatefulStep]
    {
        guard let existing else { return [] }
        let wasStateful = Set(existing.manifest.steps.filter { $0.state != nil }.map(\.name))
        return manifest.steps.compactMap { step in
            guard step.state != nil, wasStateful.contains(step.name), let from = existing.step(step.name)?.device,
                let to = plan.device(of: step.name), to != from
            else { return nil }
            return DeploymentController.StatefulStep(step: step.name, from: from, to: to)
        }
    }

    static func carried(
        _ deployment: Deployment, step: String, from: String, to: DeviceID, toLabel: String, _ carried: CarriedState,
        paused: Duration, at time: Date
    ) -> (NewFleetEvent, StateOutcome) {
        let outcome = StateOutcome(
            outcome: .carried, bytes: carried.bytes, digest: carried.digest, pausedMs: milliseconds(paused),
            changedBytes: carried.changedBytes)
        let how = carried.changedBytes.map { "pre-copied, then \(ByteCount.format(UInt64($0))) of changes" } ?? "carried"
        let message = "\(deployment.name): step \(step) keeps its state on \(toLabel): \(ByteCount.format(UInt64(carried.bytes))) "
            + "\(how) from \(from); its calls waited \(milliseconds(paused)) ms"
        return (event(deployment, step: step, to: to, outcome, message, at: time), outcome)
    }

    /// The whole snapshot file of a pre-copy (`base`) with the changes since (`delta`) put in,
    /// each checked by its digest.
    static func compose(base: [UInt8], delta: [UInt8], limits: SnapshotLimits) throws(SnapshotError) -> [UInt8] {
        var snapshot = try SnapshotCoding.decode(base, limits: limits)
        guard case .delta(let changes) = try SnapshotCoding.decodeContents(delta, limits: limits) else {
            throw .incompatible("the changes are a whole snapshot, not a delta")
        }
        guard let digest = SnapshotCoding.digest(of: base), changes.base == digest else {
            throw .missingBase("the changes are since snapshot \(changes.base.hex.prefix(12)), not this pre-copy")
        }
        try changes.apply(to: &snapshot)
        return try SnapshotCoding.encode(snapshot)
    }

    static func lost(
        _ deployment: Deployment, step: String, to: DeviceID, toLabel: String, reason: String, paused: Duration?, at time: Date
    ) -> (NewFleetEvent, StateOutcome) {
        let outcome = StateOutcome(outcome: .lost, pausedMs: paused.map(milliseconds), reason: reason)
        let message = "\(deployment.name): step \(step) starts fresh on \(toLabel): its state was lost (\(reason))"
        return (event(deployment, step: step, to: to, outcome, message, at: time), outcome)
    }

    static func restored(
        _ deployment: Deployment, step: String, to: DeviceID, toLabel: String, checkpoint: CheckpointFacts, at time: Date
    ) -> (NewFleetEvent, StateOutcome) {
        let age = max(0, time.timeIntervalSince(checkpoint.takenAt))
        let outcome = StateOutcome(
            outcome: .restored, bytes: checkpoint.size, digest: checkpoint.digest, ageSeconds: (age * 1000).rounded() / 1000)
        let message = "\(deployment.name): step \(step) starts on \(toLabel) from its last checkpoint, "
            + "\(String(format: "%.1f", age)) s old (\(ByteCount.format(UInt64(checkpoint.size)))); calls after it were lost"
        return (event(deployment, step: step, to: to, outcome, message, at: time), outcome)
    }

    /// When a step checkpointed for the first time counts as last checkpointed: its next checkpoint
    /// comes a fraction of `interval` from now, the fraction fixed by the step's key (FNV-1a), so
    /// that steps spread over the interval instead of all falling due together.
    static func firstCheckpointBase(_ key: String, interval: Duration, now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let fraction = Double(hash % 1000) / 1000
        return now - interval * (1 - fraction)
    }

    static func milliseconds(_ duration: Duration) -> Int { Int(duration.inMilliseconds.rounded()) }

    /// A state that reached its new device: its size and digest (a pre-copy's), and with a
    /// pre-copy the size of the changes sent while calls waited.
    struct CarriedState: Sendable {
        var bytes: Int
        var digest: String?
        var changedBytes: Int?
    }

    /// What the server needs to know of a stored checkpoint to restore it.
    struct CheckpointFacts: Sendable {
        var takenAt: Date
        var size: Int
        var digest: String
    }

    private static func event(
        _ deployment: Deployment, step: String, to: DeviceID, _ outcome: StateOutcome, _ message: String, at time: Date
    ) -> NewFleetEvent {
        var extra: [String: JSONValue] = ["step": .string(step), "outcome": .string(outcome.outcome.rawValue)]
        if let bytes = outcome.bytes { extra["bytes"] = .number(JSONNumber(bytes)) }
        if let digest = outcome.digest { extra["digest"] = .string(digest) }
        if let paused = outcome.pausedMs { extra["pausedMs"] = .number(JSONNumber(paused)) }
        if let changed = outcome.changedBytes { extra["changedBytes"] = .number(JSONNumber(changed)) }
        if let age = outcome.ageSeconds { extra["ageSeconds"] = .number(JSONNumber(age)) }
        if let reason = outcome.reason { extra["reason"] = .string(reason) }
        return .about(deployment, .deploymentState, message, device: to, extra: extra, at: time)
    }
}
