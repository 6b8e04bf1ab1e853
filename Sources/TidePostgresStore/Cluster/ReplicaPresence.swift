import Logging
import PostgresNIO
import Synchronization
import TideStore

/// A replica's presence in the database: a session advisory lock, held on a connection of its
/// own for as long as the replica's process lives. When the process dies, its sockets close and
/// PostgreSQL ends the session and frees the lock at once, so the other replicas learn of the
/// death from `pg_locks` instead of waiting out the live window of its heartbeats.
///
/// The store holds the presence of the first replica it records a heartbeat for. Each heartbeat
/// writes whether the lock is held (`tide_replica.presence`, read from `pg_locks`): the others
/// judge a replica by its lock only while that says so, so a replica whose presence connection is
/// down (or that runs a version without one) is judged by its heartbeats alone.
final class ReplicaPresence: Sendable {
    /// Both halves of the two-key advisory lock `pg_try_advisory_lock(namespace, key)`; the key
    /// is `hashtext(id) & 2147483647` (non-negative, so it reads back equal as an oid in pg_locks).
    static let namespace: Int32 = 0x5449_4445  // "TIDE"
    /// `presence`, the keys of the presence locks held in this database: a `WITH` clause for the
    /// queries that judge replicas by them (`PostgresQuery(unescaped:)`; it holds no input).
    static let heldLocks = """
        presence AS (
            SELECT objid FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = \(namespace)::int8::oid
            AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
        """

    private let state = Mutex<ReplicaID?>(nil)
    /// The first claim, for `run()` to start on (a store used by a tool never claims).
    private let claimed = AsyncStream<ReplicaID>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let connection: DedicatedConnection
    let retry: Duration = .milliseconds(500)
    let lastRetry: Duration = .seconds(5)

    init(url: PostgresURL, logger: Logger) {
        // A session the server ends is noticed at once (the connection closes); a silent network
        // at the next ping. Until the lock is taken again, the replica's heartbeats record it as
        // not held.
        connection = DedicatedConnection(
            url: url, applicationName: PostgresFleetStore.presenceApplicationName, logger: logger, pingInterval: .seconds(1), pingTimeout: .seconds(5))
    }

    /// Makes `replica` the one this store holds the presence of, unless it holds another's.
    /// Returns whether it is `replica`'s.
    func claim(_ replica: ReplicaID) -> Bool {
        let (mine, first) = state.withLock { held -> (Bool, Bool) in
            guard held == nil else { return (held == replica, false) }
            held = replica
            return (true, true)
        }
        if first {
            claimed.continuation.yield(replica)
            claimed.continuation.finish()
        }
        return mine
    }

    /// The replica whose presence this store holds or tries to.
    var replica: ReplicaID? { state.withLock { $0 } }

    /// Waits for the first claim, then connects, takes the lock and keeps the connection alive,
    /// again after each loss, until the task is cancelled (which closes the connection and so
    /// frees the lock).
    func run() async {
        var claims = claimed.stream.makeAsyncIterator()
        guard let replica = await claims.next() else { return }
        var pause = retry
        while !Task.isCancelled {
            if await holdOnce(replica) { pause = retry }
            guard (try? await Task.sleep(for: pause * Double.random(in: 0.5...1.0))) != nil else { return }
            pause = min(pause * 2, lastRetry)
        }
    }

    /// One session: true when the lock was taken before the session ended.
    private func holdOnce(_ replica: ReplicaID) async -> Bool {
        let logger = connection.logger
        let session: PostgresConnection
        do {
            session = try await connection.connect()
        } catch {
            logger.debug("replica presence: cannot connect: \(PostgresFailure.reason(error))")
            return false
        }
        var took = false
        do {
            let rows = try await session.query(
                "SELECT pg_try_advisory_lock(\(Self.namespace), hashtext(\(replica.rawValue)) & 2147483647)", logger: logger
            ).collect()
            if try rows.first?.decode(Bool.self) == true {
                took = true
                try await connection.keepAlive(session)
            } else {
                // Another session holds it: most likely this replica's previous process, whose
                // session PostgreSQL has not ended yet.
                logger.debug("replica presence: the lock of replica \(replica) is held by another session; trying again")
            }
        } catch {
            if took { logger.info("replica presence: lost the PostgreSQL session (\(PostgresFailure.reason(error))); reconnecting") }
        }
        try? await session.close()
        return took
    }
}
