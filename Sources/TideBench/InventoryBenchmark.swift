import AsyncHTTPClient
import ArgumentParser
import Foundation
import TideModel
import TideOrchestrator
import TideStore

/// `tide-bench inventory`: bulk insert through the store, then the latency of listing every
/// device over HTTP from a separate `tide server` process, and that process's memory.
struct InventoryBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "Insert devices in bulk, then time GET /api/v1/devices against a real server process.")

    @Option(help: "Devices to insert.") var devices = 10_000
    @Option(help: "Timed list requests.") var requests = 200

    struct Report: Encodable {
        var benchmark = "inventory"
        var build = BuildMode.current
        var devices: Int
        var insertSeconds: Double
        var insertRatePerSecond: Double
        var listRequests: Int
        var listP50Milliseconds: Double
        var listP99Milliseconds: Double
        var listMeanMilliseconds: Double
        var listResponseBytes: Int
        /// After loading the devices, before the first request.
        var serverIdleRSSBytes: Int
        /// After the timed requests.
        var serverRSSBytes: Int
        var serverPeakRSSBytes: Int
        var goals: [String: Bool]
    }

    func validate() throws {
        guard devices >= 1, requests >= 1 else { throw ValidationError("--devices and --requests must be at least 1") }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let store = try TideStore(path: directory + "/tide.sqlite")
        let synthetic = SyntheticDevices.make(count: devices)
        let clock = ContinuousClock()
        let insertTime = try clock.measure { try store.insert(synthetic) }

        let server = try ServerProcess.start(arguments: [
            "server", "--insecure-http", "--data-dir", directory, "--port", "0", "--probe-interval", "0", "--log-level", "notice",
        ])
        defer { server.stop() }
        guard let token = try OperatorToken.read(at: directory + "/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token")
        }

        let idle = server.memory()
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/devices")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        var latencies: [Double] = []
        var responseBytes = 0
        for index in 0..<(requests + 5) {
            let started = clock.now
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 30)
            let elapsed = clock.now - started
            guard response.status == .ok else { throw BenchFailure("GET /api/v1/devices answered \(response.status.code)") }
            if index == 0 {
                let list = try TideJSON.decoder().decode(DeviceList.self, from: Data(body.readableBytesView))
                guard list.devices.count == devices else {
                    throw BenchFailure("the server listed \(list.devices.count) devices, expected \(devices)")
                }
            }
            responseBytes = body.readableBytes
            if index >= 5 { latencies.append(elapsed.inMilliseconds) }
        }
        let memory = server.memory()
        latencies.sort()
        let p50 = Percentile.of(latencies, 0.50)
        let report = Report(
            devices: devices, insertSeconds: insertTime.inSeconds,
            insertRatePerSecond: Double(devices) / insertTime.inSeconds, listRequests: requests,
            listP50Milliseconds: p50, listP99Milliseconds: Percentile.of(latencies, 0.99),
            listMeanMilliseconds: latencies.reduce(0, +) / Double(latencies.count), listResponseBytes: responseBytes,
            serverIdleRSSBytes: idle.rss, serverRSSBytes: memory.rss, serverPeakRSSBytes: memory.peak,
            goals: ["listP50Under50ms": p50 < 50, "serverRSSUnder100MB": memory.rss < 100_000_000])
        print(try TideJSON.text(report))
    }
}

enum Percentile {
    /// Nearest-rank percentile of sorted values.
    static func of(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}

