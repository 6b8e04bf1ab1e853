import Foundation
import Testing
@testable import TideModel

@Suite("JSON conventions")
struct TideJSONTests {
    struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var when: Date
    }

    @Test("timestamps keep milliseconds")
    func timestamps() throws {
        let value = Sample(name: "x", count: 1, when: Date(timeIntervalSince1970: 1_800_000_000.25))
        let data = try TideJSON.encoder().encode(value)
        #expect(String(decoding: data, as: UTF8.self) == #"{"count":1,"name":"x","when":"2027-01-15T08:00:00.250Z"}"#)
        #expect(try TideJSON.decoder().decode(Sample.self, from: data) == value)
    }

    @Test("decoding errors say where", arguments: [
        ("{\"name\": \"x\",\n \"count\": 1,,", "invalid JSON: unexpected character at line 2, column 13"),
        (#"{"name": "x", "when": "2027-01-15T08:00:00Z"}"#, "missing field count"),
        (#"{"name": 1, "count": 1, "when": "2027-01-15T08:00:00Z"}"#, "wrong type at name: expected a string"),
        (#"{"name": "x", "count": 1, "when": "soon"}"#, "invalid value at when: expected an ISO 8601 timestamp, got \"soon\""),
    ])
    func errors(text: String, message: String) {
        let data = Data(text.utf8)
        do {
            _ = try TideJSON.decoder().decode(Sample.self, from: data)
            Issue.record("decoded \(text)")
        } catch {
            #expect(TideJSON.describe(error, in: data) == message)
        }
    }

    @Test("a number too large for a double is named as such, not as a wrong type")
    func outOfRangeNumber() {
        let data = Data(#"{"inputs": {"n": 1e400}}"#.utf8)
        do {
            _ = try TideJSON.decoder().decode(RunRequest.self, from: data)
            Issue.record("decoded 1e400")
        } catch {
            #expect(TideJSON.describe(error, in: data)
                == "invalid value at inputs.n: the number is out of range: numbers must fit in a 64-bit float (at most about 1.8e308)")
        }
    }

    @Test("JSON nested past the decoder's depth limit is an error, not a crash")
    func deepNesting() {
        let data = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: (any Error).self) { try TideJSON.decoder().decode(JSONValue.self, from: data) }
        let object = Data(("{\"inputs\": " + String(repeating: "{\"a\": ", count: 5_000) + "1" + String(repeating: "}", count: 5_001)).utf8)
        #expect(throws: (any Error).self) { try TideJSON.decoder().decode(RunRequest.self, from: object) }
    }
}
