import Foundation
import TideModel
import TideOrchestrator

/// The memory of real `tide supervisor` processes: idle alone (with and without handing back
/// start-up pages), and in service: heartbeating to a `tide server` that probes it every second.
struct SupervisorMemoryReport: Encodable {
    /// Default settings, no orchestrator, 3 s after start (start-up pages released after 1 s).
    var idleRSSBytes: Int
    /// Of that, memory not backed by files (heap, stacks, relocated data).
    var idleAnonymousBytes: Int
    /// The same with `--release-startup-pages-after 0`.
    var idleRSSKeepingStartupPagesBytes: Int
    /// Heartbeating every second to a `tide server` that probes it every second, 15 s after start.
    var inServiceRSSBytes: Int
    /// Pages the process touched in the following 10 s (its working set), from clear_refs and smaps.
    var inServiceReferencedBytes: Int
    var inServiceAnonymousBytes: Int

    static func measure(directory: String) async throws -> SupervisorMemoryReport {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func idle(release: String, label: String) async throws -> (rss: Int, anonymous: Int) {
            let supervisor = try ServerProcess.start(arguments: [
                "supervisor", "--port", "0", "--data-dir", directory + "/" + label, "--heartbeat-interval", "0",
                "--release-startup-pages-after", release, "--log-level", "notice",
            ])
            defer { supervisor.stop() }
            try await Task.sleep(for: .seconds(3))
            return (supervisor.memory().rss, supervisor.anonymousMemory())
        }
        let kept = try await idle(release: "0", label: "kept")
        let released = try await idle(release: "1", label: "released")

        let server = try ServerProcess.start(arguments: [
            "server", "--insecure-http", "--data-dir", directory + "/server", "--port", "0", "--no-mdns", "--registry", "none",
            "--log-level", "notice",
        ])
        defer { server.stop() }
        guard let fleetToken = try OperatorToken.read(
            at: directory + "/server/" + OperatorToken.supervisorFileName, what: "supervisor token")
        else {
            throw BenchFailure("the benchmark server wrote no supervisor token")
        }
        let supervisor = try ServerProcess.start(arguments: [
            "supervisor", "--port", "0", "--data-dir", directory + "/in-service", "--orchestrator",
            "http://127.0.0.1:\(server.port)", "--token", fleetToken, "--log-level", "notice",
        ])
        defer { supervisor.stop() }
        try await Task.sleep(for: .seconds(15))
        let inService = supervisor.memory().rss
        let pid = supervisor.process.processIdentifier
        try Data("1".utf8).write(to: URL(fileURLWithPath: "/proc/\(pid)/clear_refs"))
        try await Task.sleep(for: .seconds(10))
        return SupervisorMemoryReport(
            idleRSSBytes: released.rss, idleAnonymousBytes: released.anonymous, idleRSSKeepingStartupPagesBytes: kept.rss,
            inServiceRSSBytes: inService, inServiceReferencedBytes: supervisor.referencedMemory(),
            inServiceAnonymousBytes: supervisor.anonymousMemory())
    }
}
