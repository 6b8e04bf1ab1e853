import Foundation
import Synchronization
import Testing
import TideClient
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
            "--orchestrator", "\(Self.dead),\(server.baseURL)", "--token", server.fleetToken, "--heartbeat-interval", "0.3",
            "--log-level", "info",
        ])
        defer { supervisor.stop() }
        // The log as it stood when the first heartbeat got through (later ones may time out on a busy machine).
        let logged = Mutex("")
        #expect(try await eventually {
            guard try await server.client.devices().map(\.name) == ["sup-failover"] else { return false }
            logged.withLock { $0 = supervisor.output() }
            return true
        }, "\(supervisor.output())")
        let log = logged.withLock { $0 }
        let moved = "heartbeat to \(Self.dead) failed twice in a row; sending heartbeats to \(server.baseURL) from now on: connection refused"
        let beforeMoving = try #require(log.range(of: moved), "\(log)")
        // Only every URL failing is a warning. (The live server's first answer can take longer than a
        // heartbeat may wait on a busy machine, since it registers the device first: not checked here.)
        #expect(!log[..<beforeMoving.lowerBound].contains("warning"), "one URL failing alone is no warning: \(log)")

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

/// `tide events --follow` across a server that goes away.
@Suite("Following events across servers", .stopsWhatItStarts)
struct FollowAcrossServersTests {
    /// A `tide server` process without TLS or tokens, and a client of it.
    func serverProcess() async throws -> (ChildProcess, TideClient) {
        let process = try await ChildProcess.startTide(
            [
                "server", "--port", "{port}", "--data-dir", TemporaryDirectory.make(), "--registry", "none", "--no-mdns",
                "--insecure-http", "--insecure-no-auth", "--probe-interval", "0", "--log-level", "error",
            ],
            readyPath: "/healthz")
        return (process, TideClient(baseURL: "http://127.0.0.1:\(process.port)", token: nil))
    }

    @Test("tide events --follow whose server is killed goes on at the next one after the last event it printed")
    func followMovesOn() async throws {
        // Processes: a killed one ends its connections at once, and a stopped one does not wait
        // for the long poll in flight.
        let (process, first) = try await serverProcess()
        defer { process.stop() }
        let (other, second) = try await serverProcess()
        defer { other.stop() }
        // Events that need no device to connect back to (a loaded test process answers late).
        _ = try await first.createToken(name: "first", role: .viewer)
        let printedFirst = try await first.events().events
        let last = try #require(printedFirst.last).id
        // The second server's log must reach past the first's for the test to show where it resumes.
        for index in 1...20 where try await second.events(since: last).events.count < 2 {
            _ = try await second.createToken(name: "second-\(index)", role: .viewer)
        }
        let expectedAfter = try await second.events(since: last).events
        #expect(expectedAfter.count >= 2, "the second server has events after \(last)")

        let follow = try ChildProcess.spawn(
            TideProcess.executable, ["events", "--follow", "--json", "--server", "\(first.baseURL),\(second.baseURL)"])
        defer { follow.stop() }
        func printed() -> [FleetEvent] {
            follow.output().split(separator: "\n").compactMap { try? TideJSON.decoder().decode(FleetEvent.self, from: Data($0.utf8)) }
        }
        #expect(try await eventually(timeout: .seconds(10)) { printed().count == printedFirst.count }, "\(follow.output())")
        // Killed in the middle of the long poll: the connection ends without an answer.
        try await Task.sleep(for: .milliseconds(300))
        process.signal(SIGKILL)
        #expect(
            try await eventually(timeout: .seconds(10)) { printed().count == printedFirst.count + expectedAfter.count }, "\(follow.output())")
        #expect(printed().map(\.id) == printedFirst.map(\.id) + expectedAfter.map(\.id))
        #expect(printed().map(\.device) == printedFirst.map(\.device) + expectedAfter.map(\.device))
    }
}
