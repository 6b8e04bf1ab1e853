import Foundation
import HTTPTypes
import Hummingbird
import TideModel

/// Every error the API returns: `{"error": {"code", "message", "details"}}` with its HTTP status.
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
        let body = APIErrorBody(error: .init(code: code, message: message, details: details))
        let data = try TideJSON.encoder().encode(body)
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension APIError {
    public static func badRequest(_ message: String, details: JSONValue? = nil) -> APIError {
        APIError(.badRequest, code: "bad_request", message, details: details)
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
    /// A domain error as the API answers it: the one place where a failure kind becomes a status.
    public init(_ error: any ReportableError) {
        self.init(Self.status(of: error.kind), code: error.code, error.message, details: error.details)
    }

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
