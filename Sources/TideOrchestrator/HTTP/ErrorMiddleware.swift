import Hummingbird
import Logging
import TideModel

/// Turns every error into the API's one error shape, so no caller ever sees another format,
/// and logs the ones that are the server's fault.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            if error.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(error.message)")
            }
            throw error
        } catch let error as any ReportableError {
            if error.kind == .internalFailure {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(error.message)")
            }
            throw APIError(error)
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(for: error.status.code), error.body ?? Self.text(for: error.status.code))
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: Self.code(for: error.status.code), Self.text(for: error.status.code))
        } catch {
            context.logger.error("\(request.method) \(request.uri.path) failed: \(error)")
            throw APIError.internalError("the server failed to handle the request; see its log")
        }
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
        case 413: "the request body is too large"
        default: "HTTP \(status)"
        }
    }
}
