import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import TideModel

/// Posts a heartbeat to `<orchestrator>/file/device/heartbeat` every interval while an
/// orchestrator is known. Failures are logged at most once a minute and never stop the supervisor.
struct HeartbeatService: Service {
    let link: OrchestratorLink
    let client: HTTPClient
    let interval: Duration
    let logger: Logger
    let beat: @Sendable () async -> Heartbeat

    func run() async throws {
        guard interval > .zero else {
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            var lastComplaint: ContinuousClock.Instant?
            while !Task.isCancelled {
                if let url = await link.url {
                    do {
                        try await send(await beat(), to: url)
                    } catch {
                        let now = ContinuousClock.now
                        if lastComplaint.map({ now - $0 >= .seconds(60) }) ?? true {
                            lastComplaint = now
                            logger.warning("heartbeat to \(url) failed (repeats are silent for a minute): \(error)")
                        }
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func send(_ heartbeat: Heartbeat, to base: String) async throws {
        var request = HTTPClientRequest(url: base + "/file/device/heartbeat")
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try TideJSON.encoder().encode(heartbeat)))
        let timeout = max(1, Int64(interval.components.seconds))
        let response = try await client.execute(request, timeout: .seconds(timeout))
        _ = try await response.body.collect(upTo: 64 << 10)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw HeartbeatFailure(status: Int(response.status.code))
        }
    }
}

struct HeartbeatFailure: Error, CustomStringConvertible {
    let status: Int
    var description: String { "the orchestrator answered HTTP \(status)" }
}
