import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// The wasmiot orchestrator's deployment routes, on top of Tide's deployments. A manifest's id is
/// its deployment name. Unlike the device routes these need the operator token (when auth is on):
/// they control the fleet.
struct WasmiotManifestRoutes {
    let controller: DeploymentController
    let maxBodyBytes: Int
    let runLimits: RunInputs.Limits

    func add(to group: RouterGroup<TideRequestContext>) {
        // Store and place without deploying: wasmiot deploys in a second call.
        group.post("file/manifest") { request, _ in
            let body = try await request.bodyData(limit: maxBodyBytes)
            guard !body.isEmpty else { throw APIError.badRequest("the request body is empty; send a manifest") }
            let json = request.headers[.contentType]?.contains("yaml") != true
            let deployment = try await controller.stageOnly(Array(body), fileName: json ? "manifest.json" : "manifest.yaml")
            return try Response.json(["id": deployment.name], status: .created)
        }
        group.get("file/manifest") { _, _ in try Response.json(await controller.list()) }
        group.get("file/manifest/{name}") { _, context in
            let id = try context.parameters.require("name")
            guard let deployment = await controller.deployment(id) else { throw APIError.notFound("no manifest \"\(id)\"") }
            return try Response.json(deployment)
        }
        group.post("file/manifest/{name}") { _, context in
            let id = try context.parameters.require("name")
            guard let deployment = await controller.deployNow(id) else { throw APIError.notFound("no manifest \"\(id)\"") }
            return try Response.json(deployment, status: deployment.status == .failed ? .badGateway : .ok)
        }
        group.delete("file/manifest/{name}") { _, context in
            try Response.json(try await controller.remove(try context.parameters.require("name")))
        }
        group.post("execute/{name}") { request, context in
            let id = try context.parameters.require("name")
            var inputs: [String: JSONValue] = [:]
            for (key, value) in request.uri.queryParameters {
                guard let number = JSONNumber(text: String(value)) else {
                    throw APIError.badRequest("query parameter \(key) must be a number, not \"\(value)\"")
                }
                inputs[String(key)] = .number(number)
            }
            let body = try await request.bodyData(limit: maxBodyBytes)
            if !body.isEmpty { inputs.merge(try await DeploymentRoutes.decodeRun(body).inputs) { _, body in body } }
            return try Response.json(try await controller.run(id, inputs: try RunInputs(json: inputs, limits: runLimits), limits: runLimits))
        }
    }
}
