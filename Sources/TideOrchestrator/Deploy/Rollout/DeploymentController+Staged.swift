import Foundation
import TideModel

/// A staged rollout of an update (the manifest's `update` block): the canary, then a few devices
/// at a time, each stage checked before the next; a failed stage reverts every device to the
/// generation that ran (or pauses, without auto-revert). The decisions are `RolloutStages`'.
extension DeploymentController {
    enum RolloutRequest: Sendable, Equatable {
        case pause
        case abort
    }

    struct StageReadFailure: Error {
        var message: String
    }

    /// Why a stage did not pass.
    enum StageVerdict: Sendable, Equatable {
        case failed(String)
        case aborted
    }

    /// Rolls the deployment's generation out stage by stage from where it stands (after a
    /// restart too), until done, paused or reverted.
    func rollOut(_ name: String) async -> Deployment? {
        guard var deployment = deployments[name], deployment.rollout?.state == .rolling else { return deployments[name] }
        let strategy = deployment.manifest.update ?? UpdateStrategy()
        let entries: PinnedPackages
        do {
            entries = try await pinnedEntries(deployment)
        } catch {
            return await stageFailed(&deployment, strategy, reason: error.message)
        }
        while true {
            let pending: [DeviceID]
            let nodes: [DeviceID: EncodedNode]
            do {
                (pending, nodes) = try await devicesToUpdate(&deployment, entries: entries)
            } catch {
                return await stageFailed(&deployment, strategy, reason: Self.message(error))
            }
            guard var progress = deployment.rollout else { return deployment }
            if progress.stages == 0 {
                progress = RolloutStages.start(progress, devices: pending.count, strategy: strategy)
            } else {
                progress = RolloutStages.landed(progress, installed: deployment.installed, pending: pending.count)
            }
            deployment.rollout = progress
            if pending.isEmpty { return await finishRollout(&deployment) }
            guard !stopping else { return deployment }
            switch rolloutRequests.removeValue(forKey: name) {
            case .pause?: return await pause(&deployment, because: "paused by the operator")
            case .abort?: return await revert(&deployment, reason: "the operator aborted the rollout")
            case nil: break
            }
            let (devices, canary) = RolloutStages.next(pending, progress: progress, strategy: strategy)
            let stage = RolloutStages.name(progress, canary: canary)
            let since = Date()
            let started = rolloutEvent(
                deployment, "\(stage): generation \(deployment.generation) goes to \(devices.count) device(s): \(await labels(devices))",
                extra: ["stage": .number(JSONNumber(progress.stage + 1)), "canary": .bool(canary), "devices": .array(devices.map { .string($0.rawValue) })])
            let failures = await push(&deployment, entries: entries, only: Set(devices), built: nodes, events: [started])
            if !failures.isEmpty {
                return await stageFailed(&deployment, strategy, reason: "\(stage) failed: \(Rollout.summary(failures.values.sorted()))")
            }
            switch await verdict(of: name, devices: devices, since: since, strategy: strategy) {
            case .aborted?:
                rolloutRequests[name] = nil
                return await revert(&deployment, reason: "the operator aborted the rollout during \(stage)")
            case .failed(let why)?:
                return await stageFailed(&deployment, strategy, reason: "\(stage) failed: \(why)")
            case nil: break
            }
            guard let current = deployment.rollout else { return deployment }
            deployment.rollout = RolloutStages.passed(current, devices: devices, canary: canary, pending: pending.count)
            try? await save(deployment, events: [
                rolloutEvent(deployment, "\(stage) passed: \(deployment.rollout?.updated.count ?? 0) device(s) run generation \(deployment.generation), \(deployment.rollout?.remaining ?? 0) to go")
            ])
            if canary, !strategy.autoPromote, deployment.rollout?.remaining ?? 0 > 0 {
                return await pause(&deployment, because: "the canary passed; tide deploy resume \(name) goes on with the rest")
            }
        }
    }

    /// The devices whose node of the current generation differs from the one they hold, in
    /// rollout order.
    private func devicesToUpdate(_ deployment: inout Deployment, entries: PinnedPackages) async throws
        -> (devices: [DeviceID], nodes: [DeviceID: EncodedNode])
    {
        let (addresses, _, missing) = await endpoints(of: deployment.devices)
        guard missing.isEmpty else {
            throw DeploymentError.internalFailure("device(s) \(Self.list(missing.map(\.rawValue))) are no longer in the inventory")
        }
        let nodes = try encodedNodes(&deployment, entries: entries, addresses: addresses)
        return (RolloutStages.order(Rollout.changed(deployment, nodes: nodes), previous: deployment.previous?.devices ?? []), nodes)
    }

    /// Whether a pushed stage holds: its devices stay alive for `min-healthy-time` (an abort is
    /// taken meanwhile), then the probe run succeeds and the calls they served stay under the
    /// error rate. nil: it passed.
    private func verdict(of name: String, devices: [DeviceID], since: Date, strategy: UpdateStrategy) async -> StageVerdict? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(strategy.minHealthySeconds * 1000))
        repeat {
            if rolloutRequests[name] == .abort { return .aborted }
            if stopping { return .failed("the server is stopping") }
            for device in devices {
                guard let found = await inventory.device(device) else { return .failed("device \(device) left the inventory") }
                if found.status == .dead { return .failed("\(found.name) (\(device)) is dead: \(found.statusReason)") }
            }
            let left = deadline - ContinuousClock.now
            if left > .zero { try? await Task.sleep(for: min(left, .milliseconds(100))) }
        } while ContinuousClock.now < deadline
        if let inputs = strategy.check.run {
            do {
                let run = try await runOnce(name, inputs: try RunInputs(json: inputs, limits: .default), limits: .default).1.result
                if !run.success { return .failed("the probe run failed: \(run.error ?? "no reason given")") }
            } catch {
                return .failed("the probe run failed: \(Self.message(error))")
            }
        }
        if let limit = strategy.check.maxErrorRate {
            let (addresses, _, _) = await endpoints(of: devices)
            // Every device of the stage at once: a slow one costs its timeout once, not per device.
            let supervisors = self.supervisors
            let counts = await withTaskGroup(of: Result<(calls: Int, failed: Int), StageReadFailure>.self) { group in
                for device in devices {
                    guard let endpoint = addresses[device] else { continue }
                    group.addTask {
                        do throws(ProbeError) {
                            return .success(try await supervisors.callCounts(of: name, at: endpoint, since: since, timeout: .seconds(5)))
                        } catch {
                            return .failure(StageReadFailure(message: "cannot read the request history of \(device): \(error.message)"))
                        }
                    }
                }
                var all: [Result<(calls: Int, failed: Int), StageReadFailure>] = []
                for await result in group { all.append(result) }
                return all
            }
            var calls = 0
            var failed = 0
            for result in counts {
                switch result {
                case .success(let count):
                    calls += count.calls
                    failed += count.failed
                case .failure(let failure): return .failed(failure.message)
                }
            }
            if let problem = RolloutStages.errorRateProblem(calls: calls, failed: failed, limit: limit) { return .failed(problem) }
        }
        return nil
    }

    private func stageFailed(_ deployment: inout Deployment, _ strategy: UpdateStrategy, reason: String) async -> Deployment {
        // Failures caused by the server stopping say nothing of the update: the next start goes on.
        guard !stopping else { return deployment }
        if strategy.autoRevert { return await revert(&deployment, reason: reason) }
        return await pause(
            &deployment,
            because: reason + "; auto-revert is off: tide deploy resume \(deployment.name) tries again, tide deploy abort \(deployment.name) reverts")
    }

    func pause(_ deployment: inout Deployment, because why: String) async -> Deployment {
        deployment.rollout?.state = .paused
        deployment.rollout?.message = why
        let at = deployment.rollout.map { "at stage \($0.stage + 1) of \($0.stages)" } ?? ""
        try? await save(deployment, events: [rolloutEvent(deployment, "the rollout of generation \(deployment.generation) is paused \(at): \(why)")])
        return deployment
    }

    private func finishRollout(_ deployment: inout Deployment) async -> Deployment {
        let now = Date()
        deployment.rollout?.state = .done
        deployment.rollout?.endedAt = now
        deployment.rollout?.remaining = 0
        deployment.rollout?.message = nil
        deployment.previous = nil
        let rollout = deployment.rollout
        let seconds = rollout.map { now.timeIntervalSince($0.startedAt) } ?? 0
        try? await save(deployment, events: [
            rolloutEvent(
                deployment,
                "the rollout of generation \(deployment.generation) is done: \(rollout?.updated.count ?? 0) device(s) in \(rollout?.stage ?? 0) stage(s), \(String(format: "%.1f", seconds)) s")
        ])
        await finish(&deployment)
        return deployment
    }

    /// Goes back to the generation that ran before the update, as a new generation (devices
    /// refuse older ones): devices still on it keep their node, the others get it back, devices
    /// that only the update used are cleaned. Ends `active` (or `degraded` when a device cannot
    /// take its step back); the failed attempt stays in the events.
    func revert(_ deployment: inout Deployment, reason: String) async -> Deployment {
        guard let previous = deployment.previous else { return await fail(&deployment, reason: reason) }
        let failed = deployment.generation
        deployment.generation += 1
        deployment.manifest = previous.manifest
        deployment.source = previous.source
        deployment.packages = previous.packages
        deployment.pins = previous.pins
        deployment.plan = previous.plan
        deployment.steps = previous.steps.map { Deployment.Step(step: $0.step, device: $0.device, state: .pending) }
        deployment.previous = nil
        deployment.reason = nil
        if deployment.rollout?.to == failed {
            deployment.rollout?.state = .reverted
            deployment.rollout?.endedAt = Date()
            deployment.rollout?.message = reason
        }
        do {
            try await save(deployment, events: [
                rolloutEvent(
                    deployment,
                    "the update to generation \(failed) failed: \(reason); every device goes back to generation \(previous.generation) (now generation \(deployment.generation))",
                    extra: ["failedGeneration": .number(JSONNumber(failed)), "revertedTo": .number(JSONNumber(previous.generation)), "reason": .string(reason)])
            ])
        } catch {
            logger.error("\(error)")
        }
        return await pushAll(deployment.name, giveUp: .degrade) ?? deployment
    }

    func rolloutEvent(_ deployment: Deployment, _ message: String, extra: [String: JSONValue] = [:]) -> NewFleetEvent {
        var extra = extra
        if let rollout = deployment.rollout {
            extra["rollout"] = .string(rollout.state.rawValue)
            extra["updated"] = .number(JSONNumber(rollout.updated.count))
            extra["remaining"] = .number(JSONNumber(rollout.remaining))
        }
        return event(.deploymentRollout, deployment, "\(deployment.name): \(message)", extra: extra)
    }

    /// The first devices of a list, and how many more.
    static func list(_ devices: [String]) -> String {
        devices.prefix(8).joined(separator: ", ") + (devices.count > 8 ? " and \(devices.count - 8) more" : "")
    }

    /// The first devices of a list as `name (id)`, and how many more.
    private func labels(_ devices: [DeviceID]) async -> String {
        let names = await deviceNames(devices.prefix(8))
        return Self.list(devices.prefix(8).map(names.label) + devices.dropFirst(8).map(\.rawValue))
    }
}
