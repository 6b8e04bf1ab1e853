import ArgumentParser
import AsyncHTTPClient
import Foundation
import TideModel
import TideOrchestrator

/// `tide-bench discovery`: from starting `tide supervisor --advertise` to the device being alive
/// in a `tide server` that found it over mDNS. Needs an avahi-daemon: run it through
/// `scripts/avahi/run tide-bench discovery`, which confines the daemon to a loopback-only namespace.
struct DiscoveryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "discovery",
        abstract: "Time from supervisor start to alive in the orchestrator via mDNS (needs a confined avahi-daemon).")

    @Option(help: "Supervisors to start, one after another.") var trials = 20

    struct Report: Encodable {
        var benchmark = "discovery"
        var build = BuildMode.current
        var trials: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServerProcess.start(arguments: [
            "server", "--insecure-http", "--data-dir", directory + "/server", "--port", "0", "--log-level", "notice", "--registry", "none",
        ])
        defer { server.stop() }
        guard let token = try OperatorToken.read(at: directory + "/server/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token")
        }
        var latencies: [Double] = []
        for trial in 0..<trials {
            let started = ContinuousClock.now
            let supervisor = try ServerProcess.start(arguments: [
                "supervisor", "--port", "0", "--name", "bench-mdns-\(trial)", "--data-dir", directory + "/supervisor-\(trial)",
                "--advertise", "--heartbeat-interval", "0", "--log-level", "notice",
            ])
            defer { supervisor.stop() }
            var found = false
            while ContinuousClock.now - started < .seconds(20) {
                if try await Self.isAlive(port: supervisor.port, base: "http://127.0.0.1:\(server.port)", token: token) {
                    found = true
                    break
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            guard found else { throw BenchFailure("supervisor \(trial) was not discovered within 20 s; is an avahi-daemon reachable?") }
            latencies.append((ContinuousClock.now - started).inMilliseconds)
        }
        latencies.sort()
        print(try TideJSON.text(Report(
            trials: latencies.count, p50Milliseconds: Percentile.of(latencies, 0.5), p99Milliseconds: Percentile.of(latencies, 0.99),
            maxMilliseconds: latencies.last ?? 0)))
    }

    static func isAlive(port: Int, base: String, token: String) async throws -> Bool {
        var request = HTTPClientRequest(url: base + "/api/v1/devices?status=alive")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 24)
        let list = try TideJSON.decoder().decode(DeviceList.self, from: Data(body.readableBytesView))
        return list.devices.contains { $0.port == port }
    }
}
