/// An offline index that cannot be loaded; the message names the package, version or range at fault.
public struct PackageIndexError: Error, Sendable, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "invalid package index: \(message)" }
}
