import Synchronization

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

