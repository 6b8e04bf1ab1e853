import HTTPTypes
import Hummingbird
import TideModel

/// How a server answers the errors its routes throw: every one becomes an `APIError`, and those
/// that are the server's own fault are named for its log. `ErrorMiddleware` applies it.
public struct ErrorPolicy: Sendable {
    /// What a client is told of a failure whose details stay in the log.
    public var internalMessage: String
    /// Whether an internal failure that a domain error (or a Hummingbird 5xx) describes is answered
    /// with its own message. The orchestrator's are written for its operators; the supervisor's
    /// can name paths on the device, so it answers `internalMessage` instead.
    public var revealsInternalMessages: Bool

    public init(internalMessage: String = Self.defaultInternalMessage, revealsInternalMessages: Bool) {
        self.internalMessage = internalMessage
        self.revealsInternalMessages = revealsInternalMessages
    }

    public static let defaultInternalMessage = "the server failed to handle the request; see its log"

    /// The answer to `error`, and what to log when the failure is the server's own.
    public func answer(_ error: any Error) -> (error: APIError, logged: String?) {
        switch error {
        case let error as APIError:
            return (error, error.status.code >= 500 ? error.message : nil)
        case let error as any ReportableError:
            var answer = APIError(error)
            let isInternal = error.kind == .internalFailure
            if isInternal, !revealsInternalMessages { answer.message = internalMessage }
            return (answer, isInternal ? error.message : nil)
        case let error as HTTPError:
            return (answer(status: error.status, message: error.body), nil)
        case let error as any HTTPResponseError:
            return (answer(status: error.status, message: nil), nil)
        default:
            return (.internalError(internalMessage), "\(error)")
        }
    }

    /// The status `error` is answered with, for whoever records a request's outcome before the
    /// middleware has answered it (the orchestrator's audit log).
    public static func status(of error: any Error) -> HTTPResponse.Status {
        switch error {
        case let error as any HTTPResponseError: error.status
        case let error as any ReportableError: APIError.status(of: error.kind)
        default: .internalServerError
        }
    }

    /// Hummingbird's own errors (no such route, a path parameter that does not parse): the status
    /// stays, the code and, without a message of its own, the text come from the status.
    private func answer(status: HTTPResponse.Status, message: String?) -> APIError {
        var answer = APIError(status, code: Self.code(for: status.code), message ?? Self.text(for: status.code))
        if status.code >= 500, !revealsInternalMessages { answer.message = internalMessage }
        if status == .unauthorized { answer.headers[.wwwAuthenticate] = "Bearer" }
        return answer
    }

    static func code(for status: Int) -> String {
        switch status {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 413: "body_too_large"
        default: status >= 500 ? "internal" : "error"
        }
    }

    static func text(for status: Int) -> String {
        switch status {
        case 404: "no such endpoint"
        case 405: "this endpoint does not take that method"
        case 413: "the request body is too large"
        default: "HTTP \(status)"
        }
    }
}
