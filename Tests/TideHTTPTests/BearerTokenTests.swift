import HTTPTypes
import Testing
import TideHTTP

@Suite("Bearer tokens")
struct BearerTokenTests {
    static let missing = BearerToken.needs("an operator token")

    @Test("the token of \"Bearer <token>\", whatever the scheme's case")
    func presented() throws {
        #expect(try BearerToken.presented(in: "Bearer s3cret", missing: Self.missing) == "s3cret")
        #expect(try BearerToken.presented(in: "bearer s3cret", missing: Self.missing) == "s3cret")
        #expect(try BearerToken.presented(in: "BEARER a b", missing: Self.missing) == "a b")
    }

    @Test("no header: 401 with the caller's message and WWW-Authenticate: Bearer")
    func missingHeader() {
        let error = #expect(throws: APIError.self) { try BearerToken.presented(in: nil, missing: Self.missing) }
        #expect(error?.status == .unauthorized && error?.code == "unauthorized")
        #expect(error?.message == "this endpoint needs an operator token: send \"Authorization: Bearer <token>\"")
        #expect(error?.headers[.wwwAuthenticate] == "Bearer")
    }

    @Test("another scheme or no token: 401 that names the form")
    func malformed() {
        for header in ["Basic dXNlcjpwYXNz", "Bearer", "s3cret", ""] {
            let error = #expect(throws: APIError.self) { try BearerToken.presented(in: header, missing: Self.missing) }
            #expect(error?.status == .unauthorized && error?.message == "the Authorization header must be \"Bearer <token>\"", "\(header)")
            #expect(error?.headers[.wwwAuthenticate] == "Bearer")
        }
    }
}
