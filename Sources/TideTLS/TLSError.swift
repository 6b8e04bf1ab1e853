/// A certificate, key or TLS setting that cannot be used, with what to do about it.
public struct TLSError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
