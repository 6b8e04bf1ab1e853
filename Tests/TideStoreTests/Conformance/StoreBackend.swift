import Foundation
import Logging
import PostgresNIO
import Testing
import TideModel
import TideStore
import TidePostgresStore
@testable import TideTesting

/// The backends the conformance suite runs against: SQLite always; PostgreSQL when
/// `TIDE_TEST_POSTGRES` holds a URL (`scripts/postgres-env` starts a throwaway cluster and sets
/// it). With `TIDE_REQUIRE_POSTGRES=1` (set by that script, so by the test phase in CI) a missing
/// URL fails every PostgreSQL case instead of leaving them out.
enum StoreBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let urlVariable = PostgresTestDatabase.urlVariable
    static let requireVariable = PostgresTestDatabase.requireVariable

    static var all: [StoreBackend] {
        let environment = ProcessInfo.processInfo.environment
        let wanted = environment[urlVariable].map { !$0.isEmpty } ?? false
        return wanted || environment[requireVariable] == "1" ? [.sqlite, .postgres] : [.sqlite]
    }

    var testDescription: String { rawValue }

    static var quietLogger: Logger { PostgresTestDatabase.quietLogger }

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
