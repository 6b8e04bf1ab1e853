import AsyncHTTPClient
import Foundation
import NIOCore
import NIOSSL
import NIOConcurrencyHelpers

extension EnrollBenchmark {
    struct FleetLoad {
        var serverCPUCores: Double
        var heartbeatsAnswered: Int
        var heartbeatsFailed: Int
    }

    /// Every device sends a heartbeat a second on its own kept-alive connection (its own client,
    /// as on a real fleet); the server's CPU is measured over `seconds` once every connection is up.
    static func fleetLoad(
        server: ServerProcess, url: String, ids: [String], tls: [TLSConfiguration]?, bearer: String?, seconds: Int
    ) async throws -> FleetLoad {
        let clients = ids.indices.map { index in
            var configuration = HTTPClient.Configuration()
            configuration.timeout.connect = .seconds(10)
            if let tls { configuration.tlsConfiguration = tls[index] }
            return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        }
        let counts = NIOLockedValueBox((answered: 0, failed: 0))
        let beating = Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, id) in ids.enumerated() {
                    let client = clients[index]
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(index * 1000 / max(1, ids.count)))
                        while !Task.isCancelled {
                            let started = ContinuousClock.now
                            var request = HTTPClientRequest(url: url)
                            request.method = .POST
                            request.headers.add(name: "content-type", value: "application/json")
                            if let bearer { request.headers.add(name: "authorization", value: "Bearer \(bearer)") }
                            request.body = .bytes(ByteBuffer(string: #"{"id": "\#(id)", "health": {"cpuUsage": 0.1, "memoryUsage": 0.3}}"#))
                            if let response = try? await client.execute(request, timeout: .seconds(10)),
                                (try? await response.body.collect(upTo: 1 << 16)) != nil, response.status == .ok
                            {
                                counts.withLockedValue { $0.answered += 1 }
                            } else if !Task.isCancelled {
                                counts.withLockedValue { $0.failed += 1 }
                            }
                            try? await Task.sleep(until: started + .seconds(1), clock: .continuous)
                        }
                    }
                }
            }
        }
        // Three seconds for every connection (and its handshake) to be up before measuring.
        try await Task.sleep(for: .seconds(3))
        let before = counts.withLockedValue { $0 }
        let cpuBefore = server.cpuSeconds()
        let started = ContinuousClock.now
        try await Task.sleep(for: .seconds(seconds))
        let cores = (server.cpuSeconds() - cpuBefore) / (ContinuousClock.now - started).inSeconds
        let after = counts.withLockedValue { $0 }
        let load = FleetLoad(
            serverCPUCores: cores, heartbeatsAnswered: after.answered - before.answered, heartbeatsFailed: after.failed - before.failed)
        beating.cancel()
        await beating.value
        for client in clients { try? await client.shutdown() }
        return load
    }
}
