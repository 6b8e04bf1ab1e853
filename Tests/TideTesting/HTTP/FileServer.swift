import Hummingbird
import NIOCore
import Synchronization
import TideHTTP

/// Serves fixed files at `/<name>` and counts the requests for each.
final class FileServer: Sendable {
    let files: Mutex<[String: [UInt8]]>
    let hits = Mutex<[String: Int]>([:])
    private let running: Mutex<RunningServer?> = Mutex(nil)

    init(_ files: [String: [UInt8]]) {
        self.files = Mutex(files)
    }

    func start() async throws -> String {
        let server = try await startServer { [self] in
            let router = Router()
            router.get("{name}") { _, context -> Response in
                let name = context.parameters.get("name") ?? ""
                self.hits.withLock { $0[name, default: 0] += 1 }
                guard let bytes = self.files.withLock({ $0[name] }) else { return Response(status: .notFound) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
            }
            return router
        }
        running.withLock { $0 = server }
        return server.base
    }

    func stop() async {
        if let server = running.withLock({ $0 }) { await server.stop() }
    }

    func hitCount(_ name: String) -> Int { hits.withLock { $0[name] ?? 0 } }
}

