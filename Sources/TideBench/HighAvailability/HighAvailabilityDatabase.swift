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

    private func adminQuery(_ sql: String) async throws {
        try await withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger)
        }
    }

    private func withConnection(_ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(configuration: try admin.connectionConfiguration(), id: 2, logger: Self.logger)
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
