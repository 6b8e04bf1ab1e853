import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TideHTTP

/// An HTTP server on 127.0.0.1 that answers `GET /slow` with a body it sends one byte every
/// `interval` (forever, or until the client goes), and `GET /endless` with `chunk`-byte pieces
/// as fast as it can, without a Content-Length. Counts the connections still sending.
final class TrickleServer: Sendable {
    let interval: Duration
    let sending = Mutex(0)
    private let running: Mutex<RunningServer?> = Mutex(nil)

    init(interval: Duration = .milliseconds(200)) {
        self.interval = interval
    }

    func start() async throws -> String {
        let interval = self.interval
        let server = try await startServer { [self] in
            let router = Router()
            router.get("slow") { _, _ -> Response in
                Response(
                    status: .ok, headers: [.contentType: "application/wasm"],
                    body: ResponseBody { writer in
                        self.sending.withLock { $0 += 1 }
                        defer { self.sending.withLock { $0 -= 1 } }
                        while true {
                            try await writer.write(ByteBuffer(bytes: [0]))
                            try await Task.sleep(for: interval)
                        }
                    })
            }
            router.get("endless") { _, _ -> Response in
                Response(
                    status: .ok, headers: [.contentType: "application/wasm"],
                    body: ResponseBody { writer in
                        let piece = ByteBuffer(bytes: [UInt8](repeating: 7, count: 16_384))
                        for _ in 0..<100_000 { try await writer.write(piece) }
                        try await writer.finish(nil)
                    })
            }
            return router
        }
        running.withLock { $0 = server }
        return server.base
    }

    func stop() async {
        if let server = running.withLock({ $0 }) { await server.stop() }
    }
}
