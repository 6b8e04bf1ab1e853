import Foundation
import Testing
import TideModel
@testable import TideTesting

/// `tide supervisor --orchestrator dead,alive` and `tide ... --server dead,alive`, as processes.
@Suite("Server lists on the command line", .stopsWhatItStarts)
struct ServerListProcessTests {
    static let dead = "http://127.0.0.1:1"

    @Test("heartbeats move past a dead orchestrator URL (logged at info), and the CLI reaches the live server too")
    func deadThenAlive() async throws {
        let server = try await TestServer.start()
        let supervisor = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "sup-failover", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", "\(Self.dead),\(server.baseURL)", "--token", server.fleetToken, "--heartbeat-interval", "0.2",
            "--log-level", "info",
        ])
        defer { supervisor.stop() }
        #expect(try await eventually { try await server.client.devices().map(\.name) == ["sup-failover"] }, "\(supervisor.output())")
        let moved = "heartbeat to \(Self.dead) failed twice in a row; sending heartbeats to \(server.baseURL) from now on: "
        #expect(supervisor.output().contains(moved), "\(supervisor.output())")
        #expect(!supervisor.output().contains("warning"), "one URL answered: no warning. \(supervisor.output())")

        let listed = try await TideProcess.run([
            "device", "ls", "--server", "\(Self.dead),\(server.baseURL)", "--data-dir", server.dataDirectory,
        ])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("sup-failover"), "\(listed.stdout)")
    }

    @Test("every orchestrator URL failing in a row is a warning naming them all")
    func allDead() async throws {
        let other = "http://127.0.0.1:2"
        let supervisor = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", "\(Self.dead),\(other)", "--heartbeat-interval", "0.1", "--log-level", "info",
        ])
        defer { supervisor.stop() }
        let warning = "heartbeats failed at every orchestrator URL in a row (\(Self.dead), \(other)), the last to \(other) (the same failure again is silent for a minute): connection refused"
        #expect(try await eventually(timeout: .seconds(10)) { supervisor.output().contains(warning) }, "\(supervisor.output())")
        #expect(supervisor.output().contains("heartbeat to \(Self.dead) failed twice in a row; sending heartbeats to \(other) from now on"))
    }
}
