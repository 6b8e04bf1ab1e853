/// `GET /api/v1/devices`.
public struct DeviceList: Sendable, Codable, Equatable {
    public var devices: [Device]
    public init(devices: [Device]) { self.devices = devices }
}

/// `POST /api/v1/devices`.
public struct RegisterDeviceRequest: Sendable, Codable, Equatable {
    /// `host:port` of the device's supervisor.
    public var address: String
    public var name: String?
    public init(address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

/// `PATCH /api/v1/devices/{id}`: a value sets a label, null removes it.
public struct DevicePatch: Sendable, Codable, Equatable {
    public var labels: [String: String?]?
    public init(labels: [String: String?]?) { self.labels = labels }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        guard let labels else { return }
        var nested = container.nestedContainer(keyedBy: AnyKey.self, forKey: .labels)
        for (key, value) in labels {
            if let value { try nested.encode(value, forKey: AnyKey(key)) } else { try nested.encodeNil(forKey: AnyKey(key)) }
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
