import Foundation
import Testing
import TideClient
import TideModel
@testable import TideTesting

/// `tide supervisor --join dead,alive`: the first orchestrator that answers enrolls the device,
/// and the same list carries its heartbeats.
@Suite("Enrolling with several orchestrator URLs", .stopsWhatItStarts)
struct JoinListTests {
    @Test("a dead first --join URL: the device enrolls with the next, once, and its heartbeats reach it")
    func deadThenAlive() async throws {
        let server = try await TestServer.start(transport: .fleetCA(extraHosts: []))
        let api = TideClient(
            baseURL: server.baseURL, token: server.token,
            http: try HTTPProbe.trusting(caFile: server.dataDirectory + "/tls/ca.pem"))
        let created = try await api.createJoinToken(CreateJoinTokenRequest(uses: 2))
        let dead = "https://127.0.0.1:1"
        let supervisor = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "joined", "--data-dir", TemporaryDirectory.make(),
            "--join", "\(dead),\(server.baseURL)", "--join-token", created.token, "--ca-fingerprint", created.caFingerprint,
            "--heartbeat-interval", "0.2", "--log-level", "info",
        ], scheme: "https")
        defer { supervisor.stop() }
        let output = supervisor.output()
        #expect(output.contains("cannot reach the orchestrator at \(dead)/enroll/ca: connection refused; trying the next --join URL, \(server.baseURL)"), "\(output)")
        #expect(output.contains("enrolled with \(server.baseURL)"), "\(output)")
        #expect(try await eventually(timeout: .seconds(15)) {
            try await api.devices().contains { $0.name == "joined" && $0.status == .alive && $0.trust == .certificate }
        }, "\(supervisor.output())")
        #expect(try await api.joinTokens().first?.usesLeft == 1, "one enrollment, one use")
    }
}
