/// A version string that is not a valid SemVer 2.0 version.
/// The description quotes the input and the offending part, e.g.
/// `invalid version "1.2.x": "x" is not a number`.
public struct SemanticVersionError: Error, Sendable, Hashable, CustomStringConvertible {
    public let input: String
    public let reason: String

    public init(input: String, reason: String) {
        self.input = input
        self.reason = reason
    }

    public var description: String { "invalid version \"\(input)\": \(reason)" }
}
