import Foundation
import Testing
import TideClient
import TideModel
@testable import TideTesting

/// A client given several servers (`--server a,b`): it moves past one it cannot reach, keeps to
/// the one that answered, and never sends a request that may have been carried out twice.
@Suite("A client of several servers", .stopsWhatItStarts)
struct ServerListClientTests {
    static let refusedPort = "http://127.0.0.1:1"

    func client(_ urls: String, token: String?) throws -> TideClient {
        TideClient(servers: try ServerURLList(parsing: urls, source: "--server"), token: token)
    }

    @Test("a refused URL first: requests go to the live server, a POST too")
    func refusedThenLive() async throws {
        let server = try await TestServer.start()
        let client = try client("\(Self.refusedPort),\(server.baseURL)", token: server.token)
        #expect(try await client.devices().isEmpty)
        #expect(client.baseURL == server.baseURL)
        // Refused means nothing was sent: a POST may go to the next server as well.
        let other = try self.client("\(Self.refusedPort),\(server.baseURL)", token: server.token)
        let created = try await other.createToken(name: "failover-ci", role: .viewer)
        #expect(created.token.name == "failover-ci")
        #expect(try await server.client.tokens().filter { $0.name == "failover-ci" }.count == 1)
    }

    @Test("a GET the first server took without answering is asked of the next, which is then kept")
    func sticky() async throws {
        let server = try await TestServer.start()
        let silent = try SilentServer.start()
        let client = try client("\(silent.base),\(server.baseURL)", token: server.token)
        #expect(try await client.devices().isEmpty)
        #expect(silent.requestLines == ["GET /api/v1/devices HTTP/1.1"])
        #expect(client.baseURL == server.baseURL)
        // The live server answered: the next requests, and copies of the client, go there first.
        let copy = client
        _ = try await copy.tokens()
        _ = try await client.devices()
        #expect(silent.requestLines.count == 1)
    }

    @Test("a POST the server received is not sent to another: it fails and says why")
    func postNotRepeated() async throws {
        let server = try await TestServer.start()
        let silent = try SilentServer.start()
        let client = try client("\(silent.base),\(server.baseURL)", token: server.token)
        do {
            _ = try await client.createToken(name: "only-once", role: .viewer)
            Issue.record("the POST succeeded")
        } catch {
            #expect(error.status == nil)
            #expect(
                error.message.hasPrefix(
                    "the Tide server at \(silent.base) gave no answer to POST /api/v1/tokens (the server closed the connection without an answer"),
                "\(error.message)")
            #expect(
                error.message.hasSuffix("it may have carried it out, so it was not sent to another server: check the outcome before repeating it"),
                "\(error.message)")
        }
        #expect(silent.requestLines == ["POST /api/v1/tokens HTTP/1.1"])
        #expect(try await server.client.tokens().allSatisfy { $0.name != "only-once" })
        #expect(client.baseURL == silent.base, "a failure does not move the client")
    }

    @Test("every server down: the error names each one, why, and how to give them")
    func allDown() async throws {
        let silent = try SilentServer.start()
        let client = try client("\(Self.refusedPort),\(silent.base)", token: nil)
        do {
            _ = try await client.devices()
            Issue.record("the request succeeded")
        } catch {
            #expect(
                error.message
                    == "no Tide server could answer GET /api/v1/devices; tried \(Self.refusedPort): connection refused; \(silent.base): the server closed the connection without an answer (a server that serves HTTPS does that to http://; use https://) (are the servers running? list every one with --server URL[,URL...] or TIDE_SERVER)")
        }
    }

    @Test("a long poll that loses its server resumes on the next one after the last event it had")
    func longPollFollows() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(tideID: "gw-follow")
        let start = try await server.client.events(tail: 1)
        _ = try await server.client.addDevice(address: device.address)
        let silent = try SilentServer.start()
        let client = try client("\(silent.base),\(server.baseURL)", token: server.token)

        let page = try await client.events(since: start.cursor, wait: 5)
        #expect(silent.requestLines == ["GET /api/v1/events?since=\(start.cursor)&wait=5 HTTP/1.1"])
        #expect(!page.events.isEmpty)
        #expect(page.events.allSatisfy { $0.id > start.cursor })
        #expect(page.events.contains { $0.kind == .deviceRegistered && $0.device == DeviceID("gw-follow") })
    }
}
