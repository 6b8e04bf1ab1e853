import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("Health monitor", .serialized, .stopsWhatItStarts)
struct HealthMonitorTests {
    @Test("alive -> suspect -> dead -> alive, every change an event with its evidence")
    func transitions() async throws {
        let server = try await TestServer.start(
            probeInterval: .milliseconds(100), probeTimeout: .seconds(2), suspectAfter: 2, deadAfter: 4)
        let device = try await FakeDevice.start()
        let client = server.client
        let registered = try await client.addDevice(address: device.address)

        device.behaviour = .failing(status: 503)
        #expect(try await eventually { try await client.device(registered.id).status == .dead })
        device.behaviour = .healthy
        #expect(try await eventually { try await client.device(registered.id).status == .alive })

        let changes = try await client.events(device: registered.id).events.filter { $0.kind == .deviceStatusChanged }
        #expect(changes.map { $0.details?["to"]?.stringValue } == ["suspect", "dead", "alive"])
        #expect(changes[0].details?["evidence"]?.stringValue?.hasPrefix("2 failed health probes in a row; last: ") == true)
        #expect(changes[0].message.contains("HTTP 503"))
        #expect(changes[1].details?["evidence"]?.stringValue?.hasPrefix("4 failed health probes in a row") == true)
        #expect(changes[2].details?["evidence"] == "health probe answered")

        // The database agrees with the API.
        let stored = try #require(try server.store().device(registered.id))
        #expect(stored.status == .alive)
        #expect(stored.statusReason == "health probe answered")
    }

    @Test("a hanging device does not delay the probes of others")
    func hangingDevice() async throws {
        // The timeout is longer than the interval: were probes sequential, the healthy device
        // would be probed at most once per 600 ms, five times in 3 s (about 30 when independent;
        // the bound leaves room for a loaded machine).
        let server = try await TestServer.start(probeInterval: .milliseconds(100), probeTimeout: .milliseconds(600))
        let healthy = try await FakeDevice.start()
        let hanging = try await FakeDevice.start()
        let client = server.client
        _ = try await client.addDevice(address: healthy.address)
        let stuck = try await client.addDevice(address: hanging.address)
        hanging.behaviour = .hanging

        let before = healthy.healthRequests
        try await Task.sleep(for: .milliseconds(3000))
        let probes = healthy.healthRequests - before
        #expect(probes >= 8, "the healthy device was probed \(probes) times in 3 s")
        // The hanging device is probed once per timeout, not once per interval: no pile-up.
        #expect(hanging.healthRequests <= 8)
        #expect(try await eventually { try await client.device(stuck.id).status != .alive })
        #expect(try await client.devices(status: .alive).count == 1)
    }

    @Test("health reports and last-seen times reach the database in batches")
    func healthPersisted() async throws {
        let server = try await TestServer.start(probeInterval: .milliseconds(100))
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        #expect(try await eventually {
            (try server.store().device(registered.id)?.lastSeen ?? .distantPast) > registered.lastSeen
        })
        // The fake answers like a wasmiot supervisor (cpuUsage 25, in percent): probes read it as 0.25.
        #expect(try await server.client.device(registered.id).health?.cpuUsage == 0.25)
    }
}
