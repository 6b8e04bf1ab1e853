import Foundation
import Hummingbird
import Logging
import TideHTTP
import TideModel

/// The wasmiot orchestrator's device routes, open without a token because wasmiot supervisors
/// cannot send one: `GET /file/device` and `POST /file/device/discovery/register`. What enters
/// through them is unverified (no work, no credentials) until an operator approves it. Tide's own
/// heartbeat route needs the fleet's supervisor token.
struct WasmiotDeviceRoutes {
    let inventory: Inventory
    let registrar: DeviceRegistrar
    let maxBodyBytes: Int
    /// The fleet's supervisor token, which every heartbeat without a device certificate must carry.
    let fleetToken: String
    /// Checks device certificates shown over mutual TLS.
    let enrollment: Enrollment
    /// False when the server serves no TLS: no client can show a certificate, and asking the
    /// connection for one costs a hop to its event loop on every heartbeat.
    var certificatesShown = true
    let logger: Logger
    /// Told about every heartbeat of a known device that `wantsHeartbeat`, after it was recorded
    /// (without delaying the answer).
    var onHeartbeat: @Sendable (Heartbeat) async -> Void = { _ in }
    /// Checked first, without a task or an actor hop: most replicas do not lead and want none.
    var wantsHeartbeat: @Sendable (Heartbeat) -> Bool = { _ in true }
    /// The URL of the replica that watches a device, named in heartbeat answers; nil with one server.
    var watcherOf: @Sendable (DeviceID) -> String? = { _ in nil }

    /// What a wasmiot supervisor posts about itself.
    struct Registration: Codable {
        var name: String?
        /// The DNS-SD service type (`_webthing._tcp.local.`), which the name ends with.
        var type: String?
        var host: String?
        var port: Int?
        var addresses: [String]?
        /// mDNS TXT-style properties; accepted and ignored.
        var properties: JSONValue?
    }

    /// A device in the wasmiot orchestrator's list format.
    struct WasmiotDevice: Codable {
        struct Communication: Codable {
            var addresses: [String]
            var port: Int
        }
        struct Health: Codable {
            var report: HealthReport?
            var timeOfQuery: Date?
        }
        var _id: String
        var name: String
        var communication: Communication
        var description: RawJSON
        var health: Health
        var status: String
    }

    func add(to router: Router<TideRequestContext>) {
        router.get("file/device") { _, _ in try await list() }
        router.post("file/device/discovery/register") { request, context in try await register(request, context) }
        router.post("file/device/heartbeat") { request, context in try await heartbeat(request, context) }
    }

    func list() async throws -> Response {
        let devices = await inventory.list().map { device in
            WasmiotDevice(
                _id: device.id.rawValue, name: device.name,
                communication: .init(addresses: device.addresses, port: device.port),
                description: device.description,
                health: .init(report: device.health, timeOfQuery: device.health?.receivedAt),
                status: device.status == .dead ? "inactive" : "active")
        }
        return try .json(devices)
    }

    /// A Tide supervisor's heartbeat, authenticated by the device's certificate (mutual TLS) or by
    /// the fleet token. An unknown device is registered first, at the address the heartbeat came
    /// from and the port it names; an enrolled one is reached over HTTPS from then on.
    func heartbeat(_ request: Request, _ context: TideRequestContext) async throws -> Response {
        let peer = certificatesShown ? await enrollment.identity(of: context.presentedCertificate()) : nil
        if peer == nil { try BearerToken.requireFleetToken(fleetToken, in: request) }
        let beat = try await request.decodeJSON(Heartbeat.self, limit: maxBodyBytes, plain: Heartbeat.init(plainJSON:))
        guard DeviceID.isValid(beat.id.rawValue) else {
            throw APIError.badRequest("id must be 1-128 letters, digits, \"-\", \"_\" or \".\"")
        }
        if let problem = beat.problem { throw APIError.badRequest(problem) }
        var enrolledLabels: [String: String] = [:]
        if let peer { enrolledLabels = try enrollment.authenticate(peer, as: beat.id.rawValue) }
        // Enrolled devices learn which publisher keys the server hands out.
        let keysDigest = peer.map { _ in enrollment.publisherKeys.digest }
        switch await inventory.accept(beat, withCertificate: peer != nil) {
        case .recorded:
            if wantsHeartbeat(beat) {
                let observe = onHeartbeat
                Task { await observe(beat) }
            }
            return .jsonBytes(HeartbeatAck(status: "known", device: beat.id, publisherKeys: keysDigest, watcher: watcherOf(beat.id)).jsonBytes)
        case .revoked:
            throw APIError(.forbidden, code: "device_revoked", InventoryError.revoked(beat.id).description)
        case .removed(let removal):
            throw InventoryError.removed(removal)
        case .unknown, .certificateUpgrade:
            // Registered below: a device new here, or one that shows its certificate for the first
            // time (trusted by it from then on, and reached over HTTPS).
            break
        }
        guard let host = context.remoteIP, let port = beat.port, (1...65535).contains(port) else {
            throw APIError.notFound("device \(beat.id) is not registered; send port in the heartbeat or register it first")
        }
        let (device, _) = try await registrar.register(
            DeviceEndpoint(host: host, port: port, secure: peer != nil), name: beat.name, trust: peer != nil ? .certificate : .token)
        guard device.id == beat.id else {
            throw APIError(
                .conflict, code: "id_mismatch",
                "the device at \(host):\(port) describes itself as \(device.id), but the heartbeat says \(beat.id)")
        }
        if !enrolledLabels.isEmpty {
            // The join token's labels, for a device that registers with its certificate.
            let unset = enrolledLabels.filter { device.labels[$0.key] == nil }
            if !unset.isEmpty { _ = try? await inventory.updateLabels(device.id, unset.mapValues { Optional($0) }) }
        }
        _ = await inventory.recordHeartbeat(beat)
        return .jsonBytes(HeartbeatAck(status: "registered", device: device.id, publisherKeys: keysDigest, watcher: watcherOf(device.id)).jsonBytes)
    }

    /// `wasmiot-a` of `wasmiot-a._webthing._tcp.local.`: the zeroconf service name without its
    /// type, as mDNS discovery names the device.
    static func instanceName(_ name: String, type: String?) -> String {
        guard let type, !type.isEmpty else { return name }
        let suffix = "." + (type.hasSuffix(".") ? type : type + ".")
        for candidate in [suffix, String(suffix.dropLast())] where name.hasSuffix(candidate) && name.count > candidate.count {
            return String(name.dropLast(candidate.count))
        }
        return name
    }

    /// Self-registration, open to anyone: the server connects only to the caller's own address (the
    /// body's `host` and `addresses` are not used, so that the route is no port scanner), and a
    /// failure answers the same whatever was found there; the reason goes to the server's log.
    func register(_ request: Request, _ context: TideRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(Registration.self, limit: maxBodyBytes)
        guard let caller = context.remoteIP else {
            throw APIError.badRequest("cannot tell the address this request came from")
        }
        if let name = body.name, name.isEmpty || name.count > 200 {
            throw APIError.badRequest("name must be 1-200 characters")
        }
        let port = body.port ?? 5000
        guard (1...65535).contains(port) else { throw APIError.badRequest("port must be 1-65535, got \(port)") }
        let endpoint = DeviceEndpoint(host: caller, port: port)
        do {
            _ = try await registrar.register(endpoint, name: body.name.map { Self.instanceName($0, type: body.type) }, trust: .unverified)
        } catch let error as InventoryError where error.kind == .conflict || error.kind == .forbidden {
            throw error
        } catch {
            logger.notice("self-registration of \(endpoint) refused: \((error as? any ReportableError)?.message ?? "\(error)")")
            throw APIError(
                .badGateway, code: "device_unusable",
                "the device at \(endpoint) could not be registered; the server's log says why")
        }
        return Response(status: .noContent)
    }
}
