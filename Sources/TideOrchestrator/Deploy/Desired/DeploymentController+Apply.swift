import Foundation
import TideModel
import TidePlacement

/// The desired state: a manifest stored (and placed) as a deployment's next generation before
/// anything is pushed.
extension DeploymentController {
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
        let metrics = self.metrics
        var phaseStart = ContinuousClock.now
        let prepared: PreparedManifest
        do {
            prepared = try await planner.prepare(text, fileName: fileName)
        } catch {
            metrics.deployed("rejected")
            throw error
        }
        metrics.deployPhase(.resolve, took: ContinuousClock.now - phaseStart)
        phaseStart = ContinuousClock.now
        let name = prepared.manifest.name
        let staged: (deployment: Deployment, created: Bool, unchanged: Bool)
        do {
            staged = try await queue.run(name) { () async throws -> (deployment: Deployment, created: Bool, unchanged: Bool) in
                if let kept = try await self.keepIfUnchanged(prepared) { return (kept, false, true) }
                let staged = try await self.stage(prepared, cancellation: cancellation)
                return (staged.deployment, staged.created, false)
            }
        } catch {
            metrics.deployed("rejected")
            throw error
        }
        if staged.unchanged {
            metrics.deployed("unchanged")
            return (staged.deployment, false, true)
        }
        metrics.deployPhase(.place, took: ContinuousClock.now - phaseStart)
        let work = Task { try await queue.run(name) { await self.deployRecorded(name) } }
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
    private func keepIfUnchanged(_ prepared: PreparedManifest) async throws(DeploymentError) -> Deployment? {
        guard let existing = deployments[prepared.manifest.name], Staging.isUnchanged(existing, prepared) else { return nil }
        try await save(existing, events: [
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
    private func refuseRestaging(_ name: String) throws(DeploymentError) {
        guard let existing = deployments[name], existing.status != .pending else { return }
        throw .exists(
            "deployment \(name) already exists (\(existing.status.rawValue), generation \(existing.generation)); "
                + "update it with tide deploy apply (POST /api/v1/deployments) or remove it first (DELETE /file/manifest/\(name))")
    }

    /// Pushes a stored deployment now and returns the outcome; nil when there is none.
    func deployNow(_ name: String) async -> Deployment? {
        guard deployments[name] != nil else { return nil }
        return try? await queue.run(name) { await self.deployRecorded(name) }
    }

    /// Deploys and records the push phase and how the deploy settled.
    private func deployRecorded(_ name: String) async -> Deployment? {
        let started = ContinuousClock.now
        var deployed: Deployment?
        let moving = updateMoves.removeValue(forKey: name) ?? []
        if await carryingState(name, stateful: moving, { deployed = await self.deploy(name) }) == nil {
            // Runs under way did not end in time: the update goes ahead, and the states it moves
            // are lost, with an event each (rather than left for the reconciler to finish).
            deployed = await deploy(name)
            if let after = deployments[name] {
                let why = StateUnavailable(
                    reason: "runs of the deployment were still under way after \(PipelineRunner.callTimeout.secondsText), so it could not be taken")
                _ = await restoreStates(
                    after, moving.map { TakenState(step: $0.step, from: $0.from, snapshot: .failure(why)) }, pausedAt: .now)
            }
        }
        metrics.deployPhase(.push, took: ContinuousClock.now - started)
        metrics.deployed(deployed?.status.rawValue ?? DeploymentStatus.failed.rawValue)
        return deployed
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
        deployment.previous = Staging.previous(of: existing)
        if status == .deploying, prepared.manifest.update != nil, let previous = deployment.previous {
            deployment.rollout = RolloutProgress(from: previous.generation, to: deployment.generation, startedAt: now)
        }
        let statefulMoves = StateTransfer.movedByUpdate(from: existing, to: prepared.manifest, plan: plan)
        let (steps, moved) = Staging.steps(of: plan, previous: existing?.steps ?? [])
        deployment.steps = steps
        let names = await deviceNames(plan.steps.map(\.device))
        let summary = plan.steps.map { "\($0.step) -> \(names.label($0.device))" }.joined(separator: ", ")
        try await save(deployment, events: [
            event(
                .deploymentApplied, deployment,
                existing == nil
                    ? "deployment \(name) created (generation \(deployment.generation)): \(summary)"
                    : "deployment \(name) updated (generation \(deployment.generation), \(moved) step(s) moved): \(summary)",
                extra: ["placement": .object(Dictionary(plan.steps.map { ($0.step, JSONValue.string($0.device.rawValue)) }) { a, _ in a })])
        ])
        updateMoves[name] = statefulMoves.isEmpty ? nil : statefulMoves
        return (deployment, existing == nil)
    }

    /// A deployment as a prepared manifest again (its pinned packages, its steps' needs), to
    /// re-place it.
    func prepared(_ deployment: Deployment, entries: PinnedPackages) -> PreparedManifest {
        var prepared = PreparedManifest(
            manifest: deployment.manifest, source: deployment.source, entries: entries, pins: deployment.pins,
            requirements: Dictionary(deployment.pins.map { ($0.step, StepRequirements(capabilities: $0.needs)) }) { a, _ in a })
        prepared.markStepsPassingFloats()
        return prepared
    }
}
