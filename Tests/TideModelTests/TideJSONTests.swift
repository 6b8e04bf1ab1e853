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
}
