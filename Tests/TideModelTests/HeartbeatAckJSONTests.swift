import Foundation
import Testing
import TideFixtures
import TideModel

@Suite("Heartbeat answers written without JSONEncoder")
struct HeartbeatAckJSONTests {
    @Test("the text is the encoder's for the usual answers")
    func sameText() throws {
        let answers = [
            HeartbeatAck(status: "known", device: DeviceID("dev-1")),
            HeartbeatAck(status: "registered", device: DeviceID("a.b_c-9"), publisherKeys: "3f9a", watcher: "http://127.0.0.1:8080"),
            HeartbeatAck(status: "known", device: DeviceID("x"), watcher: "https://replica-2.example:8443/base"),
        ]
        for answer in answers {
            let encoded = try TideJSON.encoder().encode(answer)
            #expect(String(decoding: answer.jsonBytes, as: UTF8.self) == String(decoding: encoded, as: UTF8.self))
        }
    }

    @Test("any strings decode back to the same answer")
    func roundTrip() throws {
        var random = SplitMix64(seed: 19)
        let pieces = ["a", "Z", "0", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1F}", "\u{7F}", "é", "√", "🦀", " ", "{", "}", ":", ","]
        func text() -> String {
            String((0..<Int(random.next() % 12)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined())
        }
        for _ in 0..<500 {
            let answer = HeartbeatAck(
                status: text(), device: DeviceID(text()), publisherKeys: random.next() % 2 == 0 ? nil : text(),
                watcher: random.next() % 2 == 0 ? nil : text())
            let decoded = try JSONDecoder().decode(HeartbeatAck.self, from: Data(answer.jsonBytes))
            #expect(decoded == answer)
        }
    }
}
