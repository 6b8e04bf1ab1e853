import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// When a deployment needs recovering, and what a device's report or return asks for, as tables.
@Suite("Recovery decisions", .stopsWhatItStarts)
struct RecoveryDecisionTests {
    typealias F = DeploymentFixture
    let now = F.epoch.addingTimeInterval(60)

    static func seen(_ status: DeviceStatus) -> Recovery.Seen { Recovery.Seen(name: "cam", status: status, reason: "no answer") }

    struct AssessCase: CustomTestStringConvertible, Sendable {
        var name: String
        var status: DeploymentStatus
        var states: [StepState]
        var devices: [String: Recovery.Seen]
        var expected: Recovery.Action
        var testDescription: String { name }
    }

    static let assessCases: [AssessCase] = [
        AssessCase(
            name: "all running on alive devices: nothing", status: .active, states: [.running, .running],
            devices: ["d1": seen(.alive), "d2": seen(.alive)], expected: .none),
        AssessCase(
            name: "a suspect device is not lost", status: .active, states: [.running, .running],
            devices: ["d1": seen(.suspect), "d2": seen(.alive)], expected: .none),
        AssessCase(
            name: "a dead device loses its steps", status: .active, states: [.running, .running],
            devices: ["d1": seen(.dead), "d2": seen(.alive)],
            expected: .recover(lost: [DeviceID("d1"): "device cam (d1) is dead: no answer"])),
        AssessCase(
            name: "a device removed from the inventory loses its steps", status: .active, states: [.running, .running],
            devices: ["d2": seen(.alive)],
            expected: .recover(lost: [DeviceID("d1"): "device d1 was removed from the inventory"])),
        AssessCase(
            name: "an unfinished step is retried", status: .active, states: [.running, .failed],
            devices: ["d1": seen(.alive), "d2": seen(.alive)], expected: .recover(lost: [:])),
        AssessCase(
            name: "a degraded deployment is retried", status: .degraded, states: [.running, .running],
            devices: ["d1": seen(.alive), "d2": seen(.alive)], expected: .recover(lost: [:])),
        AssessCase(
            name: "a deploy interrupted by a restart is finished", status: .deploying, states: [.deploying, .pending],
            devices: ["d1": seen(.dead)], expected: .finishDeploy),
        AssessCase(
            name: "a staged deployment waits for its push", status: .pending, states: [.pending, .pending],
            devices: [:], expected: .none),
        AssessCase(
            name: "a failed deployment stays failed", status: .failed, states: [.failed, .failed], devices: [:], expected: .none),
    ]

    @Test("which deployments need recovering", arguments: assessCases)
    func assess(_ test: AssessCase) {
        let deployment = F.make([("a", "d1", test.states[0]), ("b", "d2", test.states[1])], status: test.status)
        let devices = Dictionary(uniqueKeysWithValues: test.devices.map { (DeviceID($0.key), $0.value) })
        #expect(Recovery.assess(deployment, devices: devices) == test.expected)
    }

    @Test("lost steps fail; an active deployment turns degraded naming them, a degraded one keeps its reason")
    func markLost() {
        let lost = [DeviceID("d1"): "device cam (d1) is dead: no answer"]
        let active = Recovery.markLost(F.make([("a", "d1", .running), ("b", "d2", .running), ("c", "d1", .running)]), lost)
        #expect(active.degrades)
        #expect(F.states(active.deployment) == ["a": .failed, "b": .running, "c": .failed])
        #expect(active.deployment.steps[0].error == "device cam (d1) is dead: no answer")
        #expect(active.deployment.reason == "step(s) a, c lost their device: device cam (d1) is dead: no answer")

        let degraded = Recovery.markLost(
            F.make([("a", "d1", .running), ("b", "d2", .running)], status: .degraded, reason: "earlier"), lost)
        #expect(!degraded.degrades)
        #expect(degraded.deployment.reason == "earlier")
        #expect(F.states(degraded.deployment) == ["a": .failed, "b": .running])
    }

    struct SettleCase: CustomTestStringConvertible, Sendable {
        var name: String
        var device: String
        var installed: InstalledNode?
        var reported: Int64?
        var status: DeploymentStatus = .active
        var expected: Recovery.Settlement
        var testDescription: String { name }
    }

    static let acknowledged = InstalledNode(generation: 3, digest: "n1", acknowledgedAt: F.epoch)
    static let justPushed = InstalledNode(generation: 3, digest: "n1", acknowledgedAt: F.epoch.addingTimeInterval(58))
    static let unconfirmed = InstalledNode(generation: 3, digest: InstalledNode.unconfirmed)

    static let settleCases: [SettleCase] = [
        SettleCase(name: "wanted, running the current generation: nothing", device: "d1", installed: acknowledged, reported: 3, expected: .nothing),
        SettleCase(name: "wanted, running an older generation: pushed again", device: "d1", installed: acknowledged, reported: 2, expected: .repush),
        SettleCase(name: "wanted, running nothing (lost its state): pushed again", device: "d1", installed: acknowledged, reported: nil, expected: .repush),
        SettleCase(
            name: "wanted, running nothing, but degraded deployments are pushed too", device: "d1", installed: acknowledged,
            reported: nil, status: .degraded, expected: .repush),
        SettleCase(
            name: "wanted, running nothing, deployment still deploying: left to the deploy", device: "d1",
            installed: acknowledged, reported: nil, status: .deploying, expected: .nothing),
        SettleCase(name: "wanted, never installed: left to the deploy", device: "d1", installed: nil, reported: nil, expected: .nothing),
        SettleCase(
            name: "wanted, within the grace after a push the report is not trusted", device: "d1", installed: justPushed,
            reported: nil, expected: .nothing),
        SettleCase(
            name: "wanted, unconfirmed push that the device runs: nothing (the deploy adopts it)", device: "d1",
            installed: unconfirmed, reported: 3, expected: .nothing),
        SettleCase(name: "not wanted, running it: removed", device: "d9", installed: acknowledged, reported: 3, expected: .removeStale),
        SettleCase(name: "not wanted, running it though never recorded: removed", device: "d9", installed: nil, reported: 1, expected: .removeStale),
        SettleCase(name: "not wanted, not running, a record left: forgotten", device: "d9", installed: unconfirmed, reported: nil, expected: .forget),
        SettleCase(name: "not wanted, not running, nothing recorded: nothing", device: "d9", installed: nil, reported: nil, expected: .nothing),
    ]

    @Test("a device's report of what it runs", arguments: settleCases)
    func settle(_ test: SettleCase) {
        let deployment = F.make(
            [("a", "d1", .running)], status: test.status, installed: test.installed.map { [test.device: $0] } ?? [:])
        let decision = Recovery.settle(deployment, on: DeviceID(test.device), reported: test.reported, now: now, grace: 5)
        #expect(decision == test.expected)
    }

    @Test("a wasmiot device that returns: its nodes pushed again, stale ones removed", arguments: [
        ("d1", true, DeploymentStatus.active, Recovery.Settlement.repush),
        ("d1", true, .degraded, .repush),
        ("d1", false, .active, .nothing),
        ("d1", true, .deploying, .nothing),
        ("d9", true, .active, .removeStale),
        ("d9", false, .active, .nothing),
    ])
    func returned(device: String, installed: Bool, status: DeploymentStatus, expected: Recovery.Settlement) {
        let deployment = F.make(
            [("a", "d1", .running)], status: status,
            installed: installed ? [device: InstalledNode(generation: 3, digest: "n1")] : [:])
        #expect(Recovery.returned(deployment, device: DeviceID(device)) == expected)
    }

    @Test("a node pushed again: forgotten, its steps pending, the reason names them")
    func markForRepush() {
        let deployment = F.make(
            [("a", "d1", .running), ("b", "d2", .running), ("c", "d1", .running)],
            installed: ["d1": InstalledNode(generation: 3, digest: "n1"), "d2": InstalledNode(generation: 3, digest: "n2")])
        let marked = Recovery.markForRepush(deployment, device: DeviceID("d1"), because: "registered again", now: now)
        #expect(marked.deployment.installed[DeviceID("d1")] == nil)
        #expect(marked.deployment.installed[DeviceID("d2")] != nil)
        #expect(F.states(marked.deployment) == ["a": .pending, "b": .running, "c": .pending])
        #expect(marked.deployment.reason == "step(s) a, c lost their node on d1 (registered again); pushing it again")
        #expect(marked.events.map(\.message) == [
            "demo: step a is pushed to d1 again: registered again", "demo: step c is pushed to d1 again: registered again",
        ])
    }
}
