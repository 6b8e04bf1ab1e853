import Foundation
import TideModel

/// A request-history entry read the same way from both supervisors.
///
/// A Tide supervisor's entry has `requestId`, `status` (pending, done, failed), `success`, `value`
/// (or `values`, or `files.result`), `result` (`[json, files]`) and `chainedTo`. A wasmiot
/// supervisor's has `request_id`, `success` and `result` only: `[json.dumps(value), files]` for
/// the last step of a chain, the next device's resultUrl as a bare string for a step that
/// forwarded its output, and the error's text when it failed. It has no entry at all until a
/// queued call has run (404), which reads as pending.
struct HistoryReading: Sendable, Equatable {
    enum State: Sendable, Equatable {
        case pending
        case succeeded
        case failed
    }

    /// What a finished step hands on.
    enum Output: Sendable, Equatable {
        /// A number's exact text (an i64 may not survive a trip through a double).
        case number(String)
        case bytes(url: String)
        case nothing
    }

    var state: State
    var value: JSONValue?
    var output: Output
    var error: String?
    /// The next step's entry, when the device forwarded the output.
    var chainedTo: String?
    var durationMs: Double?
    /// A Tide supervisor's `forwardFailure`: the step ran, but its output did not reach the next
    /// step's device; whether the next step may have run all the same.
    var handOffFailed: HandOffFailure?

    struct HandOffFailure: Sendable, Equatable {
        var mayHaveRun: Bool
        /// The next step's endpoint.
        var to: String
    }

    static let pending = HistoryReading(state: .pending, value: nil, output: .nothing, error: nil, chainedTo: nil, durationMs: nil)

    init(state: State, value: JSONValue?, output: Output, error: String?, chainedTo: String?, durationMs: Double?) {
        self.state = state
        self.value = value
        self.output = output
        self.error = error
        self.chainedTo = chainedTo
        self.durationMs = durationMs
    }

    init(_ entry: JSONValue) {
        if entry["status"]?.stringValue == "pending" {
            self = .pending
            return
        }
        let success = entry["success"] == .bool(true)
        let result = entry["result"]
        let resultURL = result?.stringValue.flatMap { Self.isURL($0) ? $0 : nil }
        chainedTo = entry["chainedTo"]?.stringValue ?? (success ? resultURL : nil)
        state = success ? .succeeded : .failed
        durationMs = entry["durationMs"]?.numberValue
        if !success, let failure = entry["forwardFailure"], let to = failure["to"]?.stringValue {
            handOffFailed = HandOffFailure(mayHaveRun: failure["mayHaveRun"] != .bool(false), to: to)
        }
        error = success ? nil : (entry["error"]?.stringValue ?? result?.stringValue)

        // result[0] is the value as JSON text (wasmiot: json.dumps(value); Tide: the exact number).
        let firstText = result?.arrayValue?.first?.stringValue
        let parsedFirst = firstText.flatMap { text in try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) }
        if let tideValue = entry["value"] ?? entry["values"] ?? entry["files"]?["result"] {
            value = tideValue
        } else if let text = firstText, JSONNumber.nonFinite.contains(text) {
            value = .string(text)  // Python's json.dumps writes a non-finite float bare
        } else {
            value = parsedFirst.flatMap { $0 == .null ? nil : $0 }
        }
        if let text = firstText, let first = text.first, first == "-" || first.isNumber || JSONNumber.nonFinite.contains(text) {
            output = .number(text)
        } else if case .number(let number)? = value {
            output = .number(number.text)
        } else if let text = value?.stringValue, JSONNumber.nonFinite.contains(text) {
            output = .number(text)
        } else if let url = entry["files"]?["result"]?.stringValue {
            output = .bytes(url: url)
        } else {
            output = .nothing
        }
    }

    static func isURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else { return false }
        return (scheme == "http" || scheme == "https") && components.host?.isEmpty == false
    }
}
