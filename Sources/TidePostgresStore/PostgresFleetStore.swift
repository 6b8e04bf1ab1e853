import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import TideModel
import TideStore

/// Tide's store on PostgreSQL, for several `tide server` replicas sharing one database. Same
/// interface (`FleetStore`), schema, migration ids and JSON text as the SQLite store.
///
/// The store talks through a `PostgresClient` (a connection pool) that only works while its
/// `run()` is running. The caller owns that task:
/// - in a server, add the store to the `ServiceGroup` (it is a `Service`), then call `migrate()`
///   before the first use;
/// - in a tool or a test, `PostgresFleetStore.withStore(url:) { store in ... }` runs the pool,
///   migrates, calls the body and stops the pool when the body returns or throws.
///
/// Concurrency: every write that records events takes the event-log lock (a transaction-level
/// advisory lock) before its first event, so event ids are assigned in commit order and a reader
/// resuming after id N never misses an event committed later with a smaller id.
public final class PostgresFleetStore: FleetStore, Service {
    public let url: PostgresURL
    let client: PostgresClient
    let logger: Logger
    /// The session lock that tells the other replicas this one's process lives.
    let presence: ReplicaPresence

    /// Creates the pool for `url` (nothing connects before `run()`). The logger gets the pool's
    /// background messages; it never sees the password.
    public init(url: PostgresURL, logger: Logger = Logger(label: "tide.store.postgres")) {
        self.url = url
        self.logger = logger
        client = PostgresClient(configuration: url.clientConfiguration, backgroundLogger: logger)
        presence = ReplicaPresence(url: url, logger: logger)
    }

    /// Parses `url` (see `PostgresURL`) and creates the pool.
    public convenience init(url text: String, logger: Logger = Logger(label: "tide.store.postgres")) throws(StoreError) {
        self.init(url: try PostgresURL(text), logger: logger)
    }

    /// Runs the connection pool (and, once a replica heartbeats through this store, its presence
    /// connection) until the task is cancelled or the service group shuts down. Call once.
    public func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.presence.run() }
            await client.run()
            group.cancelAll()
        }
    }

    /// Runs the pool for the duration of `body`, with the schema migrated first.
    public static func withStore<Result: Sendable>(
        url: PostgresURL, logger: Logger = Logger(label: "tide.store.postgres"),
        _ body: (PostgresFleetStore) async throws -> Result
    ) async throws -> Result {
        let store = PostgresFleetStore(url: url, logger: logger)
        // Detached, so that a graceful shutdown of the caller's services does not reach the pool:
        // they still read and write as they stop. The pool stops when the body has returned.
        let pool = Task.detached { await store.run() }
        defer { pool.cancel() }
        try await store.migrate()
        return try await body(store)
    }

    // MARK: Plumbing

    /// Runs `body` on one pooled connection, outside a transaction (single-statement reads).
    func read<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do {
            return try await client.withConnection { connection in try await body(connection) }
        } catch {
            throw PostgresFailure.storeError(error, operation: operation)
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func write<T: Sendable>(_ operation: String, _ body: (PostgresConnection) async throws -> T) async throws(StoreError) -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch {
            throw PostgresFailure.storeError(error, operation: operation)
        }
    }

    /// Every row of `query`.
    func rows(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `query` for its effect.
    func run(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// Appends `event` inside the caller's transaction, after taking the event-log lock, and
    /// notifies its id on `eventChannel` (PostgreSQL delivers it when the transaction commits).
    func insert(_ event: NewFleetEvent, on connection: PostgresConnection) async throws -> FleetEvent {
        try await run("SELECT pg_advisory_xact_lock(hashtextextended('tide:event-log', 0))", on: connection)
        let record = try EventRecord(event)
        let inserted = try await rows(
            """
            WITH inserted AS (
                INSERT INTO event (time, kind, device_id, message, details)
                VALUES (\(StoredTime.written(record.time)), \(record.kind), \(record.deviceId), \(record.message), \(record.details))
                RETURNING id)
            SELECT inserted.id FROM inserted, LATERAL pg_notify(\(Self.eventChannel), inserted.id::text)
            """, on: connection)
        guard let id = try inserted.first?.decode(Int64.self) else { throw StoreError.corrupt("inserting an event returned no id") }
        return try EventRecord(
            id: id, time: record.time, kind: record.kind, deviceId: record.deviceId, message: record.message, details: record.details
        ).event()
    }
}

/// Times are kept to the millisecond, as the SQLite store keeps them (GRDB writes milliseconds),
/// so a value reads back equal from either backend.
enum StoredTime {
    static func written(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }

    static func read(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
