/// A reportable error of one area of the server (deployments, enrollment, tokens...). `Area` only
/// tells the areas apart, so that a typed `throws` says which one a function fails with.
public struct AreaError<Area>: ReportableError, Equatable {
    public let kind: FailureKind
    public let code: String
    public let message: String
    public let details: JSONValue?

    public init(_ kind: FailureKind, code: String, _ message: String, details: JSONValue? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public static func badRequest(_ message: String, details: JSONValue? = nil) -> Self {
        .init(.badRequest, code: "bad_request", message, details: details)
    }

    /// Something the request names does not exist; the message says what.
    public static func missing(_ message: String) -> Self { .init(.notFound, code: "not_found", message) }

    /// The server's own state is inconsistent (a store failure, a pinned package missing).
    public static func internalFailure(_ message: String) -> Self { .init(.internalFailure, code: "internal", message) }
}
