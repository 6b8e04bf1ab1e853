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

    @Test func numbersShowExactly() {
        let result = RunResult(
            deployment: "fibo", generation: 1, success: true, result: .number(JSONNumber(9_007_199_254_740_993 as Int64)), error: nil,
            steps: [Self.step("a", .number(JSONNumber(UInt64.max))), Self.step("b", .float(.nan)), Self.step("c", .number(JSONNumber(Float(0.1))))],
            durationMs: 3, resultStep: "fibo")
        let text = RunOutput.render(result)
        #expect(text.hasPrefix("result: 9007199254740993  (from step fibo)\n"))
        #expect(text.contains("  18446744073709551615  ") && text.contains("  NaN  ") && text.contains("  0.1  "), "\(text)")
    }

    @Test func inputsAreExactNumbersOrFiles() throws {
        let command = try RunCommand.parse(["fibo", "n=9007199254740993", "m=-0.5", "image=@photo.pgm"])
        let inputs = try command.parsedInputs()
        #expect(inputs.numbers == ["n": JSONNumber(9_007_199_254_740_993 as Int64), "m": -0.5])
        #expect(inputs.files == ["image": "photo.pgm"])
        #expect(throws: (any Error).self) { try RunCommand.parse(["fibo", "n=0x10"]).parsedInputs() }
        #expect(throws: (any Error).self) { try RunCommand.parse(["fibo", "image=@"]).parsedInputs() }
        #expect(throws: (any Error).self) { try RunCommand.parse(["fibo", "n=1", "n=@x"]).parsedInputs() }
    }

    @Test func bytesResultsAreSavedUnderTheirStepsWithATypeBySniffing() {
        let url = "http://127.0.0.1:5001/request-history/1/files/result"
        let single = RunResult(
            deployment: "snap", generation: 1, success: true, result: .string(url), error: nil, steps: [], durationMs: 1, resultStep: "capture")
        #expect(ResultFiles.urls(in: single).map { "\($0.step) \($0.url)" } == ["capture \(url)"])
        let several = RunResult(
            deployment: "dag", generation: 1, success: true, result: ["b": .string(url), "a": 1], error: nil, steps: [], durationMs: 1)
        #expect(ResultFiles.urls(in: several).map(\.step) == ["b"])
        #expect(ResultFiles.fileExtension(of: Array("P5\n2 2\n255\n".utf8)) == ".pgm")
        #expect(ResultFiles.fileExtension(of: [0x89, 0x50, 0x4E, 0x47, 0x0D]) == ".png")
        #expect(ResultFiles.fileExtension(of: [0xFF, 0xD8, 0xFF, 0xE0]) == ".jpg")
        #expect(ResultFiles.fileExtension(of: [1, 2, 3]) == ".bin" && ResultFiles.fileExtension(of: []) == ".bin")
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
