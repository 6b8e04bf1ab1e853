import Foundation
import Testing
import TideModel
@testable import TideTesting

/// Detection at the default timings: 1 s probes, 0.8 s probe timeout, 150 ms rechecks of suspect
/// devices, 1.2 s heartbeat silence before a probe. The goals (dead within 1.5 s when refused, 3 s when frozen)
/// are measured by `tide-bench failover`; the bounds here are ten times that, to catch a hang on a
/// loaded machine without failing on one.
@Suite("Failure detection from combined evidence", .serialized, .stopsWhatItStarts)
struct FailureDetectionTests {
    @Test("a process that is gone (connection refused) is dead, by refused connections")
    func refused() async throws {
        let server = try await TestServer.start(probeInterval: .seconds(1), probeTimeout: .milliseconds(800))
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        try await Task.sleep(for: .milliseconds(300))

        await device.stop()
        let stopped = ContinuousClock.now
        #expect(try await eventually(timeout: .seconds(20)) { try await server.client.device(registered.id).status == .dead })
        let elapsed = ContinuousClock.now - stopped
        #expect(elapsed < .seconds(15), "dead after \(elapsed)")
        let reason = try await server.client.device(registered.id).statusReason
        #expect(reason.hasPrefix("connection refused 2 times in a row: "), "\(reason)")
    }

    @Test("a frozen supervisor (heartbeats stop, the probe sent at once hangs) is dead, by both signals")
    func frozen() async throws {
        let server = try await TestServer.start(probeInterval: .seconds(1), probeTimeout: .milliseconds(800))
        let device = try await FakeDevice.start(tideID: "gw-frozen")
        let registered = try await server.client.addDevice(address: device.address)
        let beat = #"{"id": "gw-frozen", "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#
        for _ in 0..<5 {
            _ = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(server.fleetToken))
            try await Task.sleep(for: .milliseconds(200))
        }
        // SIGSTOP: nothing closes, nothing answers, heartbeats simply stop.
        device.behaviour = .hanging
        let frozen = ContinuousClock.now
        #expect(try await eventually(timeout: .seconds(40)) { try await server.client.device(registered.id).status == .dead })
        let elapsed = ContinuousClock.now - frozen
        #expect(elapsed < .seconds(30), "dead after \(elapsed)")
        let changes = try await server.client.events(device: registered.id).events.filter { $0.kind == .deviceStatusChanged }
        #expect(changes.map { $0.details?["to"]?.stringValue } == ["dead"])
        #expect(changes.last?.details?["evidence"]?.stringValue?.hasPrefix("heartbeats stopped and a health probe failed: ") == true)
    }

    @Test("one slow answer makes a device suspect, not dead, and the recheck clears it")
    func hiccup() async throws {
        let server = try await TestServer.start(probeInterval: .milliseconds(300), probeTimeout: .seconds(1))
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        device.behaviour = .failing(status: 503)
        #expect(try await eventually { try await server.client.device(registered.id).status == .suspect })
        device.behaviour = .healthy
        #expect(try await eventually { try await server.client.device(registered.id).status == .alive })
        let statuses = try await server.client.events(device: registered.id).events.compactMap { $0.details?["to"]?.stringValue }
        #expect(!statuses.contains("dead"))
    }

    @Test("a device that keeps dying and returning is damped, visibly")
    func flapping() async throws {
        let server = try await TestServer.start(probeInterval: .milliseconds(100), probeTimeout: .milliseconds(100))
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        for _ in 0..<2 {
            device.behaviour = .failing(status: 500)
            #expect(try await eventually { try await server.client.device(registered.id).status == .dead })
            device.behaviour = .healthy
            #expect(try await eventually { try await server.client.device(registered.id).status == .alive })
        }
        let shown = try await server.client.device(registered.id)
        let until = try #require(shown.dampedUntil)
        #expect(until > Date().addingTimeInterval(20))
        let damped = try await server.client.events(device: registered.id).events.filter { $0.kind == .deviceDamped }
        #expect(damped.count == 1)
        #expect(damped.first?.message.contains("keeps dying and returning (2 returns in 10 min)") == true)
        #expect(try server.store().device(registered.id)?.dampedUntil != nil)
    }

    @Test("a device whose heartbeats arrive is not probed; when they stop it is probed at once, and an answer changes nothing")
    func heartbeatsReplaceProbes() async throws {
        let server = try await TestServer.start(
            probeInterval: .milliseconds(200), probeTimeout: .milliseconds(500), heartbeatTimeout: .milliseconds(800))
        let device = try await FakeDevice.start(tideID: "gw-beating")
        let registered = try await server.client.addDevice(address: device.address)
        let beat = #"{"id": "gw-beating", "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}}"#
        _ = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(server.fleetToken))
        let before = device.healthRequests
        for _ in 0..<10 {
            _ = try await server.request(.POST, "/file/device/heartbeat", body: beat, token: .some(server.fleetToken))
            try await Task.sleep(for: .milliseconds(200))
        }
        // Two seconds of heartbeats at a 0.2 s probe interval: at most the probe already under way.
        #expect(device.healthRequests - before <= 1, "probed \(device.healthRequests - before) times while heartbeating")

        // Silence: the probe goes out at once; it answers, so the device stays alive and no event is written.
        let silent = device.healthRequests
        #expect(try await eventually(timeout: .seconds(20)) { device.healthRequests > silent })
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await server.client.device(registered.id).status == .alive)
        let changes = try await server.client.events(device: registered.id).events.filter { $0.kind == .deviceStatusChanged }
        #expect(changes.isEmpty, "\(changes.map(\.message))")
    }
}
