import Hummingbird
import Logging
import Synchronization
import TideHTTP

/// A server (supervisor, file server, fake device) running in this process on a free port.
struct RunningServer: Sendable {
    let port: Int
    let task: Task<Void, any Error>
    var base: String { "http://127.0.0.1:\(port)" }

    /// Idempotent: the test scope stops it again at the end of the test.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}


/// Starts `body` (a server's run) and returns once it reports its port.
func startServer(_ run: @escaping @Sendable (@escaping @Sendable (Int) async -> Void) async throws -> Void) async throws
    -> RunningServer
{
    let (stream, continuation) = AsyncStream<Int>.makeStream()
    let failure = Mutex<String?>(nil)
    let task = Task {
        do {
            try await run { port in continuation.yield(port) }
        } catch {
            failure.withLock { $0 = "\(error)" }
            continuation.finish()
            throw error
        }
        continuation.finish()
    }
    for await port in stream {
        let server = RunningServer(port: port, task: task)
        TestScope.adopt("a server on port \(port)") { await server.stop() }
        return server
    }
    throw HarnessError(failure.withLock { $0 } ?? "the server stopped before it ran")
}


/// Serves the router `makeRouter` builds on 127.0.0.1 at a free port, in this process.
func startServer(
    logger: Logger = testLogger, router makeRouter: @escaping @Sendable () -> Router<BasicRequestContext>
) async throws -> RunningServer {
    try await startServer { onRunning in
        let app = Application(
            router: makeRouter(), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
        try await GracefulServiceGroup.run(app, logger: logger)
    }
}
