import Foundation
import Testing
import TideModel
import TidePostgresStore
import TideStore
@testable import TideTesting

/// The leader lease, fencing and replica membership on PostgreSQL: two replicas, each with its
/// own connection pool, on one database.
@Suite("StoreConformance: cluster lease, fencing, membership (PostgreSQL)", .enabled(if: StoreBackend.all.contains(.postgres)))
struct StoreConformanceClusterTests {
    /// Long enough that two calls in a row never outlast it on a loaded machine.
    static let ttl: Duration = .seconds(3)

    /// Two stores (replicas) on one fresh database.
    static func withTwoReplicas(_ body: (PostgresFleetStore, PostgresFleetStore) async throws -> Void) async throws {
        try await PostgresTestDatabase.withFresh { url in
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { first in
                try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { second in
                    try await body(first, second)
                }
            }
        }
    }

    static func event(_ message: String) -> NewFleetEvent {
        StoreConformanceTests.event(.deploymentApplied, nil, message)
    }

    static func fencedMessage(_ error: StoreError?) -> String? {
        guard case .fenced(let message) = error else { return nil }
        return message
    }

    @Test("the lease: taken in term 1, seen held by the other, renewed in the same term, taken over after expiry in term 2")
    func leaseTerms() async throws {
        try await Self.withTwoReplicas { first, second in
            let a = try ReplicaID("replica-a")
            let b = try ReplicaID("replica-b")
            #expect(try await first.currentLease() == nil)

            let sent = ContinuousClock.now
            let taken = try await first.acquireOrRenewLease(for: a, ttl: Self.ttl)
            let received = ContinuousClock.now
            #expect(taken.holder == a && taken.isMine && taken.term == 1)
            let deadline = try #require(taken.localDeadline)
            #expect(deadline >= sent + Self.ttl * 4 / 5 && deadline <= received + Self.ttl * 4 / 5)

            let seen = try await second.acquireOrRenewLease(for: b, ttl: Self.ttl)
            #expect(seen.holder == a && !seen.isMine && seen.term == 1 && seen.localDeadline == nil && seen.fence == nil)

            let renewed = try await first.acquireOrRenewLease(for: a, ttl: Self.ttl)
            #expect(renewed.isMine && renewed.term == 1 && renewed.expiresAt >= taken.expiresAt)
            let current = try await second.currentLease()
            #expect(current?.holder == a && current?.term == 1 && current?.isMine == false)

            try await Task.sleep(for: Self.ttl + .milliseconds(100))
            #expect(try await second.currentLease()?.holder == nil)
            let takenOver = try await second.acquireOrRenewLease(for: b, ttl: .seconds(30))
            #expect(takenOver.holder == b && takenOver.isMine && takenOver.term == 2)
            let lost = try await first.acquireOrRenewLease(for: a, ttl: Self.ttl)
            #expect(lost.holder == b && !lost.isMine && lost.term == 2)
        }
    }

    @Test("fencing: a deposed leader's save and delete are refused and write nothing; the new leader's go through")
    func fencedWrites() async throws {
        try await Self.withTwoReplicas { first, second in
            let a = try ReplicaID("replica-a")
            let b = try ReplicaID("replica-b")
            let oldFence = try #require(try await first.acquireOrRenewLease(for: a, ttl: Self.ttl).fence)
            let written = try await first.saveFenced(
                StoreConformanceRecordsTests.deployment("lobby"), events: [Self.event("applied by a")], fence: oldFence)
            #expect(written.map(\.message) == ["applied by a"])

            try await Task.sleep(for: Self.ttl + .milliseconds(100))
            // Expired, nobody else holds it yet: refused all the same.
            let expired = await #expect(throws: StoreError.self) {
                try await first.saveFenced(StoreConformanceRecordsTests.deployment("attic"), events: [Self.event("late")], fence: oldFence)
            }
            #expect(Self.fencedMessage(expired) == "replica replica-a no longer leads (term 1, now term 1, held by nobody: the lease expired or was released): write refused")

            let newFence = try #require(try await second.acquireOrRenewLease(for: b, ttl: .seconds(30)).fence)
            #expect(newFence == LeaseFence(replica: b, term: 2))
            let before = try await first.latestEventID()
            let refused = await #expect(throws: StoreError.self) {
                try await first.saveFenced(
                    StoreConformanceRecordsTests.deployment("lobby", generation: 7), events: [Self.event("stale 1"), Self.event("stale 2")],
                    fence: oldFence)
            }
            #expect(Self.fencedMessage(refused) == "replica replica-a no longer leads (term 1, now term 2 held by replica-b): write refused")
            #expect(refused?.description == Self.fencedMessage(refused))
            let deleteRefused = await #expect(throws: StoreError.self) {
                try await first.deleteDeploymentFenced("lobby", event: Self.event("stale delete"), fence: oldFence)
            }
            #expect(Self.fencedMessage(deleteRefused)?.contains("now term 2 held by replica-b") == true)
            #expect(try await second.deployments() == [StoreConformanceRecordsTests.deployment("lobby")])
            #expect(try await second.latestEventID() == before)

            // Same replica, a fence of another term: refused too.
            let wrongTerm = await #expect(throws: StoreError.self) {
                try await second.saveFenced(StoreConformanceRecordsTests.deployment("lobby"), events: [], fence: LeaseFence(replica: b, term: 1))
            }
            #expect(Self.fencedMessage(wrongTerm) != nil)

            let saved = try await second.saveFenced(
                StoreConformanceRecordsTests.deployment("lobby", generation: 2), events: [Self.event("applied by b")], fence: newFence)
            #expect(saved.map(\.message) == ["applied by b"])
            #expect(try await first.deployments() == [StoreConformanceRecordsTests.deployment("lobby", generation: 2)])
            #expect(try await second.deleteDeploymentFenced("lobby", event: Self.event("removed by b"), fence: newFence)?.message == "removed by b")
            #expect(try await first.deployments().isEmpty)
            #expect(try await first.events(afterID: before, since: nil, device: nil, limit: 10).map(\.message) == ["applied by b", "removed by b"])
        }
    }

    @Test("a released lease is taken over at once in a new term; the last holder taking it again after expiry also starts a new term")
    func releaseAndNewTenure() async throws {
        try await Self.withTwoReplicas { first, second in
            let a = try ReplicaID("replica-a")
            let b = try ReplicaID("replica-b")
            #expect(try await first.acquireOrRenewLease(for: a, ttl: .seconds(30)).term == 1)
            #expect(try await second.acquireOrRenewLease(for: b, ttl: .seconds(30)).isMine == false)
            try await second.releaseLease(for: b)  // not the holder: changes nothing
            #expect(try await first.currentLease()?.holder == a)

            try await first.releaseLease(for: a)
            let released = try await second.currentLease()
            #expect(released?.holder == nil && released?.term == 1)
            let taken = try await second.acquireOrRenewLease(for: b, ttl: Self.ttl)
            #expect(taken.isMine && taken.term == 2)

            try await Task.sleep(for: Self.ttl + .milliseconds(100))
            let again = try await second.acquireOrRenewLease(for: b, ttl: .seconds(30))
            #expect(again.isMine && again.term == 3)
            let stale = await #expect(throws: StoreError.self) {
                try await second.saveFenced(StoreConformanceRecordsTests.deployment("lobby"), events: [], fence: LeaseFence(replica: b, term: 2))
            }
            #expect(Self.fencedMessage(stale) == "replica replica-b no longer leads (term 2, now term 3 held by replica-b): write refused")
        }
    }

    @Test("ten replicas racing for a free lease: exactly one wins, in term 1")
    func race() async throws {
        try await Self.withTwoReplicas { first, second in
            let states = try await withThrowingTaskGroup(of: LeaseState.self) { group in
                for index in 0..<10 {
                    let store = index.isMultiple(of: 2) ? first : second
                    group.addTask { try await store.acquireOrRenewLease(for: try ReplicaID("racer-\(index)"), ttl: .seconds(30)) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let winners = states.filter(\.isMine)
            #expect(winners.count == 1)
            #expect(Set(states.map(\.holder)) == [winners.first?.holder])
            #expect(Set(states.map(\.term)) == [1])
        }
    }

    @Test("membership: live replicas by the database's clock; one that stops heartbeating drops out; leaving is immediate")
    func membership() async throws {
        try await Self.withTwoReplicas { first, second in
            let started = Date(timeIntervalSince1970: 1_800_000_000.5)
            let a = ReplicaInfo(id: try ReplicaID("replica-a"), url: "http://127.0.0.1:8081", started: started)
            let b = ReplicaInfo(id: try ReplicaID("replica-b"), url: "http://127.0.0.1:8082", started: started)
            #expect(try await first.liveReplicas(within: .seconds(3)).isEmpty)
            let before = Date()
            try await first.heartbeat(a)
            try await second.heartbeat(b)
            let live = try await second.liveReplicas(within: .seconds(3))
            #expect(live.map(\.id.rawValue) == ["replica-a", "replica-b"])
            #expect(live.map(\.url) == ["http://127.0.0.1:8081", "http://127.0.0.1:8082"])
            #expect(live.allSatisfy { $0.started == started })
            // The database's clock is this machine's here.
            #expect(live.allSatisfy { abs($0.lastSeen.timeIntervalSince(before)) < 5 })

            for _ in 0..<4 {
                try await Task.sleep(for: .milliseconds(100))
                try await first.heartbeat(a)
            }
            #expect(try await second.liveReplicas(within: .milliseconds(300)).map(\.id.rawValue) == ["replica-a"])
            #expect(try await second.liveReplicas(within: .seconds(30)).map(\.id.rawValue) == ["replica-a", "replica-b"])

            var moved = a
            moved.url = "http://127.0.0.1:9091"
            try await first.heartbeat(moved)
            #expect(try await second.liveReplicas(within: .seconds(30)).first?.url == "http://127.0.0.1:9091")

            try await first.leaveCluster(a.id)
            #expect(try await second.liveReplicas(within: .seconds(30)).map(\.id.rawValue) == ["replica-b"])
        }
    }

    @Test("bad input is refused before any database work: a too-long URL, a ttl out of range")
    func badInput() async throws {
        try await Self.withTwoReplicas { first, _ in
            let id = try ReplicaID("replica-a")
            let long = ReplicaInfo(id: id, url: "http://" + String(repeating: "x", count: ReplicaInfo.maxURLLength), started: Date())
            let error = await #expect(throws: StoreError.self) { try await first.heartbeat(long) }
            #expect(error?.description == "database error while recording the heartbeat of replica replica-a: the advertised URL is longer than 2048 bytes")
            #expect(try await first.liveReplicas(within: .seconds(30)).isEmpty)
            for ttl: Duration in [.zero, .seconds(-1), .seconds(86_401)] {
                let refused = await #expect(throws: StoreError.self) { try await first.acquireOrRenewLease(for: id, ttl: ttl) }
                #expect(refused?.description.contains("the ttl must be more than 0 and at most a day") == true)
            }
            #expect(try await first.currentLease() == nil)
        }
    }
}
