import Foundation
import Testing
import TideModel
@testable import TideCLI

/// What `tide device drain` and `tide deploy show` print about liquid state.
@Suite struct LiquidOutputTests {
    static let names = DeviceNames(names: [DeviceID("dev-aaaaaaaaaaaa"): "gateway-a", DeviceID("dev-bbbbbbbbbbbb"): "gateway-b"])

    @Test func drainNamesTheDevicesAndSaysHowTheStateMoved() {
        let report = DrainReport(
            device: DeviceID("dev-aaaaaaaaaaaa"),
            moved: [
                StepMove(
                    deployment: "tally", step: "count", from: DeviceID("dev-aaaaaaaaaaaa"), to: DeviceID("dev-bbbbbbbbbbbb"),
                    state: StateOutcome(outcome: .carried, bytes: 67_108_864, pausedMs: 66, changedBytes: 65_600)),
                StepMove(
                    deployment: "notes", step: "log", from: DeviceID("dev-aaaaaaaaaaaa"), to: DeviceID("dev-cccccccccccc"),
                    state: StateOutcome(outcome: .lost, reason: "gateway-c refused it: another version")),
            ],
            stayed: [StayedStep(deployment: "big", step: "model", reason: "no other device can take it")])
        let lines = DeviceCommand.Drain.lines(report, names: Self.names)
        #expect(lines[0] == "drained gateway-a (dev-aaaaaaaaaaaa): 2 step(s) moved, 1 stayed")
        #expect(lines[1].contains("tally/count  gateway-a (dev-aaaaaaaaaaaa) -> gateway-b (dev-bbbbbbbbbbbb)"), "\(lines[1])")
        #expect(lines[1].contains("state carried (64 MiB, pre-copied, 64.1 KiB of changes in the pause, calls waited 66 ms)"), "\(lines[1])")
        #expect(lines[2].contains("-> dev-cccccccccccc  state lost: gateway-c refused it: another version"), "\(lines[2])")
        #expect(lines[3] == "  big/model  stays: no other device can take it")
    }

    @Test func deploymentShowSaysWhatAStepKeeps() {
        #expect(DeploymentDetails.keeps(KeptState()) == "state")
        #expect(DeploymentDetails.keeps(KeptState(checkpointSeconds: 10)) == "state, checkpoint 10s")
        #expect(DeploymentDetails.keeps(KeptState(checkpointSeconds: 2.5)) == "state, checkpoint 2.5s")
    }
}
