import Testing
import TideModel
@testable import TideCLI

/// `tide run`'s text: a labelled value shows its label, the result line names its step.
@Suite struct RunOutputTests {
    static func step(_ name: String, _ value: JSONValue?, label: String? = nil) -> RunResult.StepRun {
        RunResult.StepRun(
            step: name, device: DeviceID("dev-1"), requestURL: "http://127.0.0.1:5001/request-history/1", success: true,
            value: value, error: nil, durationMs: 0.5, label: label)
    }

    @Test func aLabelledValueShowsItsLabelAndTheResultItsStep() {
        let result = RunResult(
            deployment: "lobby-camera", generation: 1, success: true, result: .number(3), error: nil,
            steps: [
                Self.step("capture", .string("http://127.0.0.1:5001/request-history/1/files/result")),
                Self.step("classify", .number(2), label: "bright"), Self.step("store", .number(3)),
            ],
            durationMs: 12, resultStep: "store")
        let lines = RunOutput.render(result).split(separator: "\n").map(String.init)
        #expect(lines.first == "result: 3  (from step store)")
        #expect(lines.contains { $0.hasPrefix("classify") && $0.contains("  2 (bright)  ") })
        #expect(lines.contains { $0.hasPrefix("store") && $0.contains("  3  ") && !$0.contains("(") })
    }

    @Test func aLabelledResultStepShowsTheLabelOnTheResultLine() {
        let result = RunResult(
            deployment: "lobby", generation: 2, success: true, result: .number(0), error: nil,
            steps: [Self.step("classify", .number(0), label: "dark")], durationMs: 3, resultStep: "classify")
        #expect(RunOutput.render(result).hasPrefix("result: 0 (dark)  (from step classify)\n"))
    }

    @Test func aResultOfSeveralStepsNamesThemInItself() {
        let result = RunResult(
            deployment: "dag", generation: 1, success: true, result: .object(["a": .number(1), "b": .number(2)]), error: nil,
            steps: [Self.step("a", .number(1)), Self.step("b", .number(2))], durationMs: 3)
        #expect(RunOutput.render(result).hasPrefix(#"result: {"a":1,"b":2}"# + "\n"))
    }

    @Test func aRetriedRunSaysWhichStepsDeviceFailedAndWhereItWentOn() {
        var result = RunResult(
            deployment: "pipe", generation: 3, success: true, result: .number(1), error: nil,
            steps: [Self.step("first", .number(987)), Self.step("middle", .number(1))], durationMs: 2100, resultStep: "middle")
        result.retries = [
            RunResult.Retry(
                step: "middle", device: DeviceID("dev-b"), error: "127.0.0.1:5002 refused the connection", movedTo: DeviceID("dev-d"),
                waitedMs: 812)
        ]
        let lines = RunOutput.render(result).split(separator: "\n").map(String.init)
        #expect(lines.contains("retry 1: step middle on dev-b: 127.0.0.1:5002 refused the connection; went on on dev-d after 812 ms"))
        #expect(lines.last == "pipe generation 3: ok in 2100 ms")
    }
}
