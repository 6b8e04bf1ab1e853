import AsyncHTTPClient
import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// Devices served over plain HTTP that close their connections are probed over one new NIO
/// connection each (`PlainHTTPGet`), not through AsyncHTTPClient: every answer a device may send
/// reads as before, with the same error messages; which devices close is learnt from their answers.
@Suite("Plain-HTTP probes")
struct PlainProbeTests {
    static let health = #"{"cpuUsage":0.25,"memoryUsage":0.5}"#

    /// The outcome through the plain path (the device taken for one that closes its connections)
    /// and through AsyncHTTPClient (the path before it).
    func probe(_ server: CannedServer, timeout: Duration = .seconds(5))
        async throws -> (plain: Result<HealthReport, ProbeError>, client: Result<HealthReport, ProbeError>)
    {
        let client = HTTPClient.forDevices()
        let endpoint = DeviceEndpoint(host: "127.0.0.1", port: server.port)
        let probe = DeviceProbe(client: client)
        probe.closing.insert(endpoint)
        let plain = await probe.healthOutcome(of: endpoint, timeout: timeout)
        let reference = await DeviceProbe(everyDeviceThrough: client).healthOutcome(of: endpoint, timeout: timeout)
        try await client.shutdown()
        return (plain, reference)
    }

    func message(_ outcome: Result<HealthReport, ProbeError>) -> String? {
        if case .failure(let error) = outcome { return error.message }
        return nil
    }

    @Test("an answer with a length reads; the request asks for JSON")
    func lengthAnswer() async throws {
        let server = try await CannedServer.start(
            answer: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: \(Self.health.utf8.count)\r\n\r\n\(Self.health)")
        defer { Task { await server.stop() } }
        let (plain, _) = try await probe(server)
        let report = try plain.get()
        #expect(report.cpuUsage == 0.25)
        #expect(report.memoryUsage == 0.5)
        let head = try #require(server.requestHeads.first)
        let lines = head.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "GET /health HTTP/1.1")
        #expect(Set(lines.dropFirst()) == ["Host: \(server.address)", "Accept: application/json"])
    }

    @Test("a device that closes its connections is asked over a new one each time; one that keeps them, through the pool")
    func learnt() async throws {
        let closes = try await CannedServer.start(
            answer: "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: \(Self.health.utf8.count)\r\n\r\n\(Self.health)")
        let old = try await CannedServer.start(answer: "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n\(Self.health)")
        let keeps = try await CannedServer.start(
            answer: "HTTP/1.1 200 OK\r\nContent-Length: \(Self.health.utf8.count)\r\n\r\n\(Self.health)", then: .hang)
        defer { Task { await closes.stop(); await old.stop(); await keeps.stop() } }
        let client = HTTPClient.forDevices()
        let probe = DeviceProbe(client: client)
        let endpoints = [closes, old, keeps].map { DeviceEndpoint(host: "127.0.0.1", port: $0.port) }
        for endpoint in endpoints {
            #expect(try await probe.healthOutcome(of: endpoint, timeout: .seconds(5)).get().memoryUsage == 0.5)
        }
        #expect(endpoints.map(probe.closing.contains) == [true, true, false])
        // Asked again: the first two over new connections; and a device that keeps its connections
        // after all (an upgrade) goes back to the pool.
        probe.closing.insert(endpoints[2])
        for endpoint in endpoints {
            #expect(try await probe.healthOutcome(of: endpoint, timeout: .seconds(5)).get().memoryUsage == 0.5)
        }
        #expect(endpoints.map(probe.closing.contains) == [true, true, false])
        #expect(closes.requestHeads.count == 2)
        #expect(keeps.requestHeads.count == 2)
        // Served over HTTPS: never asked over plain HTTP, whatever it is taken for.
        let secure = DeviceEndpoint(host: "127.0.0.1", port: closes.port, secure: true)
        probe.closing.insert(secure)
        if case .success = await probe.healthOutcome(of: secure, timeout: .seconds(2)) { Issue.record("a plain answer to an HTTPS probe") }
        try await client.shutdown()
    }

    @Test("an HTTP/1.0 answer that ends when the device closes, and a chunked one, read")
    func closeDelimitedAndChunked() async throws {
        let untilClose = try await CannedServer.start(answer: "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n\(Self.health)")
        let chunked = try await CannedServer.start(
            answer: "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"cpu\r\n\(String(Self.health.utf8.count - 5, radix: 16))\r\n"
                + "\(Self.health.dropFirst(5))\r\n0\r\n\r\n")
        defer { Task { await untilClose.stop(); await chunked.stop() } }
        for server in [untilClose, chunked] {
            let (plain, reference) = try await probe(server)
            #expect(try plain.get().memoryUsage == 0.5)
            #expect(try reference.get().memoryUsage == 0.5)
        }
    }

    @Test("refused, an error status, not JSON and a bad report: the messages as through AsyncHTTPClient")
    func sameMessages() async throws {
        let refused = try await CannedServer.start(answer: "")
        let address = refused.address
        await refused.stop()
        let unavailable = try await CannedServer.start(answer: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
        let html = try await CannedServer.start(answer: "HTTP/1.1 200 OK\r\nContent-Length: 18\r\n\r\n<html>hello</html>")
        let partial = try await CannedServer.start(answer: "HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"cpuUsage\":0.25}")
        defer { Task { await unavailable.stop(); await html.stop(); await partial.stop() } }
        let (plainRefused, clientRefused) = try await probe(refused)
        #expect(message(plainRefused) == "\(address) refused the connection (nothing listens there)")
        #expect(message(clientRefused) == message(plainRefused))
        let expected = [
            "\(unavailable.address) answered GET /health with HTTP 503 Service Unavailable",
            "\(html.address) answered GET /health with something that is not JSON: \"<html>hello</html>\"",
            "\(partial.address) answered /health with an invalid report: health report is missing field memoryUsage",
        ]
        for (server, text) in zip([unavailable, html, partial], expected) {
            let (plain, reference) = try await probe(server)
            #expect(message(plain) == text)
            #expect(message(reference) == text)
        }
    }

    @Test("a device that closes before its answer is whole, or answers with something not HTTP")
    func brokenAnswers() async throws {
        let silent = try await CannedServer.start(answer: "")
        let cut = try await CannedServer.start(answer: "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cpuUsage\":")
        let garbage = try await CannedServer.start(answer: "hello there\r\n\r\n")
        defer { Task { await silent.stop(); await cut.stop(); await garbage.stop() } }
        for server in [silent, cut] {
            let (plain, _) = try await probe(server)
            #expect(message(plain) == "\(server.address) closed the connection during GET /health")
            if case .failure(let error) = plain { #expect(error.kind == .unreachable) }
        }
        let (plain, _) = try await probe(garbage)
        #expect(message(plain)?.hasPrefix("cannot reach \(garbage.address): ") == true)
    }

    @Test("an answer over 1 MiB is refused as the client refuses it")
    func tooLarge() async throws {
        let body = [UInt8](repeating: UInt8(ascii: " "), count: DeviceProbe.maxAnswerBytes + 1)
        let server = try await CannedServer.start(
            answer: Array("HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\n\r\n".utf8) + body)
        defer { Task { await server.stop() } }
        let (plain, reference) = try await probe(server)
        #expect(message(plain) == "\(server.address) answered GET /health with more than 1048576 bytes")
        #expect(message(reference) == message(plain))
    }

    @Test("a device that never answers: a timeout within the time given")
    func hanging() async throws {
        let server = try await CannedServer.start(answer: "", then: .hang)
        defer { Task { await server.stop() } }
        let started = ContinuousClock.now
        let (plain, reference) = try await probe(server, timeout: .milliseconds(300))
        #expect(message(plain) == "\(server.address) did not answer GET /health within 300 ms")
        #expect(message(reference) == message(plain))
        // A hang guard: a probe whose timeout never fired would wait for ever. Both take 0.6 s
        // alone; beside the whole suite on 2 cores a loopback probe was seen to take 4 s.
        #expect(ContinuousClock.now - started < .seconds(30))
    }

    @Test("a device given by name is found (the name resolved)")
    func byName() async throws {
        let server = try await CannedServer.start(
            answer: "HTTP/1.1 200 OK\r\nContent-Length: \(Self.health.utf8.count)\r\n\r\n\(Self.health)")
        defer { Task { await server.stop() } }
        let client = HTTPClient.forDevices()
        let probe = DeviceProbe(client: client)
        let endpoint = DeviceEndpoint(host: "localhost", port: server.port)
        probe.closing.insert(endpoint)
        let outcome = await probe.healthOutcome(of: endpoint, timeout: .seconds(5))
        try await client.shutdown()
        #expect(try outcome.get().cpuUsage == 0.25)
        #expect(server.requestHeads.first?.contains("Host: localhost:\(server.port)") == true)
    }
}
