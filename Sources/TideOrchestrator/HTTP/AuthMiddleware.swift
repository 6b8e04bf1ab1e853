import HTTPTypes
import Hummingbird
import TideHTTP
import TideModel

/// Requires `Authorization: Bearer <operator token>` with a role that may make this call: 401
/// when it is missing or malformed, 403 when unknown (or revoked) or when its role is too small.
/// Every call that is not a read is written to the event log as an `audit` event naming the token.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = TideRequestContext
    let tokens: OperatorTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let secret = try BearerToken.presented(in: request, missing: BearerToken.needs("an operator token"))
        guard let token = tokens.authenticate(secret) else {
            throw APIError.forbidden("the operator token is not valid for this server")
        }
        let method = request.method
        let path = request.uri.path
        let needed = RoleRules.required(method: method, path: path)
        guard token.role >= needed else {
            if RoleRules.changes(method: method) { await tokens.audit(token, method: method.rawValue, path: path, status: 403) }
            throw APIError.forbidden(
                "token \(token.label) may not \(method.rawValue) \(path): that needs the \(needed.rawValue) role")
        }
        var context = context
        context.caller = token
        guard RoleRules.changes(method: method), needed > .viewer else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            await tokens.audit(token, method: method.rawValue, path: path, status: Int(response.status.code))
            return response
        } catch {
            // Recorded as the error middleware, outside this one, will answer it.
            await tokens.audit(token, method: method.rawValue, path: path, status: ErrorPolicy.status(of: error).code)
            throw error
        }
    }
}
