import Foundation
import Testing
import TideModel
@testable import TideTesting

/// `tide device rm` forgets a device and refuses its return until an operator adds it again or
/// it enrolls with a new join token; the refusal is stored and survives a restart.
@Suite("Removed devices stay removed", .stopsWhatItStarts)
struct DeviceRemovalTests {
    static let removedMessage = "was removed from the fleet by an operator at"

    func beat(_ id: DeviceID, port: Int? = nil) -> String {
        let portField = port.map { #", "port": \#($0)"# } ?? ""
        return #"{"id": "\#(id)"\#(portField), "health": {"cpuUsage": 0.1, "memoryUsage": 0.2}, "deployments": []}"#
    }

    func wasmiotRegistration(port: Int) -> String {
        #"{"name": "wasmiot-a._webthing._tcp.local.", "type": "_webthing._tcp.local.", "port": \#(port)}"#
    }

    @Test("a live supervisor's heartbeats are refused after rm; it says so once, stays out of the list, and tide device add brings it back")
    func liveSupervisor() async throws {
        let server = try await TestServer.start()
        let supervisor = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", "sup-removed", "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", server.baseURL, "--token", server.fleetToken, "--heartbeat-interval", "0.2", "--log-level", "info",
        ])
        defer { supervisor.stop() }
        #expect(try await eventually { try await server.client.devices().count == 1 })
        let device = try #require(try await server.client.devices().first)

        try await server.client.removeDevice(device.id)
        #expect(try await eventually { supervisor.output().contains(Self.removedMessage) }, "\(supervisor.output())")
        // More than three heartbeat intervals: none of them brings the device back.
        try await Task.sleep(for: .seconds(1.5))
        #expect(try await server.client.devices().isEmpty)
        #expect(supervisor.output().components(separatedBy: Self.removedMessage).count == 2, "logged once: \(supervisor.output())")

        let answer = try await server.request(
            .POST, "/file/device/heartbeat", body: beat(device.id, port: supervisor.port), token: .some(server.fleetToken))
        #expect(answer.status == 403)
        let error = try #require(errorOf(answer.body))
        #expect(error.code == "device_removed")
        #expect(error.message.hasPrefix("this device (sup-removed, \(device.id)) \(Self.removedMessage) "))
        #expect(error.message.hasSuffix(
            "; its heartbeats and registrations are refused. Ask them to run `tide device add 127.0.0.1:\(supervisor.port)` or join again with a new join token (tide device token create; tide supervisor --join ... --join-token ...)"))
        #expect(try await server.client.devices().isEmpty)

        let removal = try #require(try await server.client.events(device: device.id).events.last)
        #expect(removal.kind == .deviceRemoved)
        // The human event log names the removed device from its removal event.
        let events = try await TideProcess.run(
            ["events", "--device", device.id.rawValue, "--server", server.baseURL, "--data-dir", server.dataDirectory])
        #expect(events.stdout.contains("  device.removed  sup-removed (\(device.id))  "), "\(events.stdout)")
        #expect(removal.message == "device sup-removed (\(device.id)) removed: removed by an operator; its heartbeats and registrations are refused until an operator adds it again (tide device add) or it joins with a new join token")

        let added = try await server.client.addDevice(address: "127.0.0.1:\(supervisor.port)")
        #expect(added.id == device.id)
        #expect(try await eventually { supervisor.output().contains("accepts this device's heartbeats again") }, "\(supervisor.output())")
        #expect(try await server.client.device(device.id).status == .alive)
    }

    @Test("the refusal survives a server restart; registration by heartbeat or the open route is refused too")
    func survivesRestart() async throws {
        let directory = TemporaryDirectory.make("removal")
        let first = try await TestServer.start(dataDirectory: directory)
        let device = try await FakeDevice.start(tideID: "gw-removed")
        let id = try await first.client.addDevice(address: device.address).id
        try await first.client.removeDevice(id)
        await first.stop()

        let server = try await TestServer.start(dataDirectory: directory)
        let heartbeat = try await server.request(
            .POST, "/file/device/heartbeat", body: beat(id, port: device.port), token: .some(server.fleetToken))
        #expect(heartbeat.status == 403)
        #expect(errorOf(heartbeat.body)?.code == "device_removed")
        let registration = try await server.request(
            .POST, "/file/device/discovery/register", body: wasmiotRegistration(port: device.port), token: .some(nil))
        #expect(registration.status == 403)
        #expect(errorOf(registration.body)?.code == "device_removed")
        #expect(try await server.client.devices().isEmpty)

        #expect(try await server.client.addDevice(address: device.address).id == id)
        let accepted = try await server.request(
            .POST, "/file/device/heartbeat", body: beat(id), token: .some(server.fleetToken))
        #expect(accepted.status == 200, "\(accepted.body)")
    }

    @Test("a wasmiot supervisor, which reports no id, is recognised by its address; tide device add lifts the refusal")
    func wasmiotByAddress() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()
        let body = wasmiotRegistration(port: device.port)
        func register() async throws -> (status: Int, body: String) {
            let answer = try await server.request(.POST, "/file/device/discovery/register", body: body, token: .some(nil))
            return (answer.status, answer.body)
        }
        #expect(try await register().status == 204)
        let id = try #require(try await server.client.devices().first?.id)
        try await server.client.removeDevice(id)

        let refused = try await register()
        #expect(refused.status == 403)
        #expect(errorOf(refused.body)?.message.contains("`tide device add 127.0.0.1:\(device.port)`") == true)
        #expect(try await server.client.devices().isEmpty)

        _ = try await server.client.addDevice(address: device.address)
        #expect(try await register().status == 204)
        #expect(try await server.client.devices().count == 1)
    }
}
