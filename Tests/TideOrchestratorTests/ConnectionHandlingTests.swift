import Foundation
import Testing
@testable import TideTesting

@Suite("HTTP connections: HTTP/1.0 clients and keep-alive", .stopsWhatItStarts)
struct ConnectionHandlingTests {
    @Test("an HTTP/1.0 request without keep-alive gets its answer and then the connection closed")
    func http10Closes() async throws {
        let server = try await TestServer.start()
        let outcome = try await RawConnection.exchange(port: server.port, "GET /healthz HTTP/1.0\r\n\r\n")
        #expect(outcome.response.hasPrefix("HTTP/1.1 200"), "\(outcome.response)")
        #expect(outcome.closedByServer, "the server kept the connection open: \(outcome.response)")
    }

    @Test("Connection: close on HTTP/1.1 closes too; a plain HTTP/1.1 request keeps the connection")
    func http11() async throws {
        let server = try await TestServer.start()
        let closing = try await RawConnection.exchange(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(closing.closedByServer)
        let kept = try await RawConnection.exchange(port: server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", linger: .seconds(1))
        #expect(kept.response.hasPrefix("HTTP/1.1 200"))
        #expect(!kept.closedByServer)
        let keepAlive10 = try await RawConnection.exchange(
            port: server.port, "GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", linger: .seconds(1))
        #expect(keepAlive10.response.hasPrefix("HTTP/1.1 200"))
        #expect(!keepAlive10.closedByServer)
    }
}
