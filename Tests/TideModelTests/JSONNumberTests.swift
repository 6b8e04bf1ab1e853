import Foundation
import Testing
import TideFixtures
import TideModel

/// Numbers survive JSON exactly: integers of 64 bits, and the bits of every finite f32 and f64.
@Suite("JSONNumber")
struct JSONNumberTests {
    static let rounds = 20_000

    /// `value` written by JSONEncoder and by JSONWriter, each read back by JSONDecoder.
    static func roundTrips(_ value: JSONValue) throws -> [JSONValue] {
        var writer = JSONWriter()
        if case .number(let number) = value { writer.number(number) }
        let texts = [try JSONEncoder().encode(value), Data(writer.bytes), try TideJSON.encoder().encode(["v": value])]
        return try texts.map { data in
            let decoded = try TideJSON.decoder().decode(JSONValue.self, from: data)
            return decoded["v"] ?? decoded
        }
    }

    @Test("random i64 and u64 bit patterns round-trip exactly")
    func integers() throws {
        var random = SplitMix64(seed: 17)
        let edges: [UInt64] = [0, 1, UInt64(1) << 53, (UInt64(1) << 53) + 1, UInt64(Int64.max), UInt64(Int64.max) + 1, UInt64.max]
        for round in 0..<Self.rounds {
            let bits = round < edges.count ? edges[round] : random.next() >> (random.next() % 64)
            let signed = JSONValue.number(JSONNumber(Int64(bitPattern: bits)))
            let unsigned = JSONValue.number(JSONNumber(bits))
            for back in try Self.roundTrips(signed) {
                #expect(back.jsonNumber?.int64 == Int64(bitPattern: bits))
            }
            for back in try Self.roundTrips(unsigned) {
                #expect(back.jsonNumber?.uint64 == bits)
            }
        }
    }

    @Test("random finite f64 bit patterns round-trip to the same bits")
    func doubles() throws {
        var random = SplitMix64(seed: 64)
        var checked = 0
        let edges: [Double] = [0, -0.0, 0.1, 1e300, -1e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 0x1p53 + 2, 1.5]
        for round in 0..<Self.rounds {
            let value = round < edges.count ? edges[round] : Double(bitPattern: random.next())
            guard value.isFinite else { continue }
            for back in try Self.roundTrips(.number(JSONNumber(value))) {
                #expect(back.jsonNumber?.double.bitPattern == value.bitPattern, "\(value)")
            }
            checked += 1
        }
        #expect(checked > Self.rounds / 2)
    }

    @Test("random finite f32 bit patterns round-trip to the same bits, in their shortest text")
    func floats() throws {
        var random = SplitMix64(seed: 32)
        for round in 0..<Self.rounds {
            let value = round == 0 ? Float(0.1) : Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
            guard value.isFinite else { continue }
            for back in try Self.roundTrips(.number(JSONNumber(value))) {
                let number = try #require(back.jsonNumber)
                #expect(Float(number.double).bitPattern == value.bitPattern, "\(value)")
            }
        }
        #expect(JSONNumber(Float(0.1)).text == "0.1")
    }

    @Test("non-finite floats are the strings NaN, Infinity and -Infinity; the writer writes null")
    func nonFinite() throws {
        #expect(JSONValue.float(.nan) == "NaN")
        #expect(JSONValue.float(.infinity) == "Infinity")
        #expect(JSONValue.float(-.infinity) == "-Infinity")
        #expect(JSONValue.float(2.5) == .number(2.5))
        var writer = JSONWriter()
        writer.number(Double.nan)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == "null")
    }

    @Test("equal numbers are equal however they were written; texts read exactly")
    func canonical() throws {
        let one = try JSONDecoder().decode([JSONValue].self, from: Data("[1, 1.0, 1e0, 10e-1]".utf8))
        #expect(Set(one) == [.number(1)])
        #expect(JSONNumber(text: "9007199254740993")?.int64 == 9_007_199_254_740_993)
        #expect(JSONNumber(text: "18446744073709551615")?.uint64 == UInt64.max)
        #expect(JSONNumber(text: "-9223372036854775808")?.int64 == Int64.min)
        #expect(JSONNumber(text: "0.1")?.double == 0.1)
        #expect(JSONNumber(text: "-0")?.double.sign == .minus)
        for bad in ["", "0x10", "1.", ".5", "inf", "NaN", "+1", "01", "1e400", "1 "] {
            #expect(JSONNumber(text: bad) == nil, "\(bad)")
        }
        #expect(JSONNumber(9_007_199_254_740_993 as Int64).text == "9007199254740993")
        #expect(JSONNumber(-0.0).text == "-0.0")
        #expect(JSONNumber(1e300).text == "1e+300")
    }

    @Test("events and deployments stored as JSON before numbers were exact still decode")
    func storedJSON() throws {
        let stored = #"{"gain": 0.25, "generation": 3, "memoryBytes": 268435456, "previousForMs": 1500.0, "score": -1.5e-7}"#
        let value = try TideJSON.decoder().decode(JSONValue.self, from: Data(stored.utf8))
        #expect(value == ["gain": 0.25, "generation": 3, "memoryBytes": 268_435_456, "previousForMs": 1500, "score": .number(JSONNumber(-1.5e-7))])
        #expect(value["generation"]?.numberValue == 3)
    }
}
