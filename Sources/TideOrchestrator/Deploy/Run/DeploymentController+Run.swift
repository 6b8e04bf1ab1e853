import Foundation
import TideModel

/// Runs: a pipeline called once, step by step on the devices that hold it.
extension DeploymentController {
    /// Runs the pipeline once. When a step's device fails (unreachable, or dead by the monitor's
    /// word) the run waits for the step to move and goes on from that step through the new
    /// placement, unless a step marked `idempotent: false` would run twice (`RunFailover`). A
    /// device that answers a call with 404 lost its node (a wasmiot supervisor keeps deployments
    /// in memory): the node is pushed again and the run goes on. Waiting for moves is bounded by
    /// `PipelineRunner.callTimeout` in all, retries by `RunFailover.maxRetries`.
    func run(_ name: String, inputs: RunInputs, limits: RunInputs.Limits = .default) async throws -> RunResult {
        let started = ContinuousClock.now
        await enterRun(name)
        defer { leaveRun(name) }
        do {
            let result = try await runRetrying(name, inputs: inputs, limits: limits, started: started)
            metrics.ran(result.error == nil ? .ok : .failed, took: ContinuousClock.now - started)
            return result
        } catch {
            metrics.ran(.rejected, took: ContinuousClock.now - started)
            throw error
        }
    }

    private func runRetrying(_ name: String, inputs: RunInputs, limits: RunInputs.Limits, started: ContinuousClock.Instant)
        async throws -> RunResult
    {
        let deadline = started + PipelineRunner.callTimeout
        var progress = PipelineRunner.Progress()
        var retries: [RunResult.Retry] = []
        while true {
            let (deployment, attempt) = try await runOnce(name, inputs: inputs, limits: limits, from: progress, started: started)
            var result = attempt.result
            result.retries = retries.isEmpty ? nil : retries
            guard let interruption = attempt.interruption else { return result }
            let waitStarted = ContinuousClock.now
            let decision = RunFailover.decide(
                interruption, manifest: deployment.manifest, called: attempt.progress.called, retries: retries.count)
            let again: [String]
            let movedTo: DeviceID
            switch decision {
            case .fail(let message):
                result.error = message
                return result
            case .repush(let device):
                logger.notice("\(device) does not hold its node of \(name): pushing it again, then going on with the run")
                await nodeLost(name, on: device, because: "a call answered 404: \(interruption.error)")
                guard deployments[name]?.status == .active else { return result }
                (again, movedTo) = (RunFailover.rerun(from: interruption.step, manifest: deployment.manifest), device)
            case .retry(let steps, let device):
                logger.notice("run of \(name): \(interruption.device) failed during step \(interruption.step); waiting for it to move")
                switch await awaitMove(name, steps: steps, off: device, until: deadline) {
                case .moved(let to):
                    (again, movedTo) = (steps, to)
                case .stuck(let reason):
                    result.error = "\(result.error ?? interruption.error); step \(interruption.step) was not retried: \(reason)"
                    return result
                case .waiting:
                    result.error = "\(result.error ?? interruption.error); step \(interruption.step) was not retried: "
                        + "it did not move within \(PipelineRunner.callTimeout.secondsText) of the start of the run"
                    return result
                }
            }
            guard deployments[name]?.manifest == deployment.manifest else {
                result.error = "\(result.error ?? interruption.error); the run was not retried: the deployment was applied again meanwhile"
                return result
            }
            retries.append(RunResult.Retry(
                step: interruption.step, device: interruption.device, error: interruption.error, movedTo: movedTo,
                waitedMs: (ContinuousClock.now - waitStarted).inMilliseconds))
            progress = attempt.progress.forgetting(again)
        }
    }

    /// Waits until `steps` run off `device` (nil: anywhere), the deployment settles where they
    /// cannot move, or `deadline` passes (then `.waiting`).
    private func awaitMove(_ name: String, steps: [String], off device: DeviceID?, until deadline: ContinuousClock.Instant) async
        -> RunFailover.MoveState
    {
        while true {
            let cursor = await bus.latest
            // A restored state is part of the move: the step runs once its checkpoint is back.
            let state = restoring.contains(name) ? .waiting : RunFailover.moveState(deployments[name], steps: steps, off: device)
            let left = deadline - .now
            guard state == .waiting, left > .zero else { return state }
            await bus.wait(after: cursor, timeout: min(left, .milliseconds(200)))
        }
    }

    /// One attempt of a run, from `progress`; alone (no retry, no re-push) it is a rollout's probe
    /// run, inside the deployment's queue.
    func runOnce(
        _ name: String, inputs: RunInputs, limits: RunInputs.Limits, from progress: PipelineRunner.Progress = .init(),
        started: ContinuousClock.Instant = .now
    ) async throws -> (Deployment, PipelineRunner.Outcome) {
        guard var deployment = deployments[name] else { throw DeploymentError.notFound(name) }
        // While an update rolls out, each device serves the generation it holds.
        let rolling = deployment.rollout?.isUnderWay == true && deployment.status == .deploying
        // Until the pause of its move, a stateful step the update moves runs where it ran, with
        // its state: its new device has neither node nor state yet.
        if rolling { deployment.detour(precopying[name] ?? updateMoves[name] ?? []) }
        guard deployment.status == .active || deployment.status == .degraded || rolling else {
            throw DeploymentError.notDeployed(
                "deployment \(name) is \(deployment.status.rawValue)\(deployment.reason.map { ": \($0)" } ?? ""); it runs once it is active")
        }
        let entries = try await pinnedEntries(deployment)
        let (addresses, _, _) = await endpoints(of: deployment.devices)
        let builder = nodeBuilder(deployment, entries: entries, addresses: addresses)
        let labels = await labels(of: deployment)
        let runner = PipelineRunner(
            deployment: deployment, builder: builder, supervisors: supervisors, watch: DeviceWatch(inventory: inventory, bus: bus),
            labels: labels, inputLimits: limits)
        return (deployment, try await runner.run(inputs: inputs, from: progress, started: started))
    }
}

extension DeploymentController {
    /// The bytes of a step's bytes result (a run shows its URL), fetched from the device that
    /// holds it, for clients that cannot reach the devices. Only URLs on the deployment's devices:
    /// the server is no open proxy.
    func resultFile(_ name: String, url: String) async throws -> [UInt8] {
        guard let deployment = deployments[name] else { throw DeploymentError.notFound(name) }
        guard !url.isEmpty else { throw DeploymentError.badRequest("give the URL of a step's bytes result: ?url=http://...") }
        guard url.utf8.count <= RunInputs.Limits.default.maxURLLength, let components = URLComponents(string: url),
            let host = components.host, let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else {
            throw DeploymentError.badRequest("\"\(url.prefix(80))\" is not the http:// URL of a step's result")
        }
        let port = components.port ?? (scheme == "https" ? 443 : 80)
        let (addresses, _, _) = await endpoints(of: deployment.devices)
        guard addresses.values.contains(where: { $0.host == host && $0.port == port }) else {
            throw DeploymentError.badRequest(
                "\(url.prefix(200)) is not on a device of deployment \(name); only its steps' results can be fetched through the server")
        }
        do {
            return try await supervisors.download(url, timeout: PipelineRunner.callTimeout)
        } catch {
            throw DeploymentError(.badGateway, code: "device_failed", "cannot fetch \(url.prefix(200)): \(error.message)")
        }
    }
}
