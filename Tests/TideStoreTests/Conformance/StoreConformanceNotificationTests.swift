import Foundation
import PostgresNIO
import Testing
import TideModel
import TidePostgresStore
import TideStore
@testable import TideTesting

/// Event notifications on PostgreSQL: every replica hears of an event committed by any replica,
/// also after its listening connection was killed.
@Suite("StoreConformance: event notifications (PostgreSQL)", .enabled(if: StoreBackend.all.contains(.postgres)))
struct StoreConformanceNotificationTests {
    /// What a consumer of the stream received, for the test to wait on.
    actor Received {
        private(set) var ids: [Int64] = []

        func add(_ id: Int64) { ids.append(id) }

        /// Waits until an id satisfies `condition`; false after `timeout`.
        func wait(for timeout: Duration = .seconds(15), until condition: (Int64) -> Bool) async -> Bool {
            let end = ContinuousClock.now + timeout
            while ContinuousClock.now < end {
                if ids.contains(where: condition) { return true }
                try? await Task.sleep(for: .milliseconds(20))
            }
            return ids.contains(where: condition)
        }

        func clear() { ids = [] }
    }

    static func event(_ message: String) -> NewFleetEvent {
        StoreConformanceTests.event(.deviceRegistered, "dev-1", message)
    }

    /// The backends listening with Tide's application name on `url`'s database.
    static func listeners(_ url: PostgresURL) async throws -> [Int32] {
        var pids: [Int32] = []
        try await PostgresTestDatabase.withConnection(url) { connection in
            pids = try await connection.query(
                """
                SELECT pid FROM pg_stat_activity
                WHERE application_name = \(PostgresFleetStore.eventListenerApplicationName) AND datname = current_database()
                """, logger: StoreBackend.quietLogger
            ).collect().map { try $0.decode(Int32.self) }
        }
        return pids
    }

    static func waitForListeners(_ url: PostgresURL, count: Int) async throws -> [Int32] {
        let end = ContinuousClock.now + .seconds(15)
        var pids = try await listeners(url)
        while pids.count != count, ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(50))
            pids = try await listeners(url)
        }
        return pids
    }

    @Test("an event committed by one replica wakes the other; after its connection is killed it reconnects, re-announces the newest id and still delivers; cancelling ends it")
    func notifications() async throws {
        try await PostgresTestDatabase.withFresh { url in
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { writer in
                try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { reader in
                    let first = try await writer.append(Self.event("before listening"))
                    let received = Received()
                    let consumer = Task {
                        for await id in reader.eventNotifications() { await received.add(id) }
                    }
                    defer { consumer.cancel() }

                    // Once listening, the newest id is announced: a reader catches up from there.
                    #expect(await received.wait { $0 == first.id })
                    let second = try await writer.append(Self.event("while listening"))
                    #expect(await received.wait { $0 == second.id })

                    // Events of a rolled-back transaction are never announced.
                    await #expect(throws: StoreError.self) {
                        try await writer.publish(
                            StoreConformanceRecordsTests.version("fibo", "1.0.0"), files: StoreConformanceRecordsTests.files("fibo", "1.0.0"),
                            event: Self.event("published"))
                        try await writer.publish(
                            StoreConformanceRecordsTests.version("fibo", "1.0.0"), files: [], event: Self.event("conflict"))
                    }
                    let published = try await writer.latestEventID()
                    #expect(await received.wait { $0 == published })
                    try await Task.sleep(for: .milliseconds(200))
                    #expect(await received.ids.allSatisfy { $0 <= published })

                    let killed = try await Self.waitForListeners(url, count: 1)
                    #expect(killed.count == 1)
                    await received.clear()
                    try await PostgresTestDatabase.withConnection(url) { connection in
                        _ = try await connection.query(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = \(killed.first ?? 0)",
                            logger: StoreBackend.quietLogger
                        ).collect()
                    }
                    // Reconnected: the newest id again (so a reader re-reads what it may have missed).
                    #expect(await received.wait { $0 == published })
                    let relistening = try await Self.waitForListeners(url, count: 1)
                    #expect(relistening.count == 1 && relistening != killed)
                    let third = try await writer.append(Self.event("after reconnecting"))
                    #expect(await received.wait { $0 == third.id })

                    consumer.cancel()
                    #expect(try await Self.waitForListeners(url, count: 0).isEmpty)
                }
            }
        }
    }

    @Test("events written in one transaction are all announced, after the commit")
    func transactionEvents() async throws {
        try await PostgresTestDatabase.withFresh { url in
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { store in
                try await store.append(Self.event("first"))
                let received = Received()
                let consumer = Task {
                    for await id in store.eventNotifications() { await received.add(id) }
                }
                defer { consumer.cancel() }
                #expect(await received.wait { $0 == 1 })
                let saved = try await store.save(
                    StoreConformanceRecordsTests.deployment("lobby"), events: [Self.event("applied"), Self.event("active")])
                #expect(await received.wait { $0 == saved.last?.id })
            }
        }
    }
}
