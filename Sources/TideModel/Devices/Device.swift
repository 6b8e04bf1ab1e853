import Foundation

/// A device in the inventory, as the API shows it.
public struct Device: Sendable, Codable, Equatable, Identifiable {
    public var id: DeviceID
    public var name: String
    /// Addresses the device answers on, most preferred first.
    public var addresses: [String]
    public var port: Int
    public var status: DeviceStatus
    /// When `status` last changed, and why.
    public var statusSince: Date
    public var statusReason: String
    /// The device description exactly as the device sent it.
    public var description: RawJSON
    public var capabilities: DeviceCapabilities
    /// Labels set by operators.
    public var labels: [String: String]
    public var health: HealthReport?
    public var firstSeen: Date
    public var lastSeen: Date
    /// Set while the device flaps (keeps dying and returning): new work waits until then.
    public var dampedUntil: Date?
    /// Whether the device gets work and the fleet's credentials, and why.
    public var trust: DeviceTrust
    /// Set while an operator keeps new work off the device (`tide device cordon`, `drain`): when.
    public var cordonedAt: Date?

    public init(
        id: DeviceID, name: String, addresses: [String], port: Int, status: DeviceStatus, statusSince: Date,
        statusReason: String, description: RawJSON, capabilities: DeviceCapabilities, labels: [String: String],
        health: HealthReport?, firstSeen: Date, lastSeen: Date, dampedUntil: Date? = nil,
        trust: DeviceTrust = .operator, cordonedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.addresses = addresses
        self.port = port
        self.status = status
        self.statusSince = statusSince
        self.statusReason = statusReason
        self.description = description
        self.capabilities = capabilities
        self.labels = labels
        self.health = health
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.dampedUntil = dampedUntil
        self.trust = trust
        self.cordonedAt = cordonedAt
    }

    /// Whether new work should avoid this device at `time` because it flaps.
    public func isDamped(at time: Date) -> Bool { dampedUntil.map { $0 > time } ?? false }

    /// A Tide supervisor or a wasmiot one, from the description.
    public var supervisor: SupervisorKind { SupervisorKind(description: description.value) }

    /// "https" for an enrolled device (mutual TLS), "http" for one without a fleet certificate.
    public var transport: String { reachedOverTLS ? "https" : "http" }

    /// Where to reach the supervisor: the first address with the device's port.
    public var endpoint: DeviceEndpoint? {
        addresses.first.map { DeviceEndpoint(host: $0, port: port, secure: reachedOverTLS) }
    }

    private var reachedOverTLS: Bool { trust == .certificate }
}
