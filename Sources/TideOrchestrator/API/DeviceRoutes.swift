import Foundation
import Hummingbird
import TideHTTP
import TideModel

/// `/api/v1/devices`: the device inventory.
struct DeviceRoutes {
    let inventory: Inventory
    let registrar: DeviceRegistrar
    /// Revoking a device revokes its certificates too.
    let enrollment: Enrollment
    let maxBodyBytes: Int
    /// Drains move steps off a device.
    let controller: DeploymentController
    /// Each device's JSON as last written, for the list.
    let listCache = DeviceListCache()

    func add(to group: RouterGroup<TideRequestContext>) {
        group.get("devices") { request, _ in try await list(request) }
        group.post("devices") { request, _ in try await register(request) }
        group.get("devices/{id}") { _, context in try await show(context) }
        group.patch("devices/{id}") { request, context in try await patch(request, context) }
        group.delete("devices/{id}") { _, context in try await remove(context) }
        group.post("devices/{id}/approve") { _, context in try await approve(context) }
        group.post("devices/{id}/revoke") { _, context in try await revoke(context) }
        group.post("devices/{id}/cordon") { _, context in try await cordon(context, true) }
        group.post("devices/{id}/uncordon") { _, context in try await cordon(context, false) }
        group.post("devices/{id}/drain") { _, context in try await drain(context) }
    }

    func list(_ request: Request) async throws -> Response {
        var wanted: DeviceStatus?
        if let status = request.query("status") {
            guard let parsed = DeviceStatus(rawValue: status) else {
                throw APIError.badRequest("unknown status \"\(status)\": use alive, suspect or dead")
            }
            wanted = parsed
        }
        let snapshot = await inventory.listSnapshot(status: wanted)
        return DeviceJSON.streamedList(snapshot, parts: listCache.parts(for: snapshot, complete: wanted == nil))
    }

    func register(_ request: Request) async throws -> Response {
        let body = try await request.decodeJSON(RegisterDeviceRequest.self, limit: maxBodyBytes)
        let endpoint: DeviceEndpoint
        do {
            endpoint = try DeviceEndpoint(parsing: body.address)
        } catch {
            throw APIError.badRequest(error.description)
        }
        if let name = body.name, name.isEmpty || name.count > 200 {
            throw APIError.badRequest("name must be 1-200 characters")
        }
        let (device, created) = try await registrar.register(endpoint, name: body.name, trust: .operator)
        return .jsonBytes(DeviceJSON.encode(device), status: created ? .created : .ok)
    }

    func show(_ context: TideRequestContext) async throws -> Response {
        .jsonBytes(DeviceJSON.encode(try await device(context)))
    }

    func patch(_ request: Request, _ context: TideRequestContext) async throws -> Response {
        let id = try deviceID(context)
        let body = try await request.decodeJSON(DevicePatch.self, limit: maxBodyBytes)
        guard let labels = body.labels else { throw APIError.badRequest("nothing to change: send {\"labels\": {...}}") }
        let device = try await inventory.updateLabels(id, labels)
        return .jsonBytes(DeviceJSON.encode(device))
    }

    func approve(_ context: TideRequestContext) async throws -> Response {
        let id = try deviceID(context)
        let device = try await inventory.approve(id)
        return .jsonBytes(DeviceJSON.encode(device))
    }

    func revoke(_ context: TideRequestContext) async throws -> Response {
        let id = try deviceID(context)
        try await enrollment.revokeCertificates(of: id)
        let device = try await inventory.revoke(id)
        return .jsonBytes(DeviceJSON.encode(device))
    }

    func cordon(_ context: TideRequestContext, _ cordoned: Bool) async throws -> Response {
        let device = try await inventory.setCordoned(try deviceID(context), cordoned)
        return .jsonBytes(DeviceJSON.encode(device))
    }

    /// Cordons the device, then moves every step off it, carrying the state of stateful steps;
    /// answers once every deployment on it has settled.
    func drain(_ context: TideRequestContext) async throws -> Response {
        let id = try deviceID(context)
        _ = try await inventory.setCordoned(id, true)
        return try Response.json(await controller.drain(id))
    }

    func remove(_ context: TideRequestContext) async throws -> Response {
        let id = try deviceID(context)
        _ = try await inventory.remove(id, cause: "removed by an operator")
        return Response(status: .noContent)
    }

    private func device(_ context: TideRequestContext) async throws -> Device {
        let id = try deviceID(context)
        guard let device = await inventory.device(id) else { throw APIError.notFound("no device with id \"\(id)\"") }
        return device
    }

    private func deviceID(_ context: TideRequestContext) throws -> DeviceID {
        DeviceID(try context.parameters.require("id"))
    }
}
