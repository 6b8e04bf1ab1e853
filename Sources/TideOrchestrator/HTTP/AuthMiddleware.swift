import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <operator token>`: 401 when it is missing or malformed, 403 when wrong.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization] else {
            throw Self.unauthorized("this endpoint needs an operator token: send \"Authorization: Bearer <token>\"")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw Self.unauthorized("the Authorization header must be \"Bearer <token>\"")
        }
        guard constantTimeEqual(Array(parts[1].utf8), Array(token.utf8)) else {
            throw APIError(.forbidden, code: "forbidden", "the operator token is not valid for this server")
        }
        return try await next(request, context)
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
