/// Why a deployment node was refused before any work was done on it.
public struct DeploymentNodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The node is larger than `DeploymentNodeLimits.maxBytes` (HTTP 413).
        case tooLarge
        /// Not JSON, not a node, over one of the other limits, or inconsistent (HTTP 400).
        case invalid
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> Self { .init(.invalid, message) }
}
