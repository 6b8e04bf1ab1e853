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
        let secret = try BearerToken.presented(
            in: request, missing: "this endpoint needs an operator token: send \"Authorization: Bearer <token>\"")
        guard let token = tokens.authenticate(secret) else {
            throw APIError(.forbidden, code: "forbidden", "the operator token is not valid for this server")
        }
        let method = request.method
        let path = request.uri.path
        let needed = RoleRules.required(method: method, path: path)
        guard token.role >= needed else {
            if RoleRules.changes(method: method) { tokens.audit(token, method: method.rawValue, path: path, status: 403) }
            throw APIError(
                .forbidden, code: "forbidden",
                "token \(token.label) may not \(method.rawValue) \(path): that needs the \(needed.rawValue) role")
        }
        var context = context
        context.caller = token
        guard RoleRules.changes(method: method), needed > .viewer else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            tokens.audit(token, method: method.rawValue, path: path, status: Int(response.status.code))
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            tokens.audit(token, method: method.rawValue, path: path, status: Int(status))
            throw error
        }
    }
}

/// Checks of `Authorization: Bearer <token>`.
enum BearerToken {
    /// Throws 401 (`missing`) when the header is absent, 401 when it is not a bearer token, 403
    /// (`wrong`) when the token differs from `expected`.
    static func require(_ expected: String, in request: Request, missing: String, wrong: String) throws(APIError) {
        let presented = try presented(in: request, missing: missing)
        guard constantTimeEqual(Array(presented.utf8), Array(expected.utf8)) else {
            throw APIError(.forbidden, code: "forbidden", wrong)
        }
    }

    /// The token of the header; 401 (`missing`) without one, 401 when it is not a bearer token.
    static func presented(in request: Request, missing: String) throws(APIError) -> Substring {
        guard let header = request.headers[.authorization] else { throw unauthorized(missing) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw unauthorized("the Authorization header must be \"Bearer <token>\"")
        }
        return parts[1]
    }

    /// The fleet's supervisor token, which heartbeats carry.
    static func requireFleetToken(_ expected: String, in request: Request) throws(APIError) {
        try require(
            expected, in: request,
            missing: "heartbeats need the fleet's supervisor token: start the supervisor with --token (the server's "
                + "--supervisor-token, or the file supervisor.token in its data directory)",
            wrong: "the supervisor token is not valid for this server")
    }

    private static func unauthorized(_ message: String) -> APIError {
        var error = APIError(.unauthorized, code: "unauthorized", message)
        error.headers[.wwwAuthenticate] = "Bearer"
        return error
    }
}

