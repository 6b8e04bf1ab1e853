import TideModel

/// Every failure the supervisor reports. The message is for a human and safe to send to a client,
/// except for `internalFailure`, whose detail goes to the log and never into a response.
public struct SupervisorError: ReportableError, Equatable {
    /// What went wrong; its raw value is the error's `code`.
    public enum Reason: String, Sendable {
        case badRequest = "bad_request"
        case unauthorized
        case forbidden
        case notFound = "not_found"
        case conflict
        case tooLarge = "body_too_large"
        case busy
        case badGateway = "bad_gateway"
        case deployFailed = "deploy_failed"
        case executionFailed = "execution_failed"
        case snapshotRefused = "snapshot_refused"
        case snapshotBaseMissing = "snapshot_base_missing"
        case internalFailure = "internal"
    }

    public let reason: Reason
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public static func badRequest(_ message: String) -> Self { .init(.badRequest, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func tooLarge(_ message: String) -> Self { .init(.tooLarge, message) }
    public static func deployFailed(_ message: String) -> Self { .init(.deployFailed, message) }
    public static func executionFailed(_ message: String) -> Self { .init(.executionFailed, message) }
    public static func internalFailure(_ message: String) -> Self { .init(.internalFailure, message) }

    public var code: String { reason.rawValue }

    /// The kind the HTTP layer answers with: a failed deploy is a bad request (400), a failed
    /// execution an invalid one (422), a busy device is unavailable (503).
    public var kind: FailureKind {
        switch reason {
        case .badRequest, .deployFailed: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .snapshotBaseMissing: .conflict
        case .tooLarge: .tooLarge
        case .busy: .unavailable
        case .badGateway: .badGateway
        case .executionFailed, .snapshotRefused: .invalid
        case .internalFailure: .internalFailure
        }
    }

    /// What a client is told of an internal failure.
    public static let internalMessage = "the supervisor failed to handle the request; see its log"

    /// What a client may see.
    public var publicMessage: String { kind == .internalFailure ? Self.internalMessage : message }
}
