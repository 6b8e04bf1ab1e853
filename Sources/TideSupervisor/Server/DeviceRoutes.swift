import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// The device's description, health and registration.
struct DeviceRoutes: Sendable {
    let describe: @Sendable () async -> DescriptionDocument
    let usage: UsageMonitor
    let link: OrchestratorLink
    let authority: ControlAuthority
    let maxBodyBytes: Int

    struct Registration: Decodable { var url: String }
    struct Registered: Encodable { var status: String; var url: String }

    func add(to router: Router<SupervisorRequestContext>) {
        router.get(".well-known/wasmiot-device-description") { _, _ in try Response.json(await describe()) }
        router.get("health") { _, _ in try Response.json(await usage.health()) }
        router.post("register") { request, context in
            try await authority.check(request, context)
            return try await register(request)
        }
    }

    func register(_ request: Request) async throws -> Response {
        let body = try await request.bodyBytes(limit: maxBodyBytes)
        let registration: Registration
        do {
            registration = try JSONDecoder().decode(Registration.self, from: Data(body))
        } catch {
            throw SupervisorError.badRequest("send {\"url\": \"http://orchestrator:port\"}: \(TideJSON.describe(error, in: Data(body)))")
        }
        guard DeploymentPlan.isHTTPURL(registration.url) else {
            throw SupervisorError.badRequest("url must be an http or https URL")
        }
        await link.set(registration.url)
        return try Response.json(Registered(status: "registered", url: await link.url ?? registration.url))
    }
}
