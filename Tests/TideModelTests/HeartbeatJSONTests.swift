import Foundation
import Testing
import TideFixtures
import TideModel

@Suite("Heartbeats read without JSONDecoder")
struct HeartbeatJSONTests {
    func plain(_ text: String) -> Heartbeat? {
        Array(text.utf8).withUnsafeBytes { Heartbeat(plainJSON: $0) }
    }

    func plain(_ bytes: [UInt8]) -> Heartbeat? {
        bytes.withUnsafeBytes { Heartbeat(plainJSON: $0) }
    }

    func decoded(_ bytes: [UInt8]) -> Heartbeat? {
        try? TideJSON.decoder().decode(Heartbeat.self, from: Data(bytes))
    }

    func randomHeartbeat(_ random: inout SplitMix64) -> Heartbeat {
        func maybe<T>(_ value: T) -> T? { random.next() % 3 == 0 ? nil : value }
        let ascii = Array("abcXYZ019-_. /:{}[],".unicodeScalars)
        func text(_ count: Int) -> String {
            String(String.UnicodeScalarView((0..<count).map { _ in ascii[Int(random.next() % UInt64(ascii.count))] }))
        }
        let doubles = [0, 1, 0.5, 1e-300, 0.1 + 0.2, Double.leastNonzeroMagnitude, 123.456e-5, Double(random.next() % 1_000_000) / 999_983]
        let cpu = doubles[Int(random.next() % UInt64(doubles.count))] * (random.next() % 5 == 0 ? -1 : 1)
        let milliseconds = Int64(random.next() % 4_102_444_800_000)
        return Heartbeat(
            id: DeviceID("dev-" + text(Int(random.next() % 20))),
            name: maybe(text(Int(random.next() % 30))),
            port: maybe(Int(random.next() % 70_000)),
            sentAt: maybe(Date(timeIntervalSince1970: Double(milliseconds) / 1000)),
            health: .init(cpuUsage: cpu, memoryUsage: Double(random.next() % 10_000) / 10_000),
            deployments: maybe((0..<Int(random.next() % 4)).map { index in
                Heartbeat.DeploymentState(id: "deployment-\(index)-" + text(5), generation: Int(random.next() % 1_000_000))
            }))
    }

    @Test("what a supervisor sends is read as the decoder reads it")
    func sameAsDecoder() throws {
        var random = SplitMix64(seed: 1919)
        for _ in 0..<1_000 {
            let beat = randomHeartbeat(&random)
            let bytes = Array(try TideJSON.encoder().encode(beat))
            let fast = try #require(plain(bytes), "\(String(decoding: bytes, as: UTF8.self))")
            #expect(fast == decoded(bytes))
            #expect(fast.id == beat.id && fast.deployments == beat.deployments && fast.health == beat.health)
        }
    }

    @Test("white space, nulls and any field order are read too")
    func layout() throws {
        let text = """
             { "health" : { "memoryUsage" : 0.5 , "cpuUsage" : 0.25 } ,\t"name":null,"port":null,
              "deployments" : [ { "generation" : 0 , "id" : "d" } ] , "sentAt" : null , "id" : "gw-1" }\r\n
            """
        let fast = try #require(plain(text))
        #expect(fast == Heartbeat(id: DeviceID("gw-1"), name: nil, port: nil, sentAt: nil, health: .init(cpuUsage: 0.25, memoryUsage: 0.5), deployments: [.init(id: "d", generation: 0)]))
        #expect(fast == decoded(Array(text.utf8)))
        #expect(plain(#"{"deployments":null,"health":{"cpuUsage":0,"memoryUsage":1},"id":"x"}"#)?.deployments == nil)
    }

    @Test("anything but the plainest JSON is left to the decoder", arguments: [
        #"{"id":"x","health":{"cpuUsage":0,"memoryUsage":0},"extra":1}"#,  // unknown field (the decoder ignores it)
        #"{"id":"x","id":"y","health":{"cpuUsage":0,"memoryUsage":0}}"#,  // a field twice
        #"{"id":"x","health":{"cpuUsage":0,"cpuUsage":1,"memoryUsage":0}}"#,
        #"{"id":"x\u0041","health":{"cpuUsage":0,"memoryUsage":0}}"#,  // an escape
        #"{"id":"x","name":"é","health":{"cpuUsage":0,"memoryUsage":0}}"#,  // not ASCII
        #"{"id":"x","port":80.0,"health":{"cpuUsage":0,"memoryUsage":0}}"#,  // a fraction where an integer goes
        #"{"id":"x","port":080,"health":{"cpuUsage":0,"memoryUsage":0}}"#,  // not JSON
        #"{"id":"x","health":{"cpuUsage":.5,"memoryUsage":0}}"#,
        #"{"id":"x","health":{"cpuUsage":1e999,"memoryUsage":0}}"#,  // out of a double's range
        #"{"id":"x","health":{"cpuUsage":5e-3245,"memoryUsage":0}}"#,  // the decoder refuses an underflow to zero
        #"{"id":"x","health":{"cpuUsage":0e5,"memoryUsage":0}}"#,  // and any zero with an exponent
        #"{"id":"x","health":{"cpuUsage":0,"memoryUsage":0}} x"#,  // trailing text
        #"{"id":"x","health":{"cpuUsage":0,"memoryUsage":0},}"#,
        #"{"id":"x"}"#,  // no health
        #"{"id":"x","health":{"cpuUsage":0}}"#,
        #"{"id":"x","health":null}"#,
        #"{"id":7,"health":{"cpuUsage":0,"memoryUsage":0}}"#,
        #"{"id":"x","sentAt":"yesterday","health":{"cpuUsage":0,"memoryUsage":0}}"#,
        #"{"id":"x","deployments":[{"id":"d"}],"health":{"cpuUsage":0,"memoryUsage":0}}"#,
        #"{"id":"x","port":1234567890123456789,"health":{"cpuUsage":0,"memoryUsage":0}}"#,
        // Past Int's range: refused before the digits are added up (found by fuzzing: it overflowed).
        #"{"id":"x","port":\#(String(repeating: "1", count: 87)),"health":{"cpuUsage":0,"memoryUsage":0}}"#,
        #"{"id":"x","deployments":[{"id":"d","generation":-99999999999999999999999}],"health":{"cpuUsage":0,"memoryUsage":0}}"#,
        #"[]"#, "", "{",
    ])
    func leftToDecoder(text: String) {
        #expect(plain(text) == nil)
    }

    @Test("mangled heartbeats: read as the decoder reads them, or left to it")
    func mangled() throws {
        var random = SplitMix64(seed: 7)
        let alphabet = Array(#"{}[]":,. -+eE0123456789nulltrueabc\"#.utf8)
        var taken = 0
        for _ in 0..<5_000 {
            var bytes = Array(try TideJSON.encoder().encode(randomHeartbeat(&random)))
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: at)
                default: bytes.removeLast(Int(random.next() % UInt64(bytes.count)))
                }
                if bytes.isEmpty { break }
            }
            guard let fast = plain(bytes) else { continue }
            taken += 1
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                #expect(fast == (try TideJSON.decoder().decode(Heartbeat.self, from: Data(bytes))), "\(text)")
            } catch {
                Issue.record("the decoder refused what the fast path took: \(text): \(error)")
            }
        }
        // Some mangled texts are still heartbeats (a digit changed): the property was checked on those.
        #expect(taken > 100)
    }
}
