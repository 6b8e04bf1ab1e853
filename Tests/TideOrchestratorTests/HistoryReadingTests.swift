import Foundation
import NIOCore
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

@Suite("Request-history entries of both supervisors", .stopsWhatItStarts)
struct HistoryReadingTests {
    @Test("a wasmiot last step: result is [json.dumps(value), files]")
    func wasmiotValue() {
        let entry: JSONValue = [
            "request_id": "fibo:fibo:fibo:0", "deployment_id": "fibo", "module_name": "fibo", "function_name": "fibo",
            "method": "POST", "request_args": ["param0": "10"], "request_files": [:], "work_queued_at": "Fri, 04 Dec 2026 05:00:00 GMT",
            "result": ["55", .null], "success": true,
        ]
        let reading = HistoryReading(entry)
        #expect(reading.state == .succeeded)
        #expect(reading.value == .number(55))
        #expect(reading.output == .number("55"))
        #expect(reading.chainedTo == nil && reading.error == nil)
    }

    @Test("a wasmiot chained step: result is the next device's resultUrl, bare")
    func wasmiotChained() {
        let next = "http://127.0.0.1:5102/request-history/fibo:double:double:3"
        let reading = HistoryReading(["request_id": "fibo:fibo:fibo:0", "result": .string(next), "success": true])
        #expect(reading.state == .succeeded && reading.chainedTo == next && reading.value == nil)
    }

    @Test("a wasmiot failure: success false, the error's text in result")
    func wasmiotFailure() {
        let reading = HistoryReading(["request_id": "x:y:z:0", "result": "division by zero", "success": false])
        #expect(reading.state == .failed && reading.error == "division by zero" && reading.chainedTo == nil)
    }

    @Test("a Tide entry: status, exact result text, chainedTo")
    func tide() {
        #expect(HistoryReading(["requestId": "r1", "status": "pending", "success": false]) == .pending)
        let done = HistoryReading([
            "requestId": "r1", "status": "done", "success": true, "result": ["9007199254740993", .null], "value": 9_007_199_254_740_993,
        ])
        #expect(done.state == .succeeded && done.output == .number("9007199254740993"))
        let chained = HistoryReading([
            "requestId": "r1", "status": "done", "success": true, "result": "http://127.0.0.1:1/request-history/r2",
            "chainedTo": "http://127.0.0.1:1/request-history/r2",
        ])
        #expect(chained.chainedTo == "http://127.0.0.1:1/request-history/r2")
        let failed = HistoryReading(["requestId": "r1", "status": "failed", "success": false, "error": "trap: unreachable"])
        #expect(failed.state == .failed && failed.error == "trap: unreachable")
        #expect(failed.handOffFailed == nil)
    }

    @Test("a Tide entry whose hand-off failed keeps the step's value and says whether the next step may have run")
    func handOffFailed() {
        let entry: JSONValue = [
            "requestId": "r1", "status": "failed", "success": false, "result": ["987", .null], "value": 987,
            "error": "the next step at http://127.0.0.1:2/pipe/modules/middle/tick failed: abandoned: the orchestrator moved the next step",
            "forwardFailure": ["to": "http://127.0.0.1:2/pipe/modules/middle/tick", "mayHaveRun": true],
        ]
        let reading = HistoryReading(entry)
        #expect(reading.state == .failed)
        #expect(reading.output == .number("987"))
        #expect(reading.handOffFailed == .init(mayHaveRun: true, to: "http://127.0.0.1:2/pipe/modules/middle/tick"))
        #expect(reading.chainedTo == nil)
        let refused = HistoryReading([
            "requestId": "r2", "status": "failed", "success": false, "result": ["5", .null], "value": 5, "error": "refused",
            "forwardFailure": ["to": "http://127.0.0.1:2/x", "mayHaveRun": false],
        ])
        #expect(refused.handOffFailed?.mayHaveRun == false)
    }

    @Test("a float result and a bytes result")
    func otherResults() {
        let float = HistoryReading(["request_id": "a", "result": ["1.5", .null], "success": true])
        #expect(float.value == .number(1.5) && float.output == .number("1.5"))
        let bytes = HistoryReading([
            "requestId": "r", "status": "done", "success": true, "files": ["result": "http://127.0.0.1:1/request-history/r/files/result"],
        ])
        #expect(bytes.output == .bytes(url: "http://127.0.0.1:1/request-history/r/files/result"))
    }

    @Test("values arrive exactly: an i64 beyond 2^53, a non-finite float from either supervisor")
    func exactValues() throws {
        let text = #"{"requestId": "r1", "status": "done", "success": true, "result": ["9007199254740993", null], "value": 9007199254740993}"#
        let done = HistoryReading(try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))
        #expect(done.value?.jsonNumber?.int64 == 9_007_199_254_740_993)
        let tideNaN = HistoryReading(["requestId": "r", "status": "done", "success": true, "result": [#""NaN""#, .null], "value": "NaN"])
        #expect(tideNaN.value == "NaN" && tideNaN.output == .number("NaN"))
        let wasmiotInfinity = HistoryReading(["request_id": "a", "result": ["-Infinity", .null], "success": true])
        #expect(wasmiotInfinity.value == "-Infinity" && wasmiotInfinity.output == .number("-Infinity"))
    }

    @Test("no URL is made of text that is not one")
    func urls() {
        #expect(HistoryReading.isURL("http://a:1/x") && HistoryReading.isURL("https://a/x"))
        #expect(!HistoryReading.isURL(#""http://a:1/x""#) && !HistoryReading.isURL("55") && !HistoryReading.isURL("ftp://a/x"))
        #expect(!HistoryReading.isURL("http:///nohost"))
    }

    @Test("arbitrary entries never crash the reader")
    func arbitrary() {
        var random = SystemRandomNumberGenerator()
        let leaves: [JSONValue] = [.null, .bool(true), .bool(false), .number(1), .number(-2.5), .string("http://h:1/p"), .string("x"), .array([]), .object([:])]
        for _ in 0..<2_000 {
            var fields: [String: JSONValue] = [:]
            for key in ["status", "success", "result", "value", "values", "files", "chainedTo", "error", "durationMs"]
            where Bool.random(using: &random) {
                let leaf = leaves.randomElement(using: &random) ?? .null
                fields[key] = Bool.random(using: &random) ? leaf : .array([leaf, leaves.randomElement(using: &random) ?? .null])
            }
            _ = HistoryReading(.object(fields))
        }
    }

    @Test("a wasmiot error answer's message")
    func errorMessage() {
        let body = ByteBuffer(string: #"{"status": "error", "result": "deployment does not exist"}"#)
        #expect(SupervisorClient.errorMessage(body) == "deployment does not exist")
    }
}
