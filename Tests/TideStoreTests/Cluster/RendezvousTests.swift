import Testing
import TideStore

@Suite("Rendezvous hashing")
struct RendezvousTests {
    static func replicas(_ names: String...) throws -> [ReplicaID] { try names.map(ReplicaID.init) }
    static let keys = (0..<10_000).map { "device-\($0)" }

    @Test("the owner depends only on the key and the set of replicas, not on their order, and is stable across processes")
    func deterministic() throws {
        let replicas = try Self.replicas("alpha", "bravo", "charlie")
        for key in Self.keys.prefix(500) {
            let owner = Rendezvous.owner(of: key, among: replicas)
            #expect(owner == Rendezvous.owner(of: key, among: replicas.reversed()))
            #expect(owner == Rendezvous.owner(of: key, among: [replicas[1], replicas[2], replicas[0]]))
        }
        // Pinned values (computed independently): a change of the hash would reassign devices
        // between replicas of different releases during a rolling upgrade.
        #expect(Rendezvous.score(of: "device-1", for: try ReplicaID("alpha")) == 0x4ae5_b773_e196_af8b)
        #expect(["device-1", "device-2", "device-3", "device-4"].map { Rendezvous.owner(of: $0, among: replicas)?.rawValue }
            == ["charlie", "bravo", "alpha", "charlie"])
    }

    @Test("10,000 keys spread over 3 replicas within 2.5% of an even third each")
    func balanced() throws {
        let replicas = try Self.replicas("tide-1", "tide-2", "tide-3")
        var counts: [ReplicaID: Int] = [:]
        for key in Self.keys {
            guard let owner = Rendezvous.owner(of: key, among: replicas) else {
                Issue.record("no owner for \(key)")
                return
            }
            counts[owner, default: 0] += 1
        }
        #expect(counts.count == 3)
        for (replica, count) in counts {
            #expect(abs(count - Self.keys.count / 3) <= Self.keys.count / 40, "\(replica) owns \(count) keys")
        }
    }

    @Test("when a replica leaves only its keys move; when it joins again only those keys come back")
    func minimalMovement() throws {
        let all = try Self.replicas("tide-1", "tide-2", "tide-3")
        let remaining = all.filter { $0.rawValue != "tide-2" }
        var moved = 0
        for key in Self.keys {
            let before = Rendezvous.owner(of: key, among: all)
            let after = Rendezvous.owner(of: key, among: remaining)
            if before?.rawValue == "tide-2" {
                moved += 1
                #expect(after != nil && after?.rawValue != "tide-2")
            } else {
                #expect(after == before, "\(key) moved from \(String(describing: before)) to \(String(describing: after))")
            }
        }
        #expect(moved > 3_000 && moved < 3_700)
    }

    @Test("no replicas: no owner; one replica owns everything")
    func edges() throws {
        #expect(Rendezvous.owner(of: "device-1", among: []) == nil)
        let alone = try ReplicaID("alone")
        #expect(Self.keys.prefix(100).allSatisfy { Rendezvous.owner(of: $0, among: [alone]) == alone })
        #expect(Rendezvous.owner(of: "device-1", among: [alone, alone]) == alone)
    }
}
