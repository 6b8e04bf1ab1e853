import Foundation
import TideModel

/// The text of `tide run`: the result, then each step's device, value and duration.
enum RunOutput {
    static func render(_ result: RunResult, names: DeviceNames = DeviceNames()) -> String {
        var lines: [String] = []
        if let value = result.result { lines.append(resultLine(value, of: result)) }
        var table = Table(header: ["STEP", "DEVICE", "VALUE", "DURATION"])
        for step in result.steps {
            let value = step.success ? valueText(step) : "failed: \(step.error ?? "no reason given")"
            table.rows.append([step.step, names.label(step.device), value, step.durationMs.map(milliseconds) ?? "-"])
        }
        if !result.steps.isEmpty { lines.append(table.render()) }
        for (index, retry) in (result.retries ?? []).enumerated() { lines.append(retryLine(retry, number: index + 1, names: names)) }
        lines.append("\(result.deployment) generation \(result.generation): \(result.success ? "ok" : "failed") in \(milliseconds(result.durationMs))")
        return lines.joined(separator: "\n")
    }

    /// `retry 1: step middle on sup-b (dev-…): <error>; went on on sup-d (dev-…) after 812 ms`.
    static func retryLine(_ retry: RunResult.Retry, number: Int, names: DeviceNames) -> String {
        let moved = retry.movedTo.map { "went on on \(names.label($0)) after \(milliseconds(retry.waitedMs))" } ?? "not retried"
        return "retry \(number): step \(retry.step) on \(names.label(retry.device)): \(retry.error); \(moved)"
    }

    /// `result: 2 (bright)  (from step classify)`: the value, its label, and the step it is the value of.
    static func resultLine(_ value: JSONValue, of result: RunResult) -> String {
        guard let name = result.resultStep else { return "result: \(text(value))" }
        let label = result.steps.last { $0.step == name }?.label
        return "result: \(text(value))\(label.map { " (\($0))" } ?? "")  (from step \(name))"
    }

    /// A step's value as text, with its label when the package names it: `2 (bright)`.
    static func valueText(_ step: RunResult.StepRun) -> String {
        guard let value = step.value else { return "-" }
        return text(value) + (step.label.map { " (\($0))" } ?? "")
    }

    /// Numbers exactly (whole numbers without a fraction), text (such as a download URL) as is,
    /// anything else as JSON.
    static func text(_ value: JSONValue) -> String {
        switch value {
        case .number(let number):
            return number.text
        case .string(let string):
            return string
        default:
            return (try? TideJSON.text(value, pretty: false)) ?? "\(value)"
        }
    }

    static func milliseconds(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f ms", value) : String(format: "%.1f ms", value)
    }
}
