import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// `/api/v1/deployments`: apply (create or update), list, show, remove, run, and pause, resume or
/// abort a rollout.
struct DeploymentRoutes {
    let controller: DeploymentController
    let maxBodyBytes: Int
    let runLimits: RunInputs.Limits

    func add(to group: RouterGroup<TideRequestContext>) {
        group.post("deployments") { request, context in
            let body = try await request.bodyData(limit: maxBodyBytes)
            guard !body.isEmpty else { throw APIError.badRequest("the request body is empty; send a manifest (YAML or JSON)") }
            let wait = try Self.flag(request.query("wait"), name: "wait", default: true)
            let fileName = try request.manifestFileName()
            let (deployment, created, settled) = try await context.cancellingWhenClientLeaves { cancellation in
                try await controller.apply(Array(body), fileName: fileName, wait: wait, cancellation: cancellation)
            }
            return try Response.json(deployment, status: !settled ? .accepted : created ? .created : .ok)
        }
        group.get("deployments") { _, _ in
            try Response.json(await controller.list().map(DeploymentSummary.init))
        }
        group.get("deployments/{name}") { _, context in
            let name = try context.parameters.require("name")
            guard let deployment = await controller.deployment(name) else {
                throw APIError.notFound("no deployment named \"\(name)\"")
            }
            return try Response.json(deployment)
        }
        group.delete("deployments/{name}") { _, context in
            try Response.json(try await controller.remove(try context.parameters.require("name")))
        }
        group.post("deployments/{name}/pause") { _, context in
            try Response.json(try await controller.pauseRollout(try context.parameters.require("name")), status: .accepted)
        }
        group.post("deployments/{name}/resume") { _, context in
            try Response.json(try await controller.resumeRollout(try context.parameters.require("name")), status: .accepted)
        }
        group.post("deployments/{name}/abort") { _, context in
            try Response.json(try await controller.abortRollout(try context.parameters.require("name")), status: .accepted)
        }
        group.post("deployments/{name}/run") { request, context in
            let name = try context.parameters.require("name")
            let inputs = try await request.runInputs(maxBodyBytes: maxBodyBytes, limits: runLimits)
            return try Response.json(try await controller.run(name, inputs: inputs, limits: runLimits))
        }
        group.get("deployments/{name}/result-file") { request, context in
            let name = try context.parameters.require("name")
            let bytes = try await controller.resultFile(name, url: request.query("url") ?? "")
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    static func decodeRun(_ body: some DataProtocol & Sendable) async throws -> RunRequest {
        let data = Data(body)
        do {
            return try TideJSON.decoder().decode(RunRequest.self, from: data)
        } catch {
            throw APIError.badRequest(TideJSON.describe(error, in: data) + " (send {\"inputs\": {\"name\": number}}, or {\"url\": \"http://...\"} for bytes)")
        }
    }

    static func flag(_ text: String?, name: String, default value: Bool) throws -> Bool {
        switch text {
        case nil: value
        case "true", "1", "yes": true
        case "false", "0", "no": false
        case let other?: throw APIError.badRequest("\(name) must be true or false, not \"\(other)\"")
        }
    }
}
