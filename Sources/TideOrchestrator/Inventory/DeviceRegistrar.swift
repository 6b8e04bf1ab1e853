import TideModel

/// Registers a device by asking it who it is: description first, then health. Nothing is stored
/// unless both answers are usable.
public struct DeviceRegistrar: Sendable {
    let probe: DeviceProbe
    let inventory: Inventory
    let timeout: Duration

    /// `trust` is what the calling route vouches for (see `Inventory.register`).
    public func register(_ endpoint: DeviceEndpoint, name: String? = nil, addresses: [String] = [], trust: DeviceTrust)
        async throws -> (device: Device, created: Bool)
    {
        let description: (raw: RawJSON, parsed: DeviceDescription)
        let health: HealthReport
        do {
            description = try await probe.description(of: endpoint, timeout: timeout)
            health = try await probe.health(of: endpoint, timeout: timeout)
        } catch {
            throw APIError(
                .badGateway, code: "device_unusable", "cannot register \(endpoint): \(error.message)",
                details: ["address": .string(endpoint.description), "reason": .string(error.kind.rawValue)])
        }
        return try await mapped { () async throws(InventoryError) in
            try await inventory.register(
                endpoint: endpoint, name: name, addresses: addresses, description: description.raw,
                parsed: description.parsed, health: health, trust: trust)
        }
    }
}
