import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TideHTTP
import TideModel

/// The request context of the supervisor's routes.
public struct SupervisorRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The request's connection, to read the certificate the peer showed over TLS.
    let channel: any Channel
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
    public var responseEncoder: JSONEncoder { TideJSON.encoder() }
    public var requestDecoder: JSONDecoder { TideJSON.decoder() }
}

extension SupervisorError: HTTPResponseError {
    public var status: HTTPResponse.Status { HTTPResponse.Status(code: httpStatus) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = APIErrorBody(error: .init(code: kind.rawValue, message: publicMessage, details: nil))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if kind == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try TideJSON.encoder().encode(body))))
    }
}

/// Every error leaves as `{"error": {"code", "message"}}`; anything unexpected is logged and
/// answered without its details, so no path or stack reaches a client.
struct SupervisorErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as SupervisorError {
            if error.kind == .internalFailure {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(error.message)")
            }
            throw error
        } catch let error as HTTPError {
            throw SupervisorError(Self.kind(for: error.status.code), error.body ?? Self.text(for: error.status.code))
        } catch let error as any HTTPResponseError {
            throw SupervisorError(Self.kind(for: error.status.code), Self.text(for: error.status.code))
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw SupervisorError.internalFailure("\(error)")
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

    static func kind(for status: Int) -> SupervisorError.Kind {
        switch status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 413: .tooLarge
        case 400..<500: .badRequest
        default: .internalFailure
        }
    }
}

extension Request {
    func bodyBytes(limit: Int) async throws(SupervisorError) -> [UInt8] {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw .tooLarge("the request body is larger than the limit of \(limit) bytes")
        }
        do {
            let buffer = try await body.collect(upTo: limit)
            return Array(buffer.readableBytesView)
        } catch {
            throw .tooLarge("the request body is larger than the limit of \(limit) bytes")
        }
    }

    /// Requires `Authorization: Bearer <token>` when the supervisor has a token.
    func requireToken(_ token: String?) throws(SupervisorError) {
        guard let token else { return }
        guard let header = headers[.authorization] else {
            throw SupervisorError(.unauthorized, "this endpoint needs the supervisor's token: send \"Authorization: Bearer <token>\"")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw SupervisorError(.unauthorized, "the Authorization header must be \"Bearer <token>\"")
        }
        guard constantTimeEqual(Array(parts[1].utf8), Array(token.utf8)) else {
            throw SupervisorError(.forbidden, "the token is not valid for this supervisor")
        }
    }
}

