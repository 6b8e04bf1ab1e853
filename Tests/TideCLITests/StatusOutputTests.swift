import Foundation
import Testing
import TideModel
@testable import TideCLI

/// `tide status`'s text: the datastore, who leads in which term, the fleet in numbers, and the
/// replicas with the leader and the answering one marked.
@Suite struct StatusOutputTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func threeReplicasShowTheLeaderTheTermAndWhoAnswered() {
        let status = ClusterStatus(
            datastore: "postgres://tide:***@db:5432/tide", replica: "gw2", leading: false, leader: "gw1", term: 4,
            leaseExpires: Self.now, replicas: [
                .init(id: "gw1", url: "https://gw1:3000", started: Self.now - 3600, lastSeen: Self.now - 1, leader: true, this: false),
                .init(id: "gw2", url: "https://gw2:3000", started: Self.now - 60, lastSeen: Self.now, leader: false, this: true),
            ], problem: nil)
        let text = StatusCommand.render(status, devices: [.alive, .alive, .dead], deployments: [.active], now: Self.now)
        #expect(text.contains("datastore:  postgres://tide:***@db:5432/tide"))
        #expect(text.contains("leader:     gw1 (term 4)"))
        #expect(text.contains("devices:    3 (2 alive, 1 dead)"))
        #expect(text.contains("deployments: 1 (1 active)"))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("gw1 *") && $0.contains("https://gw1:3000") })
        #expect(lines.contains { $0.hasPrefix("gw2 (this)") })
        #expect(!text.contains("password"))
    }

    @Test func withoutALeaderItSaysSoAndShowsTheProblem() {
        let status = ClusterStatus(
            datastore: "postgres://tide:***@db:5432/tide", replica: "gw2", leading: false, leader: nil, term: 4,
            leaseExpires: nil, replicas: [], problem: "cannot connect: connection refused")
        let text = StatusCommand.render(status, devices: [], deployments: [], now: Self.now)
        #expect(text.contains("leader:     none right now"))
        #expect(text.contains("problem:    cannot connect: connection refused"))
        #expect(text.contains("devices:    0"))
    }
}
