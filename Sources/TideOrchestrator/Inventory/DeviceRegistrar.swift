import TideModel

/// Registers a device by asking it who it is: description first, then health. Nothing is stored
/// unless both answers are usable.
public struct DeviceRegistrar: Sendable {
    let probe: DeviceProbe
    let inventory: Inventory
    let timeout: Duration
    /// false on an HTTPS server that accepts only devices with a fleet certificate.
    var acceptsPlainHTTP = true

    /// `trust` is what the calling route vouches for (see `Inventory.register`).
    public func register(_ endpoint: DeviceEndpoint, name: String? = nil, addresses: [String] = [], trust: DeviceTrust)
        async throws -> (device: Device, created: Bool)
    {
        guard endpoint.secure || acceptsPlainHTTP else { throw Self.plainRefused(endpoint) }
        let description: (raw: RawJSON, parsed: DeviceDescription)
        let health: HealthReport
        do {
            description = try await probe.description(of: endpoint, timeout: timeout)
            health = try await probe.health(of: endpoint, timeout: timeout)
        } catch {
            throw RegistrationError(
                .badGateway, code: "device_unusable", "cannot register \(endpoint): \(error.message)",
                details: ["address": .string(endpoint.description), "reason": .string(error.kind.rawValue)])
        }
        return try await inventory.register(
            endpoint: endpoint, name: name, addresses: addresses, description: description.raw,
            parsed: description.parsed, health: health, trust: trust)
    }

    static func plainRefused(_ endpoint: DeviceEndpoint) -> RegistrationError {
        RegistrationError(
            .forbidden, code: "plain_http_device",
            "the device at \(endpoint) has no fleet certificate and would be reached over plain HTTP; this server accepts such devices (wasmiot supervisors, supervisors started with --token) only when started with --plain-http-devices (or --plain-http-port for wasmiot supervisors). Or enroll it: tide supervisor --join",
            details: ["address": .string(endpoint.description)])
    }
}
