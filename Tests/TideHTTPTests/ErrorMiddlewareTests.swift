import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import TideHTTP
import TideModel

@Suite("The error middleware and the request helpers, over a router")
struct ErrorMiddlewareTests {
    static let policy = ErrorPolicy(internalMessage: "the device failed; see its log", revealsInternalMessages: false)

    static func application() -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: ErrorMiddleware(policy))
        router.get("domain") { _, _ -> Response in throw DomainError(kind: .conflict, code: "not_deployed", message: "x is not deployed") }
        router.get("internal") { _, _ -> Response in throw DomainError(kind: .internalFailure, message: "cannot open /srv/x") }
        router.get("other") { _, _ -> Response in throw OtherError() }
        router.get("parameter/{id}") { _, context -> Response in
            _ = try context.parameters.require("id", as: Int.self)
            return Response(status: .noContent)
        }
        router.get("token") { request, _ -> Response in
            try BearerToken.require("s3cret", in: request, missing: BearerToken.needs("a token"), wrong: "the token is not valid here")
            return Response(status: .noContent)
        }
        router.post("echo") { request, _ -> Response in
            Response.jsonBytes(try await request.bodyBytes(limit: 16))
        }
        return Application(router: router)
    }

    static func error(_ response: TestResponse) throws -> APIErrorBody.Content {
        #expect(response.headers[.contentType] == "application/json; charset=utf-8")
        return try JSONDecoder().decode(APIErrorBody.self, from: Data(buffer: response.body)).error
    }

    @Test("domain errors, internal failures, unknown errors and unknown routes answer the one shape")
    func shapes() async throws {
        try await Self.application().test(.router) { client in
            let conflict = try await client.execute(uri: "/domain", method: .get)
            #expect(conflict.status == .conflict)
            #expect(try Self.error(conflict) == .init(code: "not_deployed", message: "x is not deployed", details: nil))
            let failed = try await client.execute(uri: "/internal", method: .get)
            #expect(failed.status == .internalServerError)
            #expect(try Self.error(failed) == .init(code: "domain_code", message: "the device failed; see its log", details: nil))
            let other = try await client.execute(uri: "/other", method: .get)
            #expect(try Self.error(other) == .init(code: "internal", message: "the device failed; see its log", details: nil))
            let missing = try await client.execute(uri: "/nowhere", method: .get)
            #expect(missing.status == .notFound)
            #expect(try Self.error(missing) == .init(code: "not_found", message: "no such endpoint", details: nil))
            let parameter = try await client.execute(uri: "/parameter/abc", method: .get)
            #expect(parameter.status == .badRequest)
            #expect(try Self.error(parameter).code == "bad_request")
        }
    }

    @Test("bearer tokens: 401 with WWW-Authenticate when missing or malformed, 403 when wrong")
    func bearer() async throws {
        try await Self.application().test(.router) { client in
            let missing = try await client.execute(uri: "/token", method: .get)
            #expect(missing.status == .unauthorized && missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(try Self.error(missing).message == "this endpoint needs a token: send \"Authorization: Bearer <token>\"")
            let basic = try await client.execute(uri: "/token", method: .get, headers: [.authorization: "Basic eDp5"])
            #expect(basic.status == .unauthorized)
            #expect(try Self.error(basic).code == "unauthorized")
            let wrong = try await client.execute(uri: "/token", method: .get, headers: [.authorization: "Bearer s3cre"])
            #expect(wrong.status == .forbidden && wrong.headers[.wwwAuthenticate] == nil)
            #expect(try Self.error(wrong) == .init(code: "forbidden", message: "the token is not valid here", details: nil))
            let right = try await client.execute(uri: "/token", method: .get, headers: [.authorization: "Bearer s3cret"])
            #expect(right.status == .noContent)
        }
    }

    @Test("a body past the limit is 413 body_too_large")
    func bodyLimit() async throws {
        try await Self.application().test(.router) { client in
            let small = try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: "[1,2,3]"))
            #expect(small.status == .ok && String(buffer: small.body) == "[1,2,3]")
            let large = try await client.execute(uri: "/echo", method: .post, body: ByteBuffer(string: String(repeating: "x", count: 17)))
            #expect(large.status == .contentTooLarge)
            #expect(try Self.error(large) == .init(code: "body_too_large", message: "the request body is larger than the limit of 16 bytes", details: nil))
        }
    }
}
