import Foundation
import Logging
import PostgresNIO
import TideStore

extension PostgresFleetStore {
    /// The channel each committed event's id is notified on.
    public static let eventChannel = "tide_events"
    /// The `application_name` of the listening connection, as `pg_stat_activity` shows it.
    public static let eventListenerApplicationName = "tide-event-listener"
    /// The `application_name` of the connection holding a replica's presence lock.
    public static let presenceApplicationName = "tide-replica-presence"

    /// Wake-ups for readers of the event log: the id of a newly committed event, from every
    /// replica writing to this database. A reader treats each as a reason to read
    /// `events(afterID:)`; ids may be coalesced (only the newest is kept while the reader is busy)
    /// or lost, which is harmless for such a reader.
    ///
    /// Listens on a dedicated connection (not the pool), checked with a query every 5 s. When the
    /// connection is lost it reconnects with a backoff (0.1 s doubling to 5 s), and once listening
    /// again yields the newest event id, so a reader catches up with what it missed. It also does
    /// so on the first connection. The stream ends when the consuming task is cancelled.
    public func eventNotifications() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let listener = EventListener(url: url, logger: logger)
        let task = Task { await listener.run(yielding: continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// The listening loop behind `eventNotifications()`.
struct EventListener: Sendable {
    var url: PostgresURL
    var logger: Logger
    var firstRetry: Duration = .milliseconds(100)
    var lastRetry: Duration = .seconds(5)

    func run(yielding continuation: AsyncStream<Int64>.Continuation) async {
        var retry = firstRetry
        var wasLost = false
        while !Task.isCancelled {
            let outcome = await listenOnce(yielding: continuation, afterLoss: wasLost)
            guard !Task.isCancelled else { break }
            if outcome.listened { retry = firstRetry }
            if outcome.listened || !wasLost {
                logger.warning(
                    "event notifications: lost the PostgreSQL connection, reconnecting",
                    metadata: ["reason": "\(outcome.reason)", "datastore": "\(url)"])
            }
            wasLost = true
            // A random part keeps replicas from reconnecting in step after a restart of PostgreSQL.
            try? await Task.sleep(for: retry * Double.random(in: 0.5...1.0))
            retry = min(retry * 2, lastRetry)
        }
        continuation.finish()
    }

    struct Outcome {
        /// Whether LISTEN had succeeded before the connection ended.
        var listened: Bool
        var reason: String
    }

    /// Connects, listens, yields the newest id, then every notified id until the connection
    /// fails (or the task is cancelled).
    func listenOnce(yielding continuation: AsyncStream<Int64>.Continuation, afterLoss: Bool) async -> Outcome {
        let dedicated = DedicatedConnection(url: url, applicationName: PostgresFleetStore.eventListenerApplicationName, logger: logger)
        let connection: PostgresConnection
        do {
            connection = try await dedicated.connect()
        } catch {
            return Outcome(listened: false, reason: PostgresFailure.reason(error))
        }
        var listened = false
        var reason = "the connection closed"
        do {
            try await connection.listen(on: PostgresFleetStore.eventChannel) { notifications in
                listened = true
                let latest = try await connection.query("SELECT COALESCE(MAX(id), 0) FROM event", logger: logger)
                    .collect().first?.decode(Int64.self) ?? 0
                if afterLoss { logger.info("event notifications: listening again", metadata: ["datastore": "\(url)"]) }
                if latest > 0 { continuation.yield(latest) }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await notification in notifications {
                            if let id = Int64(notification.payload) { continuation.yield(id) }
                        }
                    }
                    group.addTask { try await dedicated.keepAlive(connection) }
                    try await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            reason = PostgresFailure.reason(error)
        }
        try? await connection.close()
        return Outcome(listened: listened, reason: reason)
    }
}
