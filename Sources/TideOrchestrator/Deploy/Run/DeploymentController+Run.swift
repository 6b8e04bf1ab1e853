import Foundation
import TideModel

/// Runs: a pipeline called once, step by step on the devices that hold it.
extension DeploymentController {
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

    /// One run, without pushing a lost node again (a rollout's probe run, inside the deployment's queue).
    func runOnce(_ name: String, inputs: [String: JSONValue]) async throws -> PipelineRunner.Outcome {
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
        return try await PipelineRunner(deployment: deployment, builder: builder, supervisors: supervisors, labels: labels)
            .run(inputs: inputs)
    }
}
