/// Every failure the supervisor reports. The message is for a human and safe to send to a client,
/// except for `internalFailure`, whose detail goes to the log and never into a response.
public struct SupervisorError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable {
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
        case internalFailure = "internal"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func badRequest(_ message: String) -> Self { .init(.badRequest, message) }
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    public static func tooLarge(_ message: String) -> Self { .init(.tooLarge, message) }
    public static func deployFailed(_ message: String) -> Self { .init(.deployFailed, message) }
    public static func executionFailed(_ message: String) -> Self { .init(.executionFailed, message) }
    public static func internalFailure(_ message: String) -> Self { .init(.internalFailure, message) }

    /// What a client may see.
    public var publicMessage: String {
        kind == .internalFailure ? "the supervisor failed to handle the request; see its log" : message
    }

    public var httpStatus: Int {
        switch kind {
        case .badRequest, .deployFailed: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .tooLarge: 413
        case .busy: 503
        case .badGateway: 502
        case .executionFailed: 422
        case .internalFailure: 500
        }
    }
}
