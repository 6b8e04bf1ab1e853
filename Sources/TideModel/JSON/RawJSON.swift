import Foundation

/// JSON text kept byte for byte (a device's description as it sent it), parsed only on demand.
public struct RawJSON: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Valid JSON text.
    public let bytes: [UInt8]

    /// Keeps `bytes` after checking that they are JSON.
    public init(validating bytes: [UInt8]) throws(RawJSONError) {
        do {
            _ = try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw RawJSONError(message: TideJSON.describe(error, in: Data(bytes)))
        }
        self.bytes = bytes
    }

    /// Bytes already known to be JSON (just parsed).
    public init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The text of `value`, keys sorted.
    public init(_ value: JSONValue) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        bytes = Array((try? encoder.encode(value)) ?? Data("null".utf8))
    }

    public var value: JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))) ?? .null
    }

    public var description: String { String(decoding: bytes, as: UTF8.self) }

    public static func == (lhs: RawJSON, rhs: RawJSON) -> Bool {
        lhs.bytes == rhs.bytes || lhs.value == rhs.value
    }

    public init(from decoder: any Decoder) throws {
        self.init(try JSONValue(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try value.encode(to: encoder)
    }
}

public struct RawJSONError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
