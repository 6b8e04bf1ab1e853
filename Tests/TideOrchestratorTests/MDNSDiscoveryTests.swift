import Foundation
import Testing
import TideModel
@testable import TideTesting

/// The orchestrator finds `tide supervisor --advertise` over mDNS, with no registration call and
/// no heartbeats. Needs the confined avahi-daemon (scripts/avahi/test-env sets TIDE_AVAHI_NETNS).
@Suite(
    "mDNS discovery of supervisors", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["TIDE_AVAHI_NETNS"] != nil, "needs the confined Avahi environment: run scripts/avahi/test-env"),
    .stopsWhatItStarts)
struct MDNSDiscoveryTests {
    @Test("an announced supervisor is registered and alive; its withdrawal is evidence; SIGKILL makes it dead")
    func announcedSupervisor() async throws {
        let server = try await TestServer.start(
            probeInterval: .seconds(1), probeTimeout: .milliseconds(800), mdnsServiceType: "_webthing._tcp")
        let started = ContinuousClock.now
        let supervisor = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "mdns-sup", "--data-dir", TemporaryDirectory.make(),
            "--advertise", "--heartbeat-interval", "0", "--log-level", "warning",
        ])
        defer { supervisor.stop() }
        #expect(try await eventually(timeout: .seconds(15)) {
            try await server.client.devices().contains { $0.port == supervisor.port && $0.status == .alive }
        })
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(10), "alive after \(elapsed)")
        let device = try #require(try await server.client.devices().first { $0.port == supervisor.port })
        #expect(device.name == "mdns-sup")
        #expect(device.addresses.first == "127.0.0.1")
        // Anyone can announce a service: a discovered device waits for approval before it gets work.
        #expect(device.trust == .unverified)
        #expect(try await server.client.approveDevice(device.id).trust == .operator)

        supervisor.signal(SIGKILL)
        #expect(try await eventually(timeout: .seconds(5)) { try await server.client.device(device.id).status == .dead })
        // Dead, never deleted.
        #expect(try await server.client.devices().contains { $0.id == device.id })
    }

    @Test("an announcement whose device does not answer yet is registered once it does (retried with backoff)")
    func registrationIsRetried() async throws {
        let server = try await TestServer.start(
            probeInterval: .seconds(1), probeTimeout: .milliseconds(800), mdnsServiceType: "_webthing._tcp")
        let port = try FreePort.pick()
        // Announced before anything listens, as a device whose supervisor is still starting.
        let publisher = try ChildProcess.spawn(
            URL(fileURLWithPath: "/usr/bin/avahi-publish-service"),
            ["wasmiot-late", "_webthing._tcp", String(port), "path=/", "tls=0", "address=127.0.0.1"])
        defer { publisher.stop() }
        try await Task.sleep(for: .seconds(3))
        #expect(try await server.client.devices().isEmpty)
        let model = try await ChildProcess.startWasmiotModel(name: "wasmiot-late", port: port)
        defer { model.stop() }
        #expect(try await eventually(timeout: .seconds(20)) {
            try await server.client.devices().contains { $0.port == port && $0.status == .alive && $0.supervisor == .wasmiot }
        })
    }
}

/// Without an avahi-daemon the server still starts, and static registration works.
@Suite("Server without Avahi", .stopsWhatItStarts)
struct ServerWithoutAvahiTests {
    @Test("mDNS browsing on, no daemon reachable: the server serves and registers devices by address")
    func noDaemon() async throws {
        // In the suites that run without scripts/avahi, no avahi-daemon answers on this machine's bus.
        guard ProcessInfo.processInfo.environment["TIDE_AVAHI_NETNS"] == nil else { return }
        let server = try await TestServer.start(mdnsServiceType: "_webthing._tcp")
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        #expect(registered.status == .alive)
        #expect(try await server.client.devices().count == 1)
    }
}
