import Logging
import PostgresNIO
import Synchronization

/// A connection of its own, outside the pool, for what lives as long as a session: listening for
/// notifications, holding a session advisory lock.
struct DedicatedConnection: Sendable {
    var url: PostgresURL
    /// As `pg_stat_activity` shows it.
    var applicationName: String
    var logger: Logger
    var pingInterval: Duration = .seconds(5)
    var pingTimeout: Duration = .seconds(5)

    func connect() async throws -> PostgresConnection {
        var configuration = try url.connectionConfiguration()
        configuration.options.additionalStartupParameters = [("application_name", applicationName)]
        return try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
    }

    /// Returns (throwing) when the connection ends: it closed (the server ended the session), a
    /// ping every `pingInterval` did not answer within `pingTimeout` (a silent network, a server
    /// gone without closing), or the task was cancelled. Never returns while the connection works.
    ///
    /// A query sent on a connection that has just closed can wait for ever (PostgresNIO), so the
    /// wait does not rest on the ping: the connection's close and the ping's deadline end it too.
    func keepAlive(_ connection: PostgresConnection) async throws {
        let ended = SessionEnd()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                ended.wait(continuation)
                connection.closeFuture.whenComplete { _ in ended.finish(DedicatedConnectionError.closed) }
                let pinger = Task { [pingInterval, pingTimeout, logger] in
                    while !Task.isCancelled {
                        guard (try? await Task.sleep(for: pingInterval)) != nil else { return }
                        let watchdog = Task {
                            try await Task.sleep(for: pingTimeout)
                            ended.finish(DedicatedConnectionError.noAnswer(pingTimeout))
                        }
                        do {
                            _ = try await connection.query("SELECT 1", logger: logger).collect()
                        } catch {
                            ended.finish(error)
                        }
                        watchdog.cancel()
                    }
                }
                ended.stopWhenFinished(pinger)
            }
        } onCancel: {
            ended.finish(CancellationError())
        }
    }
}

enum DedicatedConnectionError: Error, CustomStringConvertible {
    case closed
    case noAnswer(Duration)

    var description: String {
        switch self {
        case .closed: "the connection closed"
        case .noAnswer(let timeout): "PostgreSQL did not answer a ping within \(timeout)"
        }
    }
}

/// The end of a session, reported once to whoever waits for it, whichever of its causes comes
/// first; the pinger stops then.
private final class SessionEnd: Sendable {
    private struct State {
        var waiter: CheckedContinuation<Void, any Error>?
        var pinger: Task<Void, Never>?
        var ending: (any Error)?
    }

    private let state = Mutex(State())

    func wait(_ continuation: CheckedContinuation<Void, any Error>) {
        let ending = state.withLock { state -> (any Error)? in
            if state.ending == nil { state.waiter = continuation }
            return state.ending
        }
        if let ending { continuation.resume(throwing: ending) }
    }

    func stopWhenFinished(_ pinger: Task<Void, Never>) {
        let finished = state.withLock { state -> Bool in
            if state.ending == nil { state.pinger = pinger }
            return state.ending != nil
        }
        if finished { pinger.cancel() }
    }

    func finish(_ error: any Error) {
        let (waiter, pinger) = state.withLock { state -> (CheckedContinuation<Void, any Error>?, Task<Void, Never>?) in
            guard state.ending == nil else { return (nil, nil) }
            state.ending = error
            defer { state.waiter = nil; state.pinger = nil }
            return (state.waiter, state.pinger)
        }
        pinger?.cancel()
        waiter?.resume(throwing: error)
    }
}
