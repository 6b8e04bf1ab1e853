import Foundation
import Testing
import TideStore

@Suite("Cluster coordination values")
struct ClusterValueTests {
    @Test("replica ids: 1-64 characters of letters, digits, '.', '_' and '-'")
    func replicaIDs() throws {
        for valid in ["a", "tide-1", "node_2.example", String(repeating: "x", count: 64)] {
            #expect(try ReplicaID(valid).rawValue == valid)
        }
        for invalid in ["", "has space", "a|b", "é", "tab\t", String(repeating: "x", count: 65)] {
            let error = #expect(throws: InvalidReplicaID.self) { try ReplicaID(invalid) }
            #expect(error?.description.contains("use 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'") == true)
        }
        let long = String(repeating: "y", count: 500)
        let error = #expect(throws: InvalidReplicaID.self) { try ReplicaID(long) }
        #expect(error?.description == "invalid replica id \"\(String(repeating: "y", count: 80))...\": use 1-64 characters of A-Z, a-z, 0-9, '.', '_' and '-'")
    }

    @Test("replica ids decode only when valid")
    func replicaIDCoding() throws {
        let id = try ReplicaID("tide-1")
        #expect(try JSONDecoder().decode(ReplicaID.self, from: JSONEncoder().encode(id)) == id)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReplicaID.self, from: Data(#""a b""#.utf8)) }
    }

    @Test("a generated id keeps the host name's valid characters and differs on each call")
    func generated() throws {
        let first = ReplicaID.generated(hostName: "gateway 7.local")
        let second = ReplicaID.generated(hostName: "gateway 7.local")
        #expect(first.rawValue.hasPrefix("gateway-7.local-"))
        #expect(first.rawValue.count == "gateway-7.local-".count + 8)
        #expect(first != second)
        #expect(try ReplicaID(first.rawValue) == first)
        #expect(ReplicaID.generated(hostName: "").rawValue.hasPrefix("replica-"))
        #expect(ReplicaID.generated(hostName: String(repeating: "h", count: 300)).rawValue.count == 64)
    }

    @Test("a lease's local deadline passes a fifth of the ttl before the database's expiry; only the holder may act")
    func leaseState() throws {
        let sent = ContinuousClock.now
        #expect(LeaseState.localDeadline(sentAt: sent, ttl: .seconds(3)) == sent + .milliseconds(2_400))
        let mine = LeaseState(
            holder: try ReplicaID("a"), term: 4, expiresAt: Date(), isMine: true,
            localDeadline: LeaseState.localDeadline(sentAt: sent, ttl: .seconds(3)))
        #expect(mine.fence == LeaseFence(replica: try ReplicaID("a"), term: 4))
        #expect(mine.isValid(at: sent + .seconds(2)))
        #expect(!mine.isValid(at: sent + .milliseconds(2_400)))
        let theirs = LeaseState(holder: try ReplicaID("b"), term: 4, expiresAt: Date(), isMine: false, localDeadline: nil)
        #expect(theirs.fence == nil)
        #expect(!theirs.isValid(at: sent))
    }
}

@Suite("SingleReplicaCoordinator")
struct SingleReplicaCoordinatorTests {
    /// Through the protocol, as the server holds it.
    static func coordinator() throws -> (any ClusterCoordinator, ReplicaInfo) {
        let info = ReplicaInfo(id: try ReplicaID("solo"), url: "http://127.0.0.1:8080", started: Date(timeIntervalSince1970: 1_800_000_000))
        return (SingleReplicaCoordinator(replica: info), info)
    }

    @Test("always the leader in term 1, also after a release; the lease does not run out")
    func alwaysLeads() async throws {
        let (coordinator, info) = try Self.coordinator()
        let lease = try await coordinator.acquireOrRenewLease(for: info.id, ttl: .seconds(3))
        #expect(lease.holder == info.id && lease.isMine && lease.term == 1)
        #expect(lease.fence == LeaseFence(replica: info.id, term: 1))
        #expect(lease.isValid(at: .now + .seconds(86_400 * 365)))
        try await coordinator.releaseLease(for: info.id)
        #expect(try await coordinator.acquireOrRenewLease(for: info.id, ttl: .seconds(3)).term == 1)
        let current = try await coordinator.currentLease()
        #expect(current?.holder == info.id && current?.term == 1)

        let other = try await coordinator.acquireOrRenewLease(for: try ReplicaID("other"), ttl: .seconds(3))
        #expect(!other.isMine && other.holder == info.id && other.fence == nil)
    }

    @Test("the only live replica is itself, with its latest heartbeat; another replica cannot join")
    func membership() async throws {
        let (coordinator, info) = try Self.coordinator()
        #expect(try await coordinator.liveReplicas(within: .seconds(3)).map(\.id) == [info.id])
        var moved = info
        moved.url = "http://127.0.0.1:9090"
        let before = Date()
        try await coordinator.heartbeat(moved)
        let live = try await coordinator.liveReplicas(within: .seconds(3))
        #expect(live.map(\.url) == ["http://127.0.0.1:9090"])
        #expect(live.first.map { $0.lastSeen >= before } == true)

        var stranger = info
        stranger.id = try ReplicaID("stranger")
        let error = await #expect(throws: StoreError.self) { try await coordinator.heartbeat(stranger) }
        #expect(error?.description.contains("replica stranger cannot join replica solo: a SQLite datastore serves one replica") == true)
        let ttl = await #expect(throws: StoreError.self) { try await coordinator.liveReplicas(within: .zero) }
        #expect(ttl?.description.contains("the ttl must be more than 0 and at most a day") == true)
        try await coordinator.leaveCluster(info.id)
    }
}
