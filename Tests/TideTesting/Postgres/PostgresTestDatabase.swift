import Foundation
import Logging
import PostgresNIO
import TidePostgresStore

/// A database per test, created with a random name through the URL's own database (the admin
/// connection) and dropped after the test, passed or failed.
enum PostgresTestDatabase {
    /// The admin URL of a throwaway cluster (`scripts/postgres-env` sets it).
    static let urlVariable = "TIDE_TEST_POSTGRES"
    /// Set to 1 by `scripts/postgres-env`: PostgreSQL tests fail, not skip, without the URL.
    static let requireVariable = "TIDE_REQUIRE_POSTGRES"

    /// Whether PostgreSQL tests run: the URL is set, or it is required (then they fail without it).
    static var wanted: Bool {
        let environment = ProcessInfo.processInfo.environment
        return !(environment[urlVariable] ?? "").isEmpty || environment[requireVariable] == "1"
    }

    /// The pool's own messages (a connection closed as a test's pool stops) only from warnings up.
    static var quietLogger: Logger {
        var logger = Logger(label: "tide.store.postgres.test")
        logger.logLevel = .warning
        return logger
    }

    static func adminURL() throws -> PostgresURL {
        guard let text = ProcessInfo.processInfo.environment[urlVariable], !text.isEmpty else {
            throw MissingPostgres()
        }
        return try PostgresURL(text)
    }

    struct MissingPostgres: Error, CustomStringConvertible {
        var description: String {
            "\(requireVariable)=1 but \(urlVariable) is not set: run the suite through "
                + "scripts/postgres-env (e.g. scripts/postgres-env swift test --skip-build --filter StoreConformance)"
        }
    }

    /// Runs `body` with the URL of a new empty database.
    static func withFresh(_ body: (PostgresURL) async throws -> Void) async throws {
        let admin = try adminURL()
        let name = "tide_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await withConnection(admin) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: quietLogger)
        }
        do {
            try await body(admin.with(database: String(name)))
        } catch {
            try? await drop(String(name), admin: admin)
            throw error
        }
        try await drop(String(name), admin: admin)
    }

    static func drop(_ name: String, admin: PostgresURL) async throws {
        try await withConnection(admin) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: quietLogger)
        }
    }

    /// One connection to `url` (no pool) for the duration of `body`.
    static func withConnection(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try url.connectionConfiguration(), id: 1, logger: quietLogger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
