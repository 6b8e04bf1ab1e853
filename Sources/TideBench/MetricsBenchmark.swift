import AsyncHTTPClient
import ArgumentParser
import Foundation
import TideModel
import TideOrchestrator
import TideStore

/// `tide-bench metrics`: the time of a Prometheus scrape (`GET /metrics`) of a `tide server`
/// process that holds many devices, and that process's resident memory before and after.
struct MetricsBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Time GET /metrics against a real server process holding many devices; report its RSS before and after.")

    @Option(help: "Devices in the server's inventory.") var devices = 1_000
    @Option(help: "Timed scrapes.") var scrapes = 200

    struct Report: Encodable {
        var benchmark = "metrics"
        var build = BuildMode.current
        var devices: Int
        var scrapes: Int
        var scrapeP50Milliseconds: Double
        var scrapeP99Milliseconds: Double
        var scrapeMeanMilliseconds: Double
        var scrapeResponseBytes: Int
        /// After warming up (a few API requests and scrapes), before the timed scrapes.
        var serverRSSBeforeBytes: Int
        var serverRSSAfterBytes: Int
        var serverRSSGrowthBytes: Int
        var goals: [String: Bool]
    }

    func validate() throws {
        guard devices >= 1, scrapes >= 1 else { throw ValidationError("--devices and --scrapes must be at least 1") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TideStore(path: directory + "/tide.sqlite").insert(SyntheticDevices.make(count: devices))

        let server = try ServerProcess.start(arguments: [
            "server", "--insecure-http", "--data-dir", directory, "--port", "0", "--probe-interval", "0", "--log-level", "notice",
        ])
        defer { server.stop() }
        guard let token = try OperatorToken.read(at: directory + "/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token")
        }
        let base = "http://127.0.0.1:\(server.port)"
        func get(_ path: String) async throws -> (status: UInt, body: String) {
            var request = HTTPClientRequest(url: base + path)
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 26)
            return (response.status.code, String(decoding: body.readableBytesView, as: UTF8.self))
        }

        // Warm up: the API's routes get their series, the first scrapes allocate what scrapes keep.
        for path in ["/api/v1/devices", "/api/v1/deployments", "/api/v1/packages", "/api/v1/events"] { _ = try await get(path) }
        let first = try await get("/metrics")
        guard first.status == 200 else { throw BenchFailure("GET /metrics answered \(first.status)") }
        guard first.body.contains("tide_devices{status=\"alive\"} \(devices)") else {
            throw BenchFailure("the scrape does not count \(devices) alive devices: \(first.body.prefix(2_000))")
        }
        for _ in 0..<9 { _ = try await get("/metrics") }

        let before = server.memory().rss
        let clock = ContinuousClock()
        var latencies: [Double] = []
        var responseBytes = 0
        for _ in 0..<scrapes {
            let started = clock.now
            let answer = try await get("/metrics")
            latencies.append((clock.now - started).inMilliseconds)
            guard answer.status == 200 else { throw BenchFailure("GET /metrics answered \(answer.status)") }
            responseBytes = answer.body.utf8.count
        }
        let after = server.memory().rss
        latencies.sort()
        let p50 = Percentile.of(latencies, 0.50)
        let p99 = Percentile.of(latencies, 0.99)
        let report = Report(
            devices: devices, scrapes: scrapes, scrapeP50Milliseconds: p50, scrapeP99Milliseconds: p99,
            scrapeMeanMilliseconds: latencies.reduce(0, +) / Double(latencies.count), scrapeResponseBytes: responseBytes,
            serverRSSBeforeBytes: before, serverRSSAfterBytes: after, serverRSSGrowthBytes: after - before,
            goals: ["scrapeP99Under50ms": p99 < 50, "rssGrowthUnder10MB": after - before < 10_000_000])
        print(try TideJSON.text(report))
    }
}
