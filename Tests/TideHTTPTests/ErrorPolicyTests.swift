import HTTPTypes
import Hummingbird
import Testing
import TideModel
import TideHTTP

/// A domain error as the deployment, supervisor or inventory code would throw it.
struct DomainError: ReportableError {
    var kind: FailureKind
    var code = "domain_code"
    var message = "what the domain says"
    var details: JSONValue? = nil
}

struct OtherError: Error, CustomStringConvertible {
    var description: String { "disk /var/lib/tide is full" }
}

@Suite("Error policy: every error becomes one API error")
struct ErrorPolicyTests {
    static let revealing = ErrorPolicy(revealsInternalMessages: true)
    static let hiding = ErrorPolicy(internalMessage: "the device failed; see its log", revealsInternalMessages: false)

    @Test("each failure kind has its status, in one table")
    func kindStatuses() {
        let expected: [FailureKind: Int] = [
            .badRequest: 400, .invalid: 422, .unauthorized: 401, .forbidden: 403, .notFound: 404, .conflict: 409,
            .tooLarge: 413, .unavailable: 503, .badGateway: 502, .internalFailure: 500,
        ]
        #expect(Set(expected.keys) == Set(FailureKind.allCases))
        for kind in FailureKind.allCases {
            #expect(APIError.status(of: kind).code == expected[kind], "\(kind)")
            #expect(ErrorPolicy.status(of: DomainError(kind: kind)).code == expected[kind], "\(kind)")
        }
    }

    @Test("a domain error keeps its code, message and details; a 401 asks for a bearer token")
    func domainError() {
        let error = DomainError(kind: .invalid, code: "invalid_manifest", message: "step x has no function", details: ["problems": .array([])])
        let (answer, logged) = Self.hiding.answer(error)
        #expect(answer.status == .unprocessableContent)
        #expect(answer.code == "invalid_manifest" && answer.message == "step x has no function")
        #expect(answer.details == ["problems": .array([])])
        #expect(answer.headers[.wwwAuthenticate] == nil)
        #expect(logged == nil)
        let unauthorized = Self.hiding.answer(DomainError(kind: .unauthorized)).error
        #expect(unauthorized.status == .unauthorized && unauthorized.headers[.wwwAuthenticate] == "Bearer")
    }

    @Test("an internal failure is logged; its message reaches the client only where the server reveals it")
    func internalFailure() {
        let error = DomainError(kind: .internalFailure, code: "internal", message: "cannot open /srv/x")
        let revealed = Self.revealing.answer(error)
        #expect(revealed.error.status == .internalServerError && revealed.error.message == "cannot open /srv/x")
        #expect(revealed.logged == "cannot open /srv/x")
        let hidden = Self.hiding.answer(error)
        #expect(hidden.error.code == "internal" && hidden.error.message == "the device failed; see its log")
        #expect(hidden.logged == "cannot open /srv/x")
    }

    @Test("an APIError passes as it is; one of 500 and more is logged")
    func apiError() {
        var error = APIError(.conflict, code: "not_deployed", "x is not deployed")
        error.headers[.retryAfter] = "1"
        let (answer, logged) = Self.hiding.answer(error)
        #expect(answer.status == .conflict && answer.code == "not_deployed" && answer.headers[.retryAfter] == "1")
        #expect(logged == nil)
        let failed = Self.hiding.answer(APIError.internalError("the store is gone"))
        #expect(failed.error.message == "the store is gone" && failed.logged == "the store is gone")
    }

    @Test("Hummingbird's errors keep their status and get a code and a text from it")
    func hummingbirdErrors() {
        let notFound = Self.revealing.answer(HTTPError(.notFound)).error
        #expect(notFound.status == .notFound && notFound.code == "not_found" && notFound.message == "no such endpoint")
        let badParameter = Self.hiding.answer(HTTPError(.badRequest, message: "Expected parameter does not exist")).error
        #expect(badParameter.status == .badRequest && badParameter.code == "bad_request")
        #expect(badParameter.message == "Expected parameter does not exist")
        let method = Self.hiding.answer(HTTPError(.methodNotAllowed)).error
        #expect(method.status == .methodNotAllowed && method.code == "error")
        #expect(method.message == "this endpoint does not take that method")
        let unauthorized = Self.hiding.answer(HTTPError(.unauthorized)).error
        #expect(unauthorized.code == "unauthorized" && unauthorized.headers[.wwwAuthenticate] == "Bearer")
        let failed = HTTPError(.internalServerError, message: "a path")
        #expect(Self.revealing.answer(failed).error.message == "a path")
        #expect(Self.hiding.answer(failed).error.message == "the device failed; see its log")
        #expect(Self.hiding.answer(failed).error.code == "internal")
        #expect(Self.hiding.answer(HTTPError(.contentTooLarge)).error.code == "body_too_large")
    }

    @Test("any other error is logged in full and answered 500 without its details")
    func otherError() {
        for policy in [Self.revealing, Self.hiding] {
            let (answer, logged) = policy.answer(OtherError())
            #expect(answer.status == .internalServerError && answer.code == "internal")
            #expect(answer.message == policy.internalMessage)
            #expect(logged == "disk /var/lib/tide is full")
        }
        #expect(ErrorPolicy.status(of: OtherError()) == .internalServerError)
        #expect(ErrorPolicy(revealsInternalMessages: true).internalMessage == "the server failed to handle the request; see its log")
    }
}
