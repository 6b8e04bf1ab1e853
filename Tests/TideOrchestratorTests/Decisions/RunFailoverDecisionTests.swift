import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// Whether a run whose device failed goes on, and when its step has moved, as tables.
@Suite("Run failover decisions", .stopsWhatItStarts)
struct RunFailoverDecisionTests {
    typealias F = DeploymentFixture

    /// a -> b -> c chained on the devices, then d fed by b and c (fan-in, driven by the server).
    static func manifest(notIdempotent: Set<String> = []) -> DeploymentManifest {
        func step(_ name: String, _ inputs: [String]) -> ManifestStep {
            ManifestStep(
                name: name, package: "fibo", function: "fibo", inputs: inputs, idempotent: notIdempotent.contains(name) ? false : nil)
        }
        return DeploymentManifest(name: "demo", steps: [step("a", []), step("b", ["a"]), step("c", ["b"]), step("d", ["b", "c"])])
    }

    static func interruption(_ step: String, mayHaveRun: Bool = true, cause: RunInterruption.Cause = .unreachable)
        -> RunInterruption
    {
        RunInterruption(step: step, device: DeviceID("dev-b"), cause: cause, mayHaveRun: mayHaveRun, error: "connection reset")
    }

    @Test("going on from a step runs it and the steps its device hands on to again")
    func rerunSet() {
        let manifest = Self.manifest()
        #expect(RunFailover.rerun(from: "a", manifest: manifest) == ["a", "b"])
        #expect(RunFailover.rerun(from: "b", manifest: manifest) == ["b"])
        #expect(RunFailover.rerun(from: "c", manifest: manifest) == ["c"])
    }

    struct DecideCase: CustomTestStringConvertible, Sendable {
        var name: String
        var notIdempotent: Set<String>
        var interruption: RunInterruption
        var called: Set<String>
        var retries: Int
        var expected: RunFailover.Decision?
        /// For `.fail`: what the message must say.
        var says: [String] = []
        var testDescription: String { name }
    }

    static let decideCases: [DecideCase] = [
        DecideCase(
            name: "a pure step is retried off its device", notIdempotent: [], interruption: interruption("b"),
            called: ["a", "b"], retries: 0, expected: .retry(steps: ["b"], off: DeviceID("dev-b"))),
        DecideCase(
            name: "going on from a retries the chain a -> b", notIdempotent: [], interruption: interruption("a"),
            called: ["a", "b"], retries: 1, expected: .retry(steps: ["a", "b"], off: DeviceID("dev-b"))),
        DecideCase(
            name: "a non-idempotent step whose call was sent fails the run", notIdempotent: ["b"], interruption: interruption("b"),
            called: ["a", "b"], retries: 0, expected: nil,
            says: ["step b on dev-b: connection reset", "step b is marked idempotent: false", "its call was sent before dev-b failed"]),
        DecideCase(
            name: "a non-idempotent step never reached (refused) is retried", notIdempotent: ["b"],
            interruption: interruption("b", mayHaveRun: false), called: ["a"], retries: 0,
            expected: .retry(steps: ["b"], off: DeviceID("dev-b"))),
        DecideCase(
            name: "a non-idempotent step refused now but called in an earlier attempt fails the run", notIdempotent: ["b"],
            interruption: interruption("b", mayHaveRun: false), called: ["a", "b"], retries: 1, expected: nil,
            says: ["step b is marked idempotent: false", "it was called earlier in this run"]),
        DecideCase(
            name: "a non-idempotent step after the interrupted one that already ran fails the run", notIdempotent: ["b"],
            interruption: interruption("a"), called: ["a", "b"], retries: 0, expected: nil,
            says: ["step b is marked idempotent: false", "going on from step a runs it again"]),
        DecideCase(
            name: "a non-idempotent step not yet called is no obstacle", notIdempotent: ["b"], interruption: interruption("a"),
            called: ["a"], retries: 0, expected: .retry(steps: ["a", "b"], off: DeviceID("dev-b"))),
        DecideCase(
            name: "a non-idempotent step outside the rerun is no obstacle", notIdempotent: ["a"], interruption: interruption("c"),
            called: ["a", "b", "c"], retries: 0, expected: .retry(steps: ["c"], off: DeviceID("dev-b"))),
        DecideCase(
            name: "a lost node is pushed again", notIdempotent: ["b"],
            interruption: interruption("b", mayHaveRun: false, cause: .lostNode), called: ["a"], retries: 0,
            expected: .repush(DeviceID("dev-b"))),
        DecideCase(
            name: "retries are bounded", notIdempotent: [], interruption: interruption("b"), called: ["a", "b"],
            retries: RunFailover.maxRetries, expected: nil, says: ["gave up after \(RunFailover.maxRetries) retries"]),
    ]

    @Test("what a run does after a device failure", arguments: decideCases)
    func decide(_ row: DecideCase) {
        let decision = RunFailover.decide(
            row.interruption, manifest: Self.manifest(notIdempotent: row.notIdempotent), called: row.called, retries: row.retries)
        if let expected = row.expected {
            #expect(decision == expected)
        } else if case .fail(let message) = decision {
            for text in row.says { #expect(message.contains(text), "\(message)") }
        } else {
            Issue.record("expected the run to fail, got \(decision)")
        }
    }

    struct MoveCase: CustomTestStringConvertible, Sendable {
        var name: String
        var deployment: Deployment?
        var steps: [String]
        var off: DeviceID?
        var expected: RunFailover.MoveState
        var testDescription: String { name }
    }

    static let stuckReason = "no device can take over: step b needs a camera" + Rollout.retriedNote

    static let moveCases: [MoveCase] = [
        MoveCase(
            name: "still on the failed device", deployment: F.make([("a", "d1", .running), ("b", "d2", .running)]),
            steps: ["b"], off: DeviceID("d2"), expected: .waiting),
        MoveCase(
            name: "placed elsewhere but not yet pushed",
            deployment: F.make([("a", "d1", .running), ("b", "d3", .pending)], status: .degraded), steps: ["b"],
            off: DeviceID("d2"), expected: .waiting),
        MoveCase(
            name: "running elsewhere", deployment: F.make([("a", "d1", .running), ("b", "d3", .running)], status: .degraded),
            steps: ["b"], off: DeviceID("d2"), expected: .moved(to: DeviceID("d3"))),
        MoveCase(
            name: "every step of the rerun must have moved",
            deployment: F.make([("a", "d3", .running), ("b", "d2", .failed)], status: .degraded), steps: ["a", "b"],
            off: DeviceID("d2"), expected: .waiting),
        MoveCase(
            name: "pushed again to the same device (a lost node)", deployment: F.make([("a", "d1", .running), ("b", "d2", .running)]),
            steps: ["b"], off: nil, expected: .moved(to: DeviceID("d2"))),
        MoveCase(
            name: "no device can take the step: stuck with the reason",
            deployment: F.make([("a", "d1", .running), ("b", "d2", .failed)], status: .degraded, reason: stuckReason),
            steps: ["b"], off: DeviceID("d2"), expected: .stuck("step b cannot move off d2: \(stuckReason)")),
        MoveCase(
            name: "a failed deployment", deployment: F.make([("a", "d1", .running)], status: .failed, reason: "gone"),
            steps: ["a"], off: DeviceID("d1"), expected: .stuck("deployment demo is failed: gone")),
        MoveCase(name: "a removed deployment", deployment: nil, steps: ["a"], off: DeviceID("d1"), expected: .stuck("the deployment was removed")),
    ]

    @Test("when the steps of a run have moved", arguments: moveCases)
    func move(_ row: MoveCase) {
        #expect(RunFailover.moveState(row.deployment, steps: row.steps, off: row.off) == row.expected)
    }

    @Test("going on forgets the outputs and runs of the steps that run again, and keeps the rest")
    func forgetting() {
        var progress = PipelineRunner.Progress()
        progress.outputs = ["a": .number("1"), "b": .number("2")]
        progress.runs = ["a", "b"].map {
            RunResult.StepRun(step: $0, device: DeviceID("d1"), requestURL: "http://x/request-history/\($0)", success: true, value: nil, error: nil, durationMs: nil)
        }
        progress.called = ["a", "b"]
        let next = progress.forgetting(["b", "c"])
        #expect(next.outputs == ["a": .number("1")])
        #expect(next.runs.map(\.step) == ["a"])
        #expect(next.called == ["a", "b"])
    }
}
