import Hummingbird
import Logging

/// Turns every error into the API's one error shape, `{"error": {"code", "message", "details"}}`,
/// so no caller ever sees another format, and logs the ones that are the server's fault (see
/// `ErrorPolicy`). Each server puts it first on its router.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public let policy: ErrorPolicy

    public init(_ policy: ErrorPolicy) {
        self.policy = policy
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            let (answer, logged) = policy.answer(error)
            if let logged { context.logger.error("\(request.method) \(request.uri.path) failed: \(logged)") }
            throw answer
        }
    }
}
