import Testing
@testable import TideDiscovery

@Suite("TXT records")
struct TXTRecordTests {
    @Test func keyValuePairs() {
        let txt = TXTRecord.parse(strings: ["path=/", "tls=0", "address=192.168.1.20"])
        #expect(txt == ["path": "/", "tls": "0", "address": "192.168.1.20"])
    }

    @Test func keyWithoutEqualsIsPresentWithEmptyValue() {
        #expect(TXTRecord.parse(strings: ["debug"]) == ["debug": ""])
        #expect(TXTRecord.parse(strings: ["empty="]) == ["empty": ""])
    }

    @Test func valueMayContainEquals() {
        #expect(TXTRecord.parse(strings: ["query=a=b=c"]) == ["query": "a=b=c"])
    }

    @Test func keysAreCaseInsensitiveAndFirstOccurrenceWins() {
        let txt = TXTRecord.parse(strings: ["Path=/first", "PATH=/second", "path=/third"])
        #expect(txt == ["path": "/first"])
    }

    @Test func valuesKeepTheirCase() {
        #expect(TXTRecord.parse(strings: ["Name=CamEra"]) == ["name": "CamEra"])
    }

    @Test func emptyKeysAndEntriesAreIgnored() {
        #expect(TXTRecord.parse(strings: ["=value", "", "ok=1"]) == ["ok": "1"])
    }

    @Test func invalidUTF8IsDecodedLeniently() {
        let txt = TXTRecord.parse([Array("k=".utf8) + [0xFF, 0x41]])
        #expect(txt["k"] == "\u{FFFD}A")
    }

    @Test func encodeIsSortedAndRoundTrips() throws {
        let original = ["tls": "0", "path": "/", "address": "10.0.0.1", "flag": ""]
        let encoded = try TXTRecord.encode(original)
        #expect(encoded == ["address=10.0.0.1", "flag=", "path=/", "tls=0"])
        #expect(TXTRecord.parse(strings: encoded) == original)
    }

    @Test func encodeRejectsBadKeysAndLongEntries() {
        #expect(throws: DiscoveryError.self) { try TXTRecord.encode(["a=b": "1"]) }
        #expect(throws: DiscoveryError.self) { try TXTRecord.encode(["": "1"]) }
        #expect(throws: DiscoveryError.self) { try TXTRecord.encode(["k": String(repeating: "x", count: 254)]) }
        #expect((try? TXTRecord.encode(["k": String(repeating: "x", count: 253)])) != nil)
    }

    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"),
        (" 192.168.1.2 ", "192.168.1.2"),
        ("300.1.1.1", nil),
        ("fe80::1", nil),
        ("camera.local", nil),
        ("", nil),
    ] as [(String, String?)])
    func wasmiotAddress(value: String, expected: String?) {
        #expect(TXTRecord.wasmiotAddress(in: ["address": value]) == expected)
    }

    @Test func addressKeyIsFoundWhateverItsCase() {
        let txt = TXTRecord.parse(strings: ["ADDRESS=10.1.2.3"])
        #expect(TXTRecord.wasmiotAddress(in: txt) == "10.1.2.3")
    }
}
