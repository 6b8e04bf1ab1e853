import HTTPTypes
import Hummingbird
import TideModel

/// Every error either server answers: `{"error": {"code", "message", "details"}}` with its HTTP
/// status. `ErrorMiddleware` turns every other error into one.
public struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: JSONValue?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, details: JSONValue? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try Response.json(APIErrorBody(error: .init(code: code, message: message, details: details)), status: status)
        response.headers.append(contentsOf: headers)
        return response
    }
}

extension APIError {
    public static func badRequest(_ message: String, details: JSONValue? = nil) -> APIError {
        APIError(.badRequest, code: "bad_request", message, details: details)
    }

    /// 401 with `WWW-Authenticate: Bearer`: the request needs a bearer token it did not bring.
    public static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message)
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message)
    }

    public static func tooLarge(limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", "the request body is larger than the limit of \(limit) bytes")
    }

    public static func internalError(_ message: String) -> APIError {
        APIError(.internalServerError, code: "internal", message)
    }
}

extension APIError {
    /// A domain error as the API answers it, its message as written (see `ErrorPolicy` for
    /// hiding an internal failure's). A 401 asks for a bearer token (`WWW-Authenticate: Bearer`).
    public init(_ error: any ReportableError) {
        self.init(Self.status(of: error.kind), code: error.code, error.message, details: error.details)
        if error.kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
    }

    /// The one place where a failure kind becomes a status.
    public static func status(of kind: FailureKind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .invalid: .unprocessableContent
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .tooLarge: .contentTooLarge
        case .unavailable: .serviceUnavailable
        case .badGateway: .badGateway
        case .internalFailure: .internalServerError
        }
    }
}
