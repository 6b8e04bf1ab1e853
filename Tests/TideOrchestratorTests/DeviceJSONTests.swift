import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

@Suite("Fast device JSON", .stopsWhatItStarts)
struct DeviceJSONTests {
    func device(name: String, health: HealthReport?, arch: String?) -> Device {
        let time = Date(timeIntervalSince1970: 1_795_305_135.385)
        return Device(
            id: DeviceID("dev-0123456789ab"), name: name, addresses: ["127.0.0.1", "::1"], port: 5000,
            status: .suspect, statusSince: time, statusReason: "1 failed probe; last: \"timeout\"\n",
            description: RawJSON(unchecked: Array(#"{"platform": {"memory": {"bytes": 5}}, "x": [1.5, null, "é"]}"#.utf8)),
            capabilities: DeviceCapabilities(
                interfaces: ["fd_write", "sensor.read"], memoryBytes: 5, cpuName: arch == nil ? nil : "Cortex", cpuClockHz: 7,
                arch: arch, labels: ["rack": "2"]),
            labels: ["zone": "lobby", "tab\t": "back\\slash"], health: health, firstSeen: time.addingTimeInterval(-86_400 * 400),
            lastSeen: time.addingTimeInterval(0.001))
    }

    @Test("decodes to the same device as the Codable form")
    func sameAsCodable() throws {
        let health = HealthReport(cpuUsage: 0.125, memoryUsage: 1e-7, receivedAt: Date(timeIntervalSince1970: 1_700_000_000.999))
        for original in [
            device(name: "plain", health: health, arch: "aarch64"),
            device(name: "quotes \" and \u{1} control", health: nil, arch: nil),
        ] {
            let bytes = DeviceJSON.encode(original)
            let decoded = try TideJSON.decoder().decode(Device.self, from: Data(bytes))
            #expect(decoded.name == original.name && decoded.labels == original.labels && decoded.statusReason == original.statusReason)
            #expect(decoded.capabilities == original.capabilities)
            #expect(decoded.description.value == original.description.value)
            #expect(abs(decoded.lastSeen.timeIntervalSince(original.lastSeen)) < 0.001)
            let viaCodable = try TideJSON.decoder().decode(Device.self, from: TideJSON.encoder().encode(original))
            #expect(decoded == viaCodable)
        }
    }

    @Test("the list cache writes a device again only when its revision changes, and forgets revisions a full list lacks")
    func listCache() {
        let cache = DeviceListCache(slack: 0)
        let first = device(name: "before", health: nil, arch: nil)
        var renamed = first
        renamed.name = "after"
        func listed(_ device: Device, _ revision: UInt64) -> Inventory.ListedDevice {
            Inventory.ListedDevice(device: device, revision: revision, supervisor: .tide)
        }
        let written = cache.parts(for: [listed(first, 1)], complete: true)
        #expect(written.count == 1)
        // The same revision reuses the part as written, even if the value differs (the revision is the contract).
        #expect(cache.parts(for: [listed(renamed, 1)], complete: true).first?.head == written.first?.head)
        let rewritten = cache.parts(for: [listed(renamed, 2)], complete: true)
        let rewrittenText = String(decoding: rewritten.first?.head ?? [], as: UTF8.self)
        #expect(rewrittenText.contains("\"after\""))
        // A full list without that revision forgets it: listed again at it, the device is written anew.
        _ = cache.parts(for: [], complete: true)
        let again = cache.parts(for: [listed(first, 2)], complete: false)
        let againText = String(decoding: again.first?.head ?? [], as: UTF8.self)
        #expect(againText.contains("\"before\""))
    }

    @Test("timestamps: the calendar is right before and after 1970, leap days included, and parsing round-trips")
    func timestamps() throws {
        let reference = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [0, -1, 951_782_400.5, 1_709_164_800.999, -2_208_988_800, 4_102_444_799.001, 1_795_305_135.385]
        let random = (0..<2000).map { _ in Double(Int64.random(in: -5_000_000_000_000...5_000_000_000_000, using: &generator)) / 1000 }
        for seconds in fixed + random {
            let date = Date(timeIntervalSince1970: seconds)
            let text = TideJSON.formatTimestamp(date)
            // Same calendar fields as Foundation's formatter (milliseconds may differ by rounding).
            #expect(text.prefix(19) == date.addingTimeInterval(-0.0005).formatted(reference).prefix(19)
                || text.prefix(19) == date.addingTimeInterval(0.0005).formatted(reference).prefix(19), "\(seconds)")
            let parsed = try #require(TideJSON.parseTimestamp(text))
            #expect(abs(parsed.timeIntervalSince(date)) <= 0.0005 + 1e-6, "\(seconds)")
            #expect(TideJSON.formatTimestamp(parsed) == text)
        }
    }
}
