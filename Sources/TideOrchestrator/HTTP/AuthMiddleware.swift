import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <operator token>`: 401 when it is missing or malformed, 403 when wrong.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        try BearerToken.require(
            token, in: request, missing: "this endpoint needs an operator token: send \"Authorization: Bearer <token>\"",
            wrong: "the operator token is not valid for this server")
        return try await next(request, context)
    }
}

/// Checks of `Authorization: Bearer <token>`.
enum BearerToken {
    /// Throws 401 (`missing`) when the header is absent, 401 when it is not a bearer token, 403
    /// (`wrong`) when the token differs from `expected`.
    static func require(_ expected: String, in request: Request, missing: String, wrong: String) throws(APIError) {
        guard let header = request.headers[.authorization] else { throw unauthorized(missing) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw unauthorized("the Authorization header must be \"Bearer <token>\"")
        }
        guard constantTimeEqual(Array(parts[1].utf8), Array(expected.utf8)) else {
            throw APIError(.forbidden, code: "forbidden", wrong)
        }
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

/// Compares without stopping at the first difference, so timing does not leak the token.
func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
    return difference == 0
}
