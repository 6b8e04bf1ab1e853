/// Range text that cannot be parsed. The description quotes the input and the offending part,
/// e.g. `invalid version range ">=1.0, <<2": "<<2": expected a version after "<"`.
public struct VersionRangeError: Error, Sendable, Hashable, CustomStringConvertible {
    public let input: String
    public let reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "invalid version range \"\(input)\": \(reason)" }
}
