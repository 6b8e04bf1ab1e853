/// What kind of failure a client is told about, in domain terms. The HTTP layer alone turns a
/// kind into a status code; the domain never names one.
public enum FailureKind: String, Sendable, Equatable, CaseIterable {
    /// The request is malformed or names something impossible.
    case badRequest
    /// The request is well-formed but breaks a rule (an invalid manifest, an unsatisfiable one).
    case invalid
    case unauthorized
    case forbidden
    case notFound
    /// The target's current state does not allow it.
    case conflict
    case tooLarge
    /// Busy, shutting down, or over a limit: try again later.
    case unavailable
    /// A device or another server failed to do its part.
    case badGateway
    /// The server's fault; the details go to its log, not to the client.
    case internalFailure
}

/// An error whose message is written for the person who made the request. `code` is stable and
/// machine-readable (`invalid_manifest`, `not_deployed`); `details` carries structured extras.
public protocol ReportableError: Error, CustomStringConvertible, Sendable {
    var kind: FailureKind { get }
    var code: String { get }
    var message: String { get }
    var details: JSONValue? { get }
}

extension ReportableError {
    public var details: JSONValue? { nil }
    public var description: String { message }

    /// What a client may see: an internal failure's message stays in the server's log.
    public var publicMessage: String {
        kind == .internalFailure ? "the server failed to handle the request; see its log" : message
    }
}
