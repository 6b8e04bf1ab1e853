import Foundation
import TideModel

/// Runs: a pipeline called once, step by step on the devices that hold it.
extension DeploymentController {
    /// Runs the pipeline once. A device that answers a call with 404 lost its node (a wasmiot
    /// supervisor keeps deployments in memory): the node is pushed again and the run retried once.
    func run(_ name: String, inputs: RunInputs, limits: RunInputs.Limits = .default) async throws -> RunResult {
        let first = try await runOnce(name, inputs: inputs, limits: limits)
        guard let device = first.lostNode else { return first.result }
        logger.notice("\(device) does not hold its node of \(name): pushing it again, then running again")
        await nodeLost(name, on: device, because: "a call answered 404: \(first.result.error ?? "")")
        guard deployments[name]?.status == .active else { return first.result }
        return try await runOnce(name, inputs: inputs, limits: limits).result
    }

    /// One run, without pushing a lost node again (a rollout's probe run, inside the deployment's queue).
    func runOnce(_ name: String, inputs: RunInputs, limits: RunInputs.Limits) async throws -> PipelineRunner.Outcome {
        guard let deployment = deployments[name] else { throw DeploymentError.notFound(name) }
        // While an update rolls out, each device serves the generation it holds.
        let rolling = deployment.rollout?.isUnderWay == true && deployment.status == .deploying
        guard deployment.status == .active || deployment.status == .degraded || rolling else {
            throw DeploymentError.notDeployed(
                "deployment \(name) is \(deployment.status.rawValue)\(deployment.reason.map { ": \($0)" } ?? ""); it runs once it is active")
        }
        let entries = try await pinnedEntries(deployment)
        let (addresses, _, _) = await endpoints(of: deployment.devices)
        let builder = nodeBuilder(deployment, entries: entries, addresses: addresses)
        let labels = await labels(of: deployment)
        return try await PipelineRunner(
            deployment: deployment, builder: builder, supervisors: supervisors, labels: labels, inputLimits: limits
        ).run(inputs: inputs)
    }
}

extension DeploymentController {
    /// The bytes of a step's bytes result (a run shows its URL), fetched from the device that
    /// holds it, for clients that cannot reach the devices. Only URLs on the deployment's devices:
    /// the server is no open proxy.
    func resultFile(_ name: String, url: String) async throws -> [UInt8] {
        guard let deployment = deployments[name] else { throw DeploymentError.notFound(name) }
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
