/// What to do with a step whose device fails.
public enum FailurePolicy: Sendable, Equatable {
    /// Re-solve the step onto any capable device.
    case move
    /// Re-solve, preferring these devices in this order; any capable device when none fits.
    case fallback([DeviceID])
}

extension FailurePolicy: Codable {
    private enum Keys: String, CodingKey { case fallback }

    /// `"move"` or `{"fallback": ["dev-a", "dev-b"]}`.
    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "move" else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "\"\(text)\" is not a failure policy; use move or {fallback: [devices]}"))
            }
            self = .move
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        self = .fallback(try container.decode([DeviceID].self, forKey: .fallback))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .move:
            var container = encoder.singleValueContainer()
            try container.encode("move")
        case .fallback(let devices):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(devices, forKey: .fallback)
        }
    }
}
