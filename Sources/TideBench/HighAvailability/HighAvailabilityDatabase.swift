import Foundation
import Logging
import PostgresNIO
import TidePostgresStore

/// The benchmark's own PostgreSQL database: created empty through the admin URL, dropped at the
/// end, and read for `pg_stat_database` / `pg_stat_activity` figures while the replicas use it.
struct HighAvailabilityDatabase: Sendable {
    let admin: PostgresURL
    let name: String

    /// The URL the replicas get: the new database, same credentials.
    var url: String {
        let password = admin.password.map { ":\($0)" } ?? ""
        return "postgres://\(admin.username)\(password)@\(admin.host):\(admin.port)/\(name)?sslmode=\(admin.tls.rawValue)"
    }

    static func create(admin text: String) async throws -> HighAvailabilityDatabase {
        let admin: PostgresURL
        do { admin = try PostgresURL(text) } catch {
            throw BenchFailure("--datastore \(text): not a PostgreSQL URL (\(error)); run through scripts/postgres-env and pass $TIDE_TEST_POSTGRES")
        }
        let name = "tide_habench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let database = HighAvailabilityDatabase(admin: admin, name: String(name))
        do {
            try await database.adminQuery("CREATE DATABASE \(name)")
        } catch {
            throw BenchFailure("cannot create database \(name) through \(admin): \(String(reflecting: error)) (the role needs CREATEDB)")
        }
        return database
    }

    func drop() async {
        try? await adminQuery("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Cumulative counters of this database, and its open connections.
    struct Counters: Sendable {
        var commits: Int64 = 0
        var rollbacks: Int64 = 0
        var tuplesFetched: Int64 = 0
        var tuplesReturned: Int64 = 0
        var tuplesWritten: Int64 = 0
        var blocksHit: Int64 = 0
        var blocksRead: Int64 = 0
        var connections = 0
    }

    /// Reads the counters; the statistics snapshot is cleared first so that the numbers are current.
    func counters() async throws -> Counters {
        var counters = Counters()
        try await withConnection { connection in
            _ = try await connection.query("SELECT pg_stat_clear_snapshot()", logger: Self.logger)
            let rows = try await connection.query(
                """
                SELECT xact_commit, xact_rollback, tup_fetched, tup_returned, tup_inserted + tup_updated + tup_deleted,
                       blks_hit, blks_read, (SELECT count(*) FROM pg_stat_activity WHERE datname = \(name)) :: bigint
                FROM pg_stat_database WHERE datname = \(name)
                """, logger: Self.logger)
            for try await (commits, rollbacks, fetched, returned, written, hit, read, connections)
                in rows.decode((Int64, Int64, Int64, Int64, Int64, Int64, Int64, Int64).self)
            {
                counters = Counters(
                    commits: commits, rollbacks: rollbacks, tuplesFetched: fetched, tuplesReturned: returned, tuplesWritten: written,
                    blocksHit: hit, blocksRead: read, connections: Int(connections))
            }
        }
        return counters
    }

    /// The newest event id of the benchmark's database (0 when there is none).
    func lastEventID() async throws -> Int64 {
        var last: Int64 = 0
        try await withConnection(database: true) { connection in
            let rows = try await connection.query("SELECT coalesce(max(id), 0) :: bigint FROM event", logger: Self.logger)
            for try await id in rows.decode(Int64.self) { last = id }
        }
        return last
    }

    /// Events after `id`, counted by kind.
    func eventKinds(after id: Int64) async throws -> [String: Int] {
        var kinds: [String: Int] = [:]
        try await withConnection(database: true) { connection in
            let rows = try await connection.query(
                "SELECT kind, count(*) :: bigint FROM event WHERE id > \(id) GROUP BY kind", logger: Self.logger)
            for try await (kind, count) in rows.decode((String, Int64).self) { kinds[kind] = Int(count) }
        }
        return kinds
    }

    private func adminQuery(_ sql: String) async throws {
        try await withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
        }
    }

    /// `database`: connect to the benchmark's database rather than the admin URL's.
    private func withConnection(database: Bool = false, _ body: (PostgresConnection) async throws -> Void) async throws {
        var configuration = try admin.connectionConfiguration()
        if database { configuration.database = name }
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 2, logger: Self.logger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    private static var logger: Logger {
        var logger = Logger(label: "tide.bench.ha.postgres")
        logger.logLevel = .warning
        return logger
    }
}
