import Foundation
import Testing
import TideModel
import TideOrchestrator
@testable import TideTesting

@Suite("Operator token", .stopsWhatItStarts)
struct AuthTests {
    @Test("missing, malformed, wrong and right tokens")
    func tokens() async throws {
        let server = try await TestServer.start()
        let token = try #require(server.token)
        #expect(token.hasPrefix("tide_") && token.count == 69)

        let missing = try await server.request(.GET, "/api/v1/devices", token: .some(nil))
        #expect(missing.status == 401)
        #expect(missing.headers.first(name: "WWW-Authenticate") == "Bearer")
        #expect(errorOf(missing.body)?.message == "this endpoint needs an operator token: send \"Authorization: Bearer <token>\"")

        let malformed = try await server.request(.GET, "/api/v1/devices", token: .some(nil), headers: [("Authorization", "Basic abc")])
        #expect(malformed.status == 401)
        #expect(errorOf(malformed.body)?.message == "the Authorization header must be \"Bearer <token>\"")

        let wrong = try await server.request(.GET, "/api/v1/events", token: "tide_wrong")
        #expect(wrong.status == 403)
        #expect(errorOf(wrong.body)?.code == "forbidden")

        let right = try await server.request(.GET, "/api/v1/devices")
        #expect(right.status == 200)

        // Writes are refused too, and leave nothing behind.
        let write = try await server.request(.POST, "/api/v1/devices", body: #"{"address": "127.0.0.1:1"}"#, token: "tide_wrong")
        #expect(write.status == 403)
        #expect(try server.store().events().isEmpty)

        // The wasmiot routes stay open: old supervisors cannot send tokens.
        #expect(try await server.request(.GET, "/file/device", token: .some(nil)).status == 200)
    }

    @Test("the token file is created once, mode 0600, and kept across restarts")
    func tokenFile() async throws {
        let directory = TemporaryDirectory.make()
        let first = try await TestServer.start(dataDirectory: directory)
        await first.stop()
        let path = directory + "/" + OperatorToken.fileName
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try await TestServer.start(dataDirectory: directory)
        #expect(second.token == first.token)
        #expect(try await second.request(.GET, "/api/v1/devices", token: first.token).status == 200)
    }

    @Test("--insecure-no-auth serves without a token and writes none")
    func noAuth() async throws {
        let server = try await TestServer.start(requireAuth: false)
        #expect(try await server.request(.GET, "/api/v1/devices", token: .some(nil)).status == 200)
        #expect(!FileManager.default.fileExists(atPath: server.dataDirectory + "/" + OperatorToken.fileName))
    }
}
