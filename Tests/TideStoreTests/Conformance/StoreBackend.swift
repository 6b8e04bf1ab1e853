import Foundation
import Logging
import PostgresNIO
import Testing
import TideModel
import TideStore
import TidePostgresStore

/// The backends the conformance suite runs against: SQLite always; PostgreSQL when
/// `TIDE_TEST_POSTGRES` holds a URL (`scripts/postgres-env` starts a throwaway cluster and sets
/// it). With `TIDE_REQUIRE_POSTGRES=1` (set by that script, so by the test phase in CI) a missing
/// URL fails every PostgreSQL case instead of leaving them out.
enum StoreBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let urlVariable = "TIDE_TEST_POSTGRES"
    static let requireVariable = "TIDE_REQUIRE_POSTGRES"

    static var all: [StoreBackend] {
        let environment = ProcessInfo.processInfo.environment
        let wanted = environment[urlVariable].map { !$0.isEmpty } ?? false
        return wanted || environment[requireVariable] == "1" ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }

    /// The pool's own messages (a connection closed as a test's pool stops) only from warnings up.
    static var quietLogger: Logger {
        var logger = Logger(label: "tide.store.postgres.test")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` against a fresh, migrated store of this backend, removed afterwards.
    func withStore(_ body: (any FleetStore) async throws -> Void) async throws {
        switch self {
        case .sqlite:
            let path = StoreTests.temporaryPath()
            defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
            try await body(try TideStore(path: path))
        case .postgres:
            try await PostgresTestDatabase.withFresh { url in
                try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { store in try await body(store) }
            }
        }
    }
}

/// A database per test, created with a random name through the URL's own database (the admin
/// connection) and dropped after the test, passed or failed.
enum PostgresTestDatabase {
    static func adminURL() throws -> PostgresURL {
        guard let text = ProcessInfo.processInfo.environment[StoreBackend.urlVariable], !text.isEmpty else {
            throw MissingPostgres()
        }
        return try PostgresURL(text)
    }

    struct MissingPostgres: Error, CustomStringConvertible {
        var description: String {
            "\(StoreBackend.requireVariable)=1 but \(StoreBackend.urlVariable) is not set: run the suite through "
                + "scripts/postgres-env (e.g. scripts/postgres-env swift test --skip-build --filter StoreConformance)"
        }
    }

    /// Runs `body` with the URL of a new empty database.
    static func withFresh(_ body: (PostgresURL) async throws -> Void) async throws {
        let admin = try adminURL()
        let name = "tide_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await withConnection(admin) { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: StoreBackend.quietLogger)
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
            try await connection.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: StoreBackend.quietLogger)
        }
    }

    /// One connection to `url` (no pool) for the duration of `body`.
    static func withConnection(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try url.connectionConfiguration(), id: 1, logger: StoreBackend.quietLogger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }
}
