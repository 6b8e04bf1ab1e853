import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import TideModel

/// API throughput against the running replicas (requests spread round-robin over them) with a
/// fixed concurrency and duration, and what PostgreSQL did meanwhile (`pg_stat_database` deltas,
/// `pg_stat_activity` connections sampled every second).
struct HighAvailabilityLoad: Sendable {
    let urls: [String]
    let token: String
    let http: HTTPClient
    let concurrency: Int
    let seconds: Double
    let database: HighAvailabilityDatabase
    /// Devices whose labels the write route changes.
    let devices: [DeviceID]

    enum Route: String, Sendable {
        case listDevices = "GET /api/v1/devices"
        case labelDevice = "PATCH /api/v1/devices/<id> (labels)"
    }

    func measure(_ route: Route, replicaCPU: @Sendable () async -> Double) async throws -> HighAvailabilityReport.Throughput {
        let before = try await database.counters()
        let cpuBefore = await replicaCPU()
        let tally = NIOLockedValueBox((ok: 0, failed: 0, bytes: 0, latencies: [Double](), failures: [String: Int]()))
        let connections = NIOLockedValueBox([Int]())
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(Int(seconds * 1000))
        let sampler = Task {
            while ContinuousClock.now < deadline, !Task.isCancelled {
                if let counters = try? await database.counters() { connections.withLockedValue { $0.append(counters.connections) } }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while ContinuousClock.now < deadline {
                        let sent = ContinuousClock.now
                        let (failure, bytes) = await send(route, index: index)
                        let milliseconds = (ContinuousClock.now - sent).inMilliseconds
                        tally.withLockedValue {
                            if let failure {
                                $0.failed += 1
                                $0.failures[failure, default: 0] += 1
                            } else {
                                $0.ok += 1
                            }
                            $0.bytes += bytes
                            $0.latencies.append(milliseconds)
                        }
                        index += concurrency
                    }
                }
            }
        }
        let wall = (ContinuousClock.now - started).inSeconds
        sampler.cancel()
        _ = await sampler.value
        let cpu = await replicaCPU() - cpuBefore
        let after = try await database.counters()
        let result = tally.withLockedValue { $0 }
        let latencies = result.latencies.sorted()
        let samples = connections.withLockedValue { $0 }
        return HighAvailabilityReport.Throughput(
            route: route.rawValue, replicas: urls.count, concurrency: concurrency, seconds: wall, requests: result.ok,
            failed: result.failed, failures: result.failures, requestsPerSecond: Double(result.ok) / wall, megabytesPerSecond: Double(result.bytes) / wall / 1e6,
            latencyP50Milliseconds: Percentile.of(latencies, 0.5), latencyP99Milliseconds: Percentile.of(latencies, 0.99),
            replicaCPUCores: cpu / wall,
            postgres: .init(from: before, to: after, seconds: wall, connections: samples))
    }

    /// Sends one request; the failure is the answer's status or the error, nil when it succeeded.
    private func send(_ route: Route, index: Int) async -> (failure: String?, bytes: Int) {
        let base = urls[index % urls.count]
        var request: HTTPClientRequest
        switch route {
        case .listDevices:
            request = HTTPClientRequest(url: base + "/api/v1/devices")
        case .labelDevice:
            let device = devices[index % max(1, devices.count)]
            request = HTTPClientRequest(url: base + "/api/v1/devices/" + device.rawValue)
            request.method = .PATCH
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"labels": {"bench-load": "\#(index)"}}"#))
        }
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 30)
            return (response.status.code < 300 ? nil : "HTTP \(response.status.code)", body.readableBytes)
        } catch {
            return (String(describing: error), 0)
        }
    }
}
