import Foundation
import PostgresNIO
import Testing
import TidePostgresStore
import TideStore
@testable import TideTesting

/// A replica's presence lock on PostgreSQL: when the process holding it goes (its session ends),
/// the others drop it from the live replicas at once instead of after the live window.
@Suite("StoreConformance: replica presence (PostgreSQL)", .enabled(if: StoreBackend.all.contains(.postgres)))
struct StoreConformancePresenceTests {
    static let started = Date(timeIntervalSince1970: 1_800_000_000.5)
    static let longWindow: Duration = .seconds(30)

    static func replica(_ id: String, port: Int) throws -> ReplicaInfo {
        ReplicaInfo(id: try ReplicaID(id), url: "http://127.0.0.1:\(port)", started: started)
    }

    /// Whether `id`'s row says it holds its presence lock.
    static func recordsPresence(_ id: String, url: PostgresURL) async throws -> Bool {
        var present = false
        try await PostgresTestDatabase.withConnection(url) { connection in
            present = try await connection.query("SELECT presence FROM tide_replica WHERE id = \(id)", logger: StoreBackend.quietLogger)
                .collect().first?.decode(Bool.self) ?? false
        }
        return present
    }

    /// Heartbeats `replica` through `store` until its row records the presence lock held.
    static func heartbeatUntilPresent(_ replica: ReplicaInfo, through store: PostgresFleetStore, url: PostgresURL) async throws {
        let end = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < end {
            try await store.heartbeat(replica)
            if try await recordsPresence(replica.id.rawValue, url: url) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("replica \(replica.id) did not take its presence lock within 15 s")
    }

    /// Polls `store.liveReplicas` until it lists `expected`; returns what it listed last.
    static func waitForLive(_ expected: [String], from store: PostgresFleetStore) async throws -> [String] {
        let end = ContinuousClock.now + .seconds(15)
        var live = try await store.liveReplicas(within: longWindow).map(\.id.rawValue)
        while live != expected, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(20))
            live = try await store.liveReplicas(within: longWindow).map(\.id.rawValue)
        }
        return live
    }

    @Test("a replica whose session ends drops out of the live replicas at once, though its heartbeat is recent; an observer without a lock of its own judges by heartbeats")
    func sessionEnds() async throws {
        try await PostgresTestDatabase.withFresh { url in
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { second in
                let a = try Self.replica("replica-a", port: 8081)
                let b = try Self.replica("replica-b", port: 8082)
                try await Self.heartbeatUntilPresent(b, through: second, url: url)
                try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { first in
                    try await Self.heartbeatUntilPresent(a, through: first, url: url)
                    #expect(try await second.liveReplicas(within: Self.longWindow).map(\.id.rawValue) == ["replica-a", "replica-b"])
                    #expect(try await first.liveReplicas(within: Self.longWindow).map(\.id.rawValue) == ["replica-a", "replica-b"])
                }
                // replica-a's process is gone: its pool and presence connection are closed.
                #expect(try await Self.waitForLive(["replica-b"], from: second) == ["replica-b"])
                #expect(try await Self.recordsPresence("replica-a", url: url))
                let seen = try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { observer in
                    try await observer.liveReplicas(within: Self.longWindow).map(\.id.rawValue)
                }
                #expect(seen == ["replica-a", "replica-b"])
                // Heard of again, without its lock (say its presence connection cannot connect yet).
                try await PostgresTestDatabase.withConnection(url) { connection in
                    _ = try await connection.query("UPDATE tide_replica SET presence = false WHERE id = 'replica-a'", logger: StoreBackend.quietLogger).collect()
                }
                #expect(try await second.liveReplicas(within: Self.longWindow).map(\.id.rawValue) == ["replica-a", "replica-b"])
            }
        }
    }

    @Test("a presence connection that is killed is opened again and the lock taken again; the replica is live again from its next heartbeat")
    func connectionKilled() async throws {
        try await PostgresTestDatabase.withFresh { url in
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { first in
                try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { second in
                    let a = try Self.replica("replica-a", port: 8081)
                    let b = try Self.replica("replica-b", port: 8082)
                    try await Self.heartbeatUntilPresent(a, through: first, url: url)
                    try await Self.heartbeatUntilPresent(b, through: second, url: url)
                    var killed: [Int32] = []
                    try await PostgresTestDatabase.withConnection(url) { connection in
                        killed = try await connection.query(
                            """
                            SELECT pid FROM pg_stat_activity WHERE application_name = \(PostgresFleetStore.presenceApplicationName)
                            AND datname = current_database() AND pid IN (
                                SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = (hashtext('replica-a') & 2147483647)::int8::oid)
                            """, logger: StoreBackend.quietLogger
                        ).collect().map { try $0.decode(Int32.self) }
                        for pid in killed {
                            _ = try await connection.query("SELECT pg_terminate_backend(\(pid))", logger: StoreBackend.quietLogger).collect()
                        }
                    }
                    #expect(killed.count == 1)
                    #expect(try await Self.waitForLive(["replica-b"], from: second) == ["replica-b"])
                    // Its next heartbeat says whether it holds the lock; once it does again, it is live by it.
                    try await Self.heartbeatUntilPresent(a, through: first, url: url)
                    #expect(try await second.liveReplicas(within: Self.longWindow).map(\.id.rawValue) == ["replica-a", "replica-b"])
                }
            }
        }
    }
}
