import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// Which devices a round pushes and what their answers do, as tables over values (no process).
@Suite("Rollout decisions", .stopsWhatItStarts)
struct RolloutDecisionTests {
    typealias F = DeploymentFixture
    let now = F.epoch.addingTimeInterval(60)

    struct RoundCase: CustomTestStringConvertible, Sendable {
        var name: String
        var installed: [String: InstalledNode]
        var reported: [String: Int64]
        var push: [String]
        var states: [String: StepState]
        var testDescription: String { name }
    }

    static let roundCases: [RoundCase] = [
        RoundCase(
            name: "a new deployment pushes every device", installed: [:], reported: [:], push: ["d1", "d2"],
            states: ["a": .deploying, "b": .deploying]),
        RoundCase(
            name: "a device whose node has the same digest is skipped and runs",
            installed: ["d1": InstalledNode(generation: 2, digest: "n1")], reported: [:], push: ["d2"],
            states: ["a": .running, "b": .deploying]),
        RoundCase(
            name: "a changed digest is pushed again", installed: ["d1": InstalledNode(generation: 2, digest: "old")],
            reported: [:], push: ["d1", "d2"], states: ["a": .deploying, "b": .deploying]),
        RoundCase(
            name: "a device reporting this generation has its node (a push that landed before a restart)",
            installed: [:], reported: ["d1": 3], push: ["d2"], states: ["a": .running, "b": .deploying]),
        RoundCase(
            name: "an unconfirmed push that the device reports at this generation is adopted",
            installed: ["d2": InstalledNode(generation: 3, digest: InstalledNode.unconfirmed)], reported: ["d2": 3],
            push: ["d1"], states: ["a": .deploying, "b": .running]),
        RoundCase(
            name: "a report of an older generation adopts nothing",
            installed: ["d2": InstalledNode(generation: 3, digest: InstalledNode.unconfirmed)], reported: ["d2": 2],
            push: ["d1", "d2"], states: ["a": .deploying, "b": .deploying]),
    ]

    @Test("a round pushes only the devices whose node changed", arguments: roundCases)
    func round(_ test: RoundCase) {
        let deployment = F.make([("a", "d1", .pending), ("b", "d2", .pending)], status: .deploying, installed: test.installed)
        let round = Rollout.round(
            deployment, nodes: [DeviceID("d1"): F.node("n1"), DeviceID("d2"): F.node("n2")],
            reported: Dictionary(uniqueKeysWithValues: test.reported.map { (DeviceID($0.key), $0.value) }), now: now)
        #expect(round.push == test.push.map { DeviceID($0) })
        #expect(F.states(round.deployment) == test.states)
    }

    @Test("answers: an acknowledged push installs the node; a failure fails its steps; a timeout is remembered as unconfirmed")
    func record() {
        let deployment = F.make([("a", "d1", .deploying), ("b", "d2", .deploying), ("c", "d3", .deploying)], status: .deploying)
        let recorded = Rollout.record(
            [
                PushOutcome(device: DeviceID("d3"), digest: "n3", error: ProbeError(.refused, "connection refused")),
                PushOutcome(device: DeviceID("d1"), digest: "n1", error: nil),
                PushOutcome(device: DeviceID("d2"), digest: "n2", error: ProbeError(.timeout, "no answer in 3 s")),
            ],
            in: deployment, now: now)
        #expect(F.states(recorded.deployment) == ["a": .running, "b": .failed, "c": .failed])
        #expect(recorded.deployment.installed[DeviceID("d1")] == InstalledNode(generation: 3, digest: "n1", acknowledgedAt: now))
        #expect(recorded.deployment.installed[DeviceID("d2")] == InstalledNode(generation: 3, digest: InstalledNode.unconfirmed))
        #expect(recorded.deployment.installed[DeviceID("d3")] == nil)
        #expect(recorded.failures == [DeviceID("d2"): "d2: no answer in 3 s", DeviceID("d3"): "d3: connection refused"])
        #expect(recorded.deployment.steps[2].error == "connection refused")
        #expect(recorded.events.map(\.message) == [
            "demo: step a runs on d1",
            "demo: step b could not be deployed on d2: no answer in 3 s",
            "demo: step c could not be deployed on d3: connection refused",
        ])
        #expect(recorded.events[2].details?["error"] == "connection refused")
        #expect(recorded.events[0].details?["error"] == nil)
    }

    @Test("event messages name a device the inventory knows as name (id), and an unknown one by its id")
    func recordNamesDevices() {
        let deployment = F.make([("a", "d1", .deploying), ("b", "d2", .deploying)], status: .deploying)
        let recorded = Rollout.record(
            [
                PushOutcome(device: DeviceID("d1"), digest: "n1", error: nil),
                PushOutcome(device: DeviceID("d2"), digest: "n2", error: ProbeError(.refused, "connection refused")),
            ],
            in: deployment, now: now, names: DeviceNames(names: [DeviceID("d1"): "camera-gateway"]))
        #expect(recorded.events.map(\.message) == [
            "demo: step a runs on camera-gateway (d1)",
            "demo: step b could not be deployed on d2: connection refused",
        ])
    }

    @Test("a re-placement moves only the steps whose device changed, says why, and bumps the generation")
    func move() {
        let deployment = F.make([("a", "d1", .failed), ("b", "d2", .running)])
        let moved = Rollout.move(
            deployment, to: F.plan([("a", "d3"), ("b", "d2")]), because: [DeviceID("d1"): "d1: connection refused"], now: now)
        #expect(moved.deployment.generation == 4)
        #expect(moved.deployment.steps.map(\.device) == [DeviceID("d3"), DeviceID("d2")])
        #expect(F.states(moved.deployment) == ["a": .pending, "b": .running])
        #expect(moved.events.map(\.message) == ["demo: step a moves from d1 to d3 (d1: connection refused)"])
        #expect(moved.events.first?.details?["generation"] == .number(4))
        #expect(moved.deployment.plan?.steps.count == 2)
    }

    @Test("leftovers are the devices holding a node but no step", arguments: [
        ([String](), [String]()), (["d1", "d2"], []), (["d1", "d9", "d7"], ["d7", "d9"]),
    ])
    func leftovers(installed: [String], expected: [String]) {
        let deployment = F.make(
            [("a", "d1", .running), ("b", "d2", .running)],
            installed: Dictionary(uniqueKeysWithValues: installed.map { ($0, InstalledNode(generation: 3, digest: "x")) }))
        #expect(Rollout.leftovers(deployment) == expected.map { DeviceID($0) })
    }

    @Test("a give-up reason quotes the first eight failures and counts the rest", arguments: [
        (1, "f1"), (8, "f1; f2; f3; f4; f5; f6; f7; f8"), (11, "f1; f2; f3; f4; f5; f6; f7; f8; and 3 more"),
    ])
    func summary(count: Int, expected: String) {
        #expect(Rollout.summary((1...count).map { "f\($0)" }) == expected)
    }

    @Test("a degraded reason always says it is retried, once")
    func degradedReason() {
        #expect(Rollout.degradedReason("no device") == "no device; retried whenever the fleet changes")
        #expect(Rollout.degradedReason(Rollout.degradedReason("no device")) == "no device; retried whenever the fleet changes")
    }

    struct StatusCase: CustomTestStringConvertible, Sendable {
        var from: DeploymentStatus
        var to: DeploymentStatus
        var news: Bool
        var testDescription: String { "\(from.rawValue) -> \(to.rawValue): \(news ? "an event" : "no event")" }
    }

    @Test("status changes are news, a re-push that stays active is not; a degraded retry is", arguments: [
        StatusCase(from: .deploying, to: .active, news: true), StatusCase(from: .active, to: .active, news: false),
        StatusCase(from: .degraded, to: .degraded, news: true), StatusCase(from: .active, to: .degraded, news: true),
        StatusCase(from: .deploying, to: .failed, news: true),
    ])
    func status(_ test: StatusCase) {
        let deployment = F.make([("a", "d1", .running)], status: test.from)
        let changed = Rollout.status(deployment, becomes: test.to, message: "m", now: now)
        #expect(changed.deployment.status == test.to)
        #expect((changed.event != nil) == test.news)
        #expect(changed.deployment.statusSince == (test.from == test.to ? F.epoch : now))
    }

    @Test("degraded -> active tells how long the outage lasted")
    func outage() {
        let deployment = F.make([("a", "d1", .running)], status: .degraded)
        let changed = Rollout.status(deployment, becomes: .active, message: "demo is active", now: F.epoch.addingTimeInterval(1.5))
        #expect(changed.event?.message == "demo is active after 1500 ms degraded")
        #expect(changed.event?.details?["previousForMs"] == .number(1500))
    }
}
