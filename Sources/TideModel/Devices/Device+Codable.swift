import Foundation

/// Device's JSON carries `transport`, derived from its trust, and `supervisor`, derived from its
/// description, so that API clients see them; they are not read back.
extension Device {
    enum CodingKeys: String, CodingKey {
        case id, name, addresses, port, status, statusSince, statusReason, description, capabilities, labels, health
        case firstSeen, lastSeen, dampedUntil, trust, transport, supervisor, cordonedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try container.decode(DeviceID.self, forKey: .id), name: try container.decode(String.self, forKey: .name),
            addresses: try container.decode([String].self, forKey: .addresses), port: try container.decode(Int.self, forKey: .port),
            status: try container.decode(DeviceStatus.self, forKey: .status),
            statusSince: try container.decode(Date.self, forKey: .statusSince),
            statusReason: try container.decode(String.self, forKey: .statusReason),
            description: try container.decode(RawJSON.self, forKey: .description),
            capabilities: try container.decode(DeviceCapabilities.self, forKey: .capabilities),
            labels: try container.decode([String: String].self, forKey: .labels),
            health: try container.decodeIfPresent(HealthReport.self, forKey: .health),
            firstSeen: try container.decode(Date.self, forKey: .firstSeen), lastSeen: try container.decode(Date.self, forKey: .lastSeen),
            dampedUntil: try container.decodeIfPresent(Date.self, forKey: .dampedUntil),
            trust: try container.decode(DeviceTrust.self, forKey: .trust),
            cordonedAt: try container.decodeIfPresent(Date.self, forKey: .cordonedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(addresses, forKey: .addresses)
        try container.encode(port, forKey: .port)
        try container.encode(status, forKey: .status)
        try container.encode(statusSince, forKey: .statusSince)
        try container.encode(statusReason, forKey: .statusReason)
        try container.encode(trust, forKey: .trust)
        try container.encode(transport, forKey: .transport)
        try container.encode(supervisor, forKey: .supervisor)
        try container.encode(description, forKey: .description)
        try container.encode(capabilities, forKey: .capabilities)
        try container.encode(labels, forKey: .labels)
        try container.encodeIfPresent(health, forKey: .health)
        try container.encode(firstSeen, forKey: .firstSeen)
        try container.encode(lastSeen, forKey: .lastSeen)
        try container.encodeIfPresent(dampedUntil, forKey: .dampedUntil)
        try container.encodeIfPresent(cordonedAt, forKey: .cordonedAt)
    }
}
