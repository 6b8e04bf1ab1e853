import Foundation
import Testing
import TideModel
import TideStore
@testable import TideTesting

@Suite("SQLite store")
struct StoreTests {
    static func temporaryPath() -> String {
        TemporaryDirectory.make("store") + "/tide.sqlite"
    }

    static func device(_ id: String, host: String = "127.0.0.1", port: Int = 5000) -> Device {
        let now = Date(timeIntervalSince1970: 1_800_000_000.125)
        return Device(
            id: DeviceID(id), name: "device \(id)", addresses: [host, "10.0.0.7"], port: port, status: .alive,
            statusSince: now, statusReason: "registered", description: RawJSON(["platform": ["memory": ["bytes": 1024]], "odd": [1, nil, true, "x"]]),
            capabilities: DeviceCapabilities(interfaces: ["fd_write"], memoryBytes: 1024, cpuName: "cpu", cpuClockHz: 1, arch: "wasm", labels: ["r": "1"]),
            labels: ["zone": "lobby"], health: HealthReport(cpuUsage: 0.5, memoryUsage: 0.25, receivedAt: now),
            firstSeen: now, lastSeen: now)
    }

    @Test("a new file is created, migrated and in WAL mode")
    func migrateFromEmpty() throws {
        let path = Self.temporaryPath()
        #expect(!FileManager.default.fileExists(atPath: path))
        let store = try TideStore(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try store.journalMode() == "wal")
        #expect(try store.allDevices().isEmpty)
        #expect(try store.latestEventID() == 0)
        // Opening again migrates nothing and keeps the data.
        try store.save(Self.device("a"), event: nil)
        #expect(try TideStore(path: path).allDevices().map(\.id) == [DeviceID("a")])
    }

    @Test("devices round-trip exactly, endpoints follow them")
    func roundTrip() throws {
        let store = try TideStore(path: Self.temporaryPath())
        let original = Self.device("a")
        let event = try store.save(original, event: NewFleetEvent(time: original.firstSeen, kind: .deviceRegistered, device: original.id, message: "registered"))
        #expect(try store.device(original.id) == original)
        #expect(event?.id == 1)
        #expect(try store.deviceID(at: DeviceEndpoint(host: "127.0.0.1", port: 5000)) == original.id)
        #expect(try store.deviceID(at: DeviceEndpoint(host: "10.0.0.7", port: 5000)) == original.id)

        var moved = original
        moved.addresses = ["127.0.0.2"]
        try store.save(moved, event: nil)
        #expect(try store.deviceID(at: DeviceEndpoint(host: "127.0.0.1", port: 5000)) == nil)
        #expect(try store.deviceID(at: DeviceEndpoint(host: "127.0.0.2", port: 5000)) == original.id)

        #expect(try store.delete(original.id, event: NewFleetEvent(time: Date(), kind: .deviceRemoved, device: original.id, message: "gone")) != nil)
        #expect(try store.device(original.id) == nil)
        #expect(try store.deviceID(at: DeviceEndpoint(host: "127.0.0.2", port: 5000)) == nil)
        #expect(try store.delete(original.id, event: NewFleetEvent(time: Date(), kind: .deviceRemoved, device: original.id, message: "gone")) == nil)
        // The log keeps the removed device's history.
        #expect(try store.events(device: original.id).map(\.kind) == [.deviceRegistered, .deviceRemoved])
    }

    @Test("the event log: order, cursors, filters, details")
    func eventLog() throws {
        let store = try TideStore(path: Self.temporaryPath())
        let base = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<10 {
            try store.append(NewFleetEvent(
                time: base.addingTimeInterval(Double(index)), kind: .deviceStatusChanged,
                device: DeviceID(index.isMultiple(of: 2) ? "even" : "odd"), message: "event \(index)",
                details: ["index": .number(JSONNumber(index)), "to": "dead"]))
        }
        let all = try store.events()
        #expect(all.map(\.id) == Array(1...10))
        #expect(all[3].details?["index"] == 3)
        #expect(all[3].time == base.addingTimeInterval(3))
        #expect(try store.events(afterID: 7).map(\.id) == [8, 9, 10])
        #expect(try store.events(since: base.addingTimeInterval(8)).map(\.id) == [9, 10])
        #expect(try store.events(device: DeviceID("odd")).map(\.id) == [2, 4, 6, 8, 10])
        #expect(try store.events(limit: 3).map(\.id) == [1, 2, 3])
        #expect(try store.latestEventID() == 10)
    }

    @Test("health updates are batched into one transaction")
    func healthBatch() throws {
        let store = try TideStore(path: Self.temporaryPath())
        try store.insert((0..<50).map { Self.device("d\($0)", port: 6000 + $0) })
        let later = Date(timeIntervalSince1970: 1_900_000_000)
        try store.saveHealth((0..<50).map {
            HealthUpdate(device: DeviceID("d\($0)"), health: HealthReport(cpuUsage: 0.9, memoryUsage: 0.1, receivedAt: later), lastSeen: later)
        })
        let devices = try store.allDevices()
        #expect(devices.count == 50)
        #expect(devices.allSatisfy { $0.lastSeen == later && $0.health?.cpuUsage == 0.9 })
        // The report's own time reads back too (the column is written with the record's JSON encoder).
        #expect(devices.allSatisfy { $0.health?.receivedAt == later })
    }

    @Test("concurrent writers from two connections lose nothing")
    func concurrentWriters() async throws {
        let path = Self.temporaryPath()
        let first = try TideStore(path: path)
        let second = try TideStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                let store = writer.isMultiple(of: 2) ? first : second
                group.addTask {
                    for index in 0..<50 {
                        try store.append(NewFleetEvent(time: Date(), kind: .deviceUpdated, device: DeviceID("w\(writer)"), message: "\(index)"))
                        if index.isMultiple(of: 10) { try store.save(Self.device("w\(writer)-\(index)", port: writer * 100 + index + 1), event: nil) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try first.events(limit: 10_000)
        #expect(events.count == 400)
        #expect(Set(events.map(\.id)).count == 400)
        #expect(events.map(\.id) == events.map(\.id).sorted())
        for writer in 0..<8 {
            #expect(try second.events(device: DeviceID("w\(writer)"), limit: 1000).map(\.message) == (0..<50).map(String.init))
        }
        #expect(try first.allDevices().count == 40)
    }

    @Test("a file that is not a database gives a clear error")
    func notADatabase() throws {
        let path = Self.temporaryPath()
        try Data("this is not sqlite, just text that is long enough to be a header".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try TideStore(path: path)
        } throws: { error in
            guard case .cannotOpen(let reported, let reason) = error as? StoreError else { return false }
            return reported == path && reason.contains("not a database")
        }
    }
}
