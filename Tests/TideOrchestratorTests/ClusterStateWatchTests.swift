import Foundation
import Testing
import TideModel
import TideStore
@testable import TideOrchestrator

@Suite("Which devices a replica watches")
struct ClusterStateWatchTests {
    /// Never written to: these tests do not lead.
    private struct NoDeployments: FencedDeploymentStore {
        func saveFenced(_ deployment: Deployment, events: [NewFleetEvent], fence: LeaseFence) async throws(StoreError) -> [FleetEvent] { [] }
        func deleteDeploymentFenced(_ name: String, event: NewFleetEvent, fence: LeaseFence) async throws(StoreError) -> FleetEvent? { nil }
    }

    private static func lease(_ holder: ReplicaID) -> LeaseState {
        LeaseState(holder: holder, term: 1, expiresAt: Date().addingTimeInterval(5), isMine: false, localDeadline: nil)
    }

    @Test("the generation changes with the live replicas, not with each round; the devices split among them and move when one leaves")
    func generationFollowsTheLiveSet() throws {
        let a = try ReplicaID("a"), b = try ReplicaID("b"), c = try ReplicaID("c")
        let states = [a, b, c].map { ClusterState.shared(replica: $0, fenced: NoDeployments()) }
        let live = [a, b, c].map { ReplicaInfo(id: $0, url: "http://127.0.0.1/\($0)", started: Date()) }
        let watches = states.map { $0.watchedDevices(flushInterval: .milliseconds(250)) }
        let generation = try #require(watches[0].generation)
        let before = generation()
        for state in states { state.update(lease: Self.lease(b), live: live) }
        let first = generation()
        #expect(first != before)
        states[0].update(lease: Self.lease(b), live: live.reversed())
        #expect(generation() == first)

        let devices = (0..<300).map { DeviceID("dev-\($0)") }
        let owners = devices.map { id in zip([a, b, c], watches).filter { $0.1.watches(id) }.map(\.0) }
        #expect(owners.allSatisfy { $0.count == 1 })
        #expect(Set(owners.compactMap(\.first)) == [a, b, c])

        // c is gone: a sees a new generation and watches c's devices or b does, never both.
        states[0].update(lease: Self.lease(b), live: Array(live.prefix(2)))
        states[1].update(lease: Self.lease(b), live: Array(live.prefix(2)))
        #expect(generation() != first)
        for (index, id) in devices.enumerated() {
            let mine = [watches[0].watches(id), watches[1].watches(id)]
            #expect(mine.filter { $0 }.count == 1)
            if owners[index] == [a] { #expect(mine[0]) }
            if owners[index] == [b] { #expect(mine[1]) }
        }
    }
}
