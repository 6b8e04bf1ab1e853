import Foundation
import Testing
import TideModel
@testable import TideTesting

@Suite("wasmiot-compatible device routes", .stopsWhatItStarts)
struct WasmiotCompatibilityTests {
    @Test("a wasmiot supervisor registers itself and appears in /file/device")
    func selfRegistration() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()

        let body = #"{"name": "raspi-1", "host": "127.0.0.1", "port": \#(device.port), "addresses": ["127.0.0.1"], "properties": {"path": "/", "tls": "0"}}"#
        let answer = try await server.request(.POST, "/file/device/discovery/register", body: body, token: .some(nil))
        #expect(answer.status == 204)

        let list = try await server.request(.GET, "/file/device", token: .some(nil))
        #expect(list.status == 200)
        let devices = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(list.body.utf8)).arrayValue)
        #expect(devices.count == 1)
        let entry = try #require(devices.first)
        #expect(entry["name"] == "raspi-1")
        #expect(entry["communication"]?["port"] == .number(JSONNumber(device.port)))
        #expect(entry["communication"]?["addresses"] == ["127.0.0.1"])
        #expect(entry["description"] == FakeDevice.description)
        #expect(entry["status"] == "active")
        #expect(entry["health"]?["report"]?["cpuUsage"] == 0.25)
        #expect(entry["_id"]?.stringValue?.hasPrefix("dev-") == true)
        #expect(try await server.client.devices().first?.trust == .unverified)

        // Registering again updates the same device.
        #expect(try await server.request(.POST, "/file/device/discovery/register", body: body, token: .some(nil)).status == 204)
        #expect(try server.store().allDevices().count == 1)
    }

    @Test("a wasmiot registration of an unusable device is refused and stores nothing")
    func refused() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start(.missingMemory)
        let body = #"{"name": "raspi-2", "host": "127.0.0.1", "port": \#(device.port)}"#
        let answer = try await server.request(.POST, "/file/device/discovery/register", body: body, token: .some(nil))
        #expect(answer.status == 502)
        // The reason goes to the server's log, not to an unauthenticated caller.
        #expect(errorOf(answer.body)?.message == "the device at 127.0.0.1:\(device.port) could not be registered; the server's log says why")
        #expect(try server.store().allDevices().isEmpty)
        #expect(try server.store().events().isEmpty)

        let badPort = try await server.request(
            .POST, "/file/device/discovery/register", body: #"{"host": "127.0.0.1", "port": 0}"#, token: .some(nil))
        #expect(badPort.status == 400)
        #expect(errorOf(badPort.body)?.message == "port must be 1-65535, got 0")
    }
}
