import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("Heartbeats from Tide supervisors", .stopsWhatItStarts)
struct HeartbeatTests {
    func beat(_ id: String, port: Int? = nil, cpu: Double = 0.75) -> String {
        let portField = port.map { #", "port": \#($0)"# } ?? ""
        return #"{"id": "\#(id)"\#(portField), "health": {"cpuUsage": \#(cpu), "memoryUsage": 0.5}, "deployments": []}"#
    }

    @Test("a heartbeat is proof of life: health and last-seen update, a dead device comes back")
    func knownDevice() async throws {
        let server = try await TestServer.start(probeInterval: .milliseconds(100), probeTimeout: .milliseconds(200))
        let device = try await FakeDevice.start(tideID: "gw-beat-1")
        let registered = try await server.client.addDevice(address: device.address)
        #expect(registered.id == DeviceID("gw-beat-1"))

        device.behaviour = .failing(status: 500)
        #expect(try await eventually { try await server.client.device(registered.id).status == .dead })
        // The supervisor's HTTP side is broken, but its heartbeats arrive: it is alive.
        let answer = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-beat-1", cpu: 0.9), token: .some(server.fleetToken))
        #expect(answer.status == 200)
        #expect(try JSONDecoder().decode(HeartbeatAck.self, from: Data(answer.body.utf8)) == HeartbeatAck(status: "known", device: registered.id))
        device.behaviour = .healthy
        let revived = try await server.client.events(device: registered.id).events.filter { $0.kind == .deviceStatusChanged }
        #expect(revived.contains { $0.details?["to"] == "alive" && $0.details?["evidence"] == "heartbeat received" })
    }

    @Test("an unknown supervisor that names its port is registered by its heartbeat")
    func autoRegistration() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(tideID: "gw-beat-2")
        let answer = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-beat-2", port: device.port), token: .some(server.fleetToken))
        #expect(answer.status == 200, "\(answer.body)")
        #expect(try JSONDecoder().decode(HeartbeatAck.self, from: Data(answer.body.utf8)).status == "registered")
        let stored = try await server.client.device(DeviceID("gw-beat-2"))
        #expect(stored.port == device.port)
        #expect(stored.name == "fake tide supervisor")
    }

    @Test("unknown without a port, a mismatched id, a bad id: clear errors, nothing stored")
    func refusals() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(tideID: "gw-real")

        let noPort = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-ghost"), token: .some(server.fleetToken))
        #expect(noPort.status == 404)
        #expect(errorOf(noPort.body)?.message == "device gw-ghost is not registered; send port in the heartbeat or register it first")

        let mismatch = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-claimed", port: device.port), token: .some(server.fleetToken))
        #expect(mismatch.status == 409)
        #expect(errorOf(mismatch.body)?.message == "the device at 127.0.0.1:\(device.port) describes itself as gw-real, but the heartbeat says gw-claimed")

        let badID = try await server.request(.POST, "/file/device/heartbeat", body: beat("bad id"), token: .some(server.fleetToken))
        #expect(badID.status == 400)
        #expect(try server.store().allDevices().map(\.id) == [DeviceID("gw-real")])
    }

    @Test("forged health values and oversized reports are refused; the stored health stays as it was")
    func forgedValues() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(tideID: "gw-forged")
        let registered = try await server.client.addDevice(address: device.address)
        let good = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-forged", cpu: 0.25), token: .some(server.fleetToken))
        #expect(good.status == 200, "\(good.body)")

        let negative = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-forged", cpu: -1e308), token: .some(server.fleetToken))
        #expect(negative.status == 400)
        #expect(errorOf(negative.body)?.message == "health.cpuUsage must be a fraction from 0 to 1, not -1e+308")
        let percent = try await server.request(.POST, "/file/device/heartbeat", body: beat("gw-forged", cpu: 96.8), token: .some(server.fleetToken))
        #expect(errorOf(percent.body)?.message == "health.cpuUsage must be a fraction from 0 to 1, not 96.8")
        let many = (0...10_000).map { #"{"id": "d\#($0)", "generation": 1}"# }.joined(separator: ",")
        let flood = #"{"id": "gw-forged", "health": {"cpuUsage": 0.1, "memoryUsage": 0.1}, "deployments": [\#(many)]}"#
        let refused = try await server.request(.POST, "/file/device/heartbeat", body: flood, token: .some(server.fleetToken))
        #expect(errorOf(refused.body)?.message == "a heartbeat reports at most 10000 deployments, not 10001")

        let stored = try await server.client.device(registered.id)
        #expect(stored.health?.cpuUsage == 0.25)
        // Still serving (a loaded test machine may take a while to answer).
        #expect(await HTTPProbe.answers(server.baseURL + "/healthz", timeout: .seconds(10)))
    }
    @Test("a heartbeat the fast reader leaves alone is decoded as before: accepted when valid, refused with where it is wrong")
    func decoderFallback() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(tideID: "gw-escaped")
        let registered = try await server.client.addDevice(address: device.address)
        // An escape and a field Tide does not know: the decoder reads it, and ignores the field.
        let escaped = #"{"id": "gw-\u0065scaped", "health": {"cpuUsage": 0.5, "memoryUsage": 0.5}, "firmware": "1.2"}"#
        let accepted = try await server.request(.POST, "/file/device/heartbeat", body: escaped, token: .some(server.fleetToken))
        #expect(accepted.status == 200, "\(accepted.body)")
        #expect(try JSONDecoder().decode(HeartbeatAck.self, from: Data(accepted.body.utf8)) == HeartbeatAck(status: "known", device: registered.id))

        let truncated = try await server.request(
            .POST, "/file/device/heartbeat", body: #"{"id": "gw-escaped", "health": {"cpuUsage": 0.9"#, token: .some(server.fleetToken))
        #expect(truncated.status == 400)
        #expect(errorOf(truncated.body)?.message.hasPrefix("invalid JSON") == true, "\(truncated.body)")
        let noHealth = try await server.request(.POST, "/file/device/heartbeat", body: #"{"id": "gw-escaped"}"#, token: .some(server.fleetToken))
        #expect(errorOf(noHealth.body)?.message == "missing field health")
        #expect(try await server.client.device(registered.id).health?.cpuUsage == 0.5)
    }
}
