import Hummingbird
import TideHTTP

/// `POST /deploy` and `DELETE /deploy/<deploymentId>`.
struct DeployRoutes: Sendable {
    let deployer: Deployer
    /// Chained calls in flight: a new node ends those whose next step moved.
    let chained: ChainedCalls
    let authority: ControlAuthority
    let maxBodyBytes: Int

    struct Deployed: Encodable {
        var status: String
        var deploymentId: String
        var generation: Int
    }

    func add(to router: Router<SupervisorRequestContext>) {
        router.post("deploy") { request, context in
            try await authority.check(request, context)
            let body: [UInt8]
            do {
                body = try await request.bodyBytes(limit: maxBodyBytes)
            } catch let error as APIError where error.status == .contentTooLarge {
                throw SupervisorError.tooLarge(
                    "the deployment node is larger than the limit of \(maxBodyBytes) bytes (tide supervisor --max-node-bytes)")
            }
            let state = try await deployer.deploy(json: body)
            if let installed = await deployer.deployment(state.id) { await chained.installed(installed.plan) }
            return try Response.json(Deployed(status: "deployed", deploymentId: state.id, generation: state.generation))
        }
        router.delete("deploy/{deploymentId}") { request, context in
            try await authority.check(request, context)
            let id = try SafeName.check(try context.parameters.require("deploymentId"), as: "deployment id")
            guard await deployer.remove(id) else { throw SupervisorError.notFound("no deployment \(id) on this device") }
            await chained.removed(id)
            return try Response.json(Deployed(status: "removed", deploymentId: id, generation: 0))
        }
    }
}
