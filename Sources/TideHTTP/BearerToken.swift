import Hummingbird

/// Checks of `Authorization: Bearer <token>`, with the answers both servers give: 401 (and
/// `WWW-Authenticate: Bearer`) when the header is missing or is no bearer token, 403 when the
/// token is not the one expected. Which token is expected is the caller's business.
public enum BearerToken {
    /// Throws 401 (`missing`) when the header is absent, 401 when it is not a bearer token, 403
    /// (`wrong`) when the token differs from `expected`.
    public static func require(_ expected: String, in request: Request, missing: String, wrong: String) throws(APIError) {
        let presented = try presented(in: request, missing: missing)
        guard constantTimeEqual(Array(presented.utf8), Array(expected.utf8)) else { throw .forbidden(wrong) }
    }

    /// The token of the header; 401 (`missing`) without one, 401 when it is not a bearer token.
    public static func presented(in request: Request, missing: String) throws(APIError) -> Substring {
        try presented(in: request.headers[.authorization], missing: missing)
    }

    /// The token of an `Authorization` header's value.
    public static func presented(in header: String?, missing: String) throws(APIError) -> Substring {
        guard let header else { throw .unauthorized(missing) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .unauthorized(malformed) }
        return parts[1]
    }

    /// The 401 message of an endpoint that needs `token` ("an operator token").
    public static func needs(_ token: String) -> String {
        "this endpoint needs \(token): send \"Authorization: Bearer <token>\""
    }

    /// The 401 message of a header that is not `Bearer <token>`.
    public static let malformed = "the Authorization header must be \"Bearer <token>\""
}
