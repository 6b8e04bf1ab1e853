import Foundation
import NIOHTTP1
import Testing
import TideClient
import TideModel
@testable import TideOrchestrator
import TideStore
@testable import TideTesting

@Suite("Device inventory over HTTP", .stopsWhatItStarts)
struct DeviceAPITests {
    @Test("register, list, show, label, remove through real HTTP")
    func lifecycle() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()

        let added = try await server.request(.POST, "/api/v1/devices", body: #"{"address": "\#(device.address)", "name": "gw-1"}"#)
        #expect(added.status == 201)
        let registered = try TideJSON.decoder().decode(Device.self, from: Data(added.body.utf8))
        #expect(registered.name == "gw-1")
        #expect(registered.status == .alive)
        #expect(registered.addresses == ["127.0.0.1"])
        #expect(registered.port == device.port)
        #expect(registered.capabilities.memoryBytes == 268_435_456)
        #expect(registered.capabilities.cpuName == "Simulated Cortex-A53")
        #expect(registered.capabilities.cpuClockHz == 1_200_000_000)
        #expect(registered.capabilities.interfaces == ["fd_write", "millis", "takeImageStaticSize"])
        #expect(registered.description.value == FakeDevice.description)
        #expect(registered.health?.cpuUsage == 0.25)

        let client = server.client
        #expect(try await client.devices().map(\.id) == [registered.id])
        #expect(try await client.device(registered.id) == registered)

        let labelled = try await client.label(registered.id, ["zone": "lobby", "floor": "1"])
        #expect(labelled.labels == ["zone": "lobby", "floor": "1"])
        let unlabelled = try await client.label(registered.id, ["floor": nil])
        #expect(unlabelled.labels == ["zone": "lobby"])

        // What the API showed was written to the database file.
        let stored = try #require(try server.store().device(registered.id))
        #expect(stored.labels == ["zone": "lobby"])
        #expect(stored.description.value == FakeDevice.description)
        // Kept byte for byte as the device sent it.
        #expect(stored.description.bytes == Array(FakeDevice.descriptionText.utf8))

        try await client.removeDevice(registered.id)
        #expect(try await client.devices().isEmpty)
        #expect(try server.store().device(registered.id) == nil)

        let kinds = try await client.events().events.map(\.kind)
        #expect(kinds == [.deviceRegistered, .deviceLabelsChanged, .deviceLabelsChanged, .deviceRemoved])
    }

    @Test("registering a known address updates the device instead of adding another")
    func reRegistration() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()

        let first = try await server.client.addDevice(address: device.address)
        let again = try await server.request(.POST, "/api/v1/devices", body: #"{"address": "\#(device.address)"}"#)
        #expect(again.status == 200)
        let second = try TideJSON.decoder().decode(Device.self, from: Data(again.body.utf8))
        #expect(second.id == first.id)
        #expect(second.firstSeen == first.firstSeen)
        #expect(try await server.client.devices().count == 1)
        #expect(try server.store().allDevices().count == 1)
        #expect(try await server.client.events().events.map(\.kind) == [.deviceRegistered, .deviceUpdated])
    }

    @Test("a device that reports its own id keeps it")
    func reportedID() async throws {
        let parsed = try DeviceDescription(parsing: [
            "platform": ["memory": ["bytes": 1024]], "supervisorInterfaces": [],
            "tide": ["id": "gw-lobby-01", "name": "lobby gateway", "arch": "aarch64", "labels": ["zone": "lobby"]],
        ])
        #expect(parsed.reportedID == DeviceID("gw-lobby-01"))
        #expect(parsed.reportedName == "lobby gateway")
        #expect(parsed.capabilities.arch == "aarch64")
        #expect(parsed.capabilities.labels == ["zone": "lobby"])
    }

    @Test("status filter and unknown ids")
    func filtersAndUnknownIDs() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()
        _ = try await server.client.addDevice(address: device.address)
        #expect(try await server.client.devices(status: .alive).count == 1)
        #expect(try await server.client.devices(status: .dead).isEmpty)

        let badStatus = try await server.request(.GET, "/api/v1/devices?status=zombie")
        #expect(badStatus.status == 400)
        #expect(errorOf(badStatus.body)?.message == "unknown status \"zombie\": use alive, suspect or dead")

        for (method, body) in [(HTTPMethod.GET, nil as String?), (.DELETE, nil), (.PATCH, #"{"labels": {"a": "b"}}"#)] {
            let answer = try await server.request(method, "/api/v1/devices/dev-nope", body: body)
            #expect(answer.status == 404, "\(method)")
            #expect(errorOf(answer.body)?.code == "not_found")
            #expect(errorOf(answer.body)?.message == "no device with id \"dev-nope\"")
        }
        let noRoute = try await server.request(.GET, "/api/v1/nothing-here")
        #expect(noRoute.status == 404)
        #expect(errorOf(noRoute.body)?.code == "not_found")
    }

    @Test("label rules")
    func labelRules() async throws {
        let server = try await TestServer.start()
        let device = try await FakeDevice.start()
        let registered = try await server.client.addDevice(address: device.address)
        let eventsBefore = try server.store().events().count

        let badKey = try await server.request(.PATCH, "/api/v1/devices/\(registered.id)", body: #"{"labels": {"bad key!": "x"}}"#)
        #expect(badKey.status == 400)
        #expect(errorOf(badKey.body)?.message == "invalid label key \"bad key!\": use 1-63 letters, digits, \"-\", \"_\", \".\" or \"/\"")
        let empty = try await server.request(.PATCH, "/api/v1/devices/\(registered.id)", body: #"{}"#)
        #expect(empty.status == 400)
        #expect(try server.store().device(registered.id)?.labels == [:])
        #expect(try server.store().events().count == eventsBefore)
    }
}

