import Foundation
import Testing
import TideModel
import TidePostgresStore
import TideStore
@testable import TideTesting

/// The same behaviour from every `FleetStore` backend (see `StoreBackend`): each test runs on a
/// fresh store per backend, through the protocol only.
@Suite("StoreConformance: devices, events, schema")
struct StoreConformanceTests {
    static let epoch = Date(timeIntervalSince1970: 1_800_000_000.125)

    static func event(_ kind: FleetEventKind, _ device: String? = nil, _ message: String = "m", at time: Date = epoch) -> NewFleetEvent {
        NewFleetEvent(time: time, kind: kind, device: device.map(DeviceID.init(rawValue:)), message: message)
    }

    @Test("both backends list the same migration ids")
    func migrationIDs() {
        #expect(TideStore.migrationIDs == PostgresFleetStore.migrationIDs)
        #expect(TideStore.migrationIDs.first == "v1-inventory")
        #expect(TideStore.migrationIDs.last == "v14-replica-presence")
        #expect(TideStore.migrationIDs.contains("v9-shared-blobs"))
    }

    @Test("a migrated store has every migration and the same tables and columns as SQLite; migrating again changes nothing",
          arguments: StoreBackend.all)
    func schema(backend: StoreBackend) async throws {
        let path = StoreTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let sqlite = try TideStore(path: path).schema()
        #expect(sqlite.migrations == TideStore.migrationIDs)
        try await backend.withStore { store in
            switch store {
            case let store as PostgresFleetStore:
                #expect(try await store.schema() == sqlite)
                // Two replicas starting together: both migrate, neither fails, nothing is applied twice.
                async let first: Void = store.migrate()
                async let second: Void = store.migrate()
                _ = try await (first, second)
                #expect(try await store.schema() == sqlite)
            case let store as TideStore:
                #expect(try store.schema() == sqlite)
            default:
                Issue.record("unknown backend \(type(of: store))")
            }
        }
    }

    @Test("PostgreSQL: a wrong password is refused at once, in words, without the password",
          .enabled(if: StoreBackend.all.contains(.postgres)))
    func wrongPassword() async throws {
        var url = try PostgresTestDatabase.adminURL()
        url.password = "not-the-password-\(UUID().uuidString)"
        let error = await #expect(throws: StoreError.self) {
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { _ in }
        }
        let message = error.map(String.init(describing:)) ?? ""
        #expect(message.contains("password authentication failed"), "\(message)")
        #expect(!message.contains(url.password ?? "-"))
    }

    @Test("devices round-trip every field; endpoints follow them; deletion records a removal", arguments: StoreBackend.all)
    func devices(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            var full = StoreTests.device("a")
            full.dampedUntil = Self.epoch.addingTimeInterval(60)
            full.cordonedAt = Self.epoch.addingTimeInterval(30)
            full.trust = .certificate
            full.labels = ["zone": "lobby", "floor": "2", "ünï": "cödé"]
            full.status = .suspect
            var bare = StoreTests.device("b", host: "127.0.0.2", port: 5001)
            bare.health = nil
            bare.labels = [:]
            let registered = try await store.save(full, event: Self.event(.deviceRegistered, "a"))
            #expect(registered?.kind == .deviceRegistered)
            #expect(try await store.save(bare, event: nil) == nil)
            #expect(try await store.device(full.id) == full)
            #expect(try await store.device(bare.id) == bare)
            #expect(try await store.device(DeviceID("missing")) == nil)
            #expect(try await store.allDevices() == [full, bare])
            #expect(try await store.devices([bare.id, DeviceID("missing"), full.id]).sorted { $0.id < $1.id } == [full, bare])
            #expect(try await store.devices([]).isEmpty)

            #expect(try await store.deviceID(at: DeviceEndpoint(host: "127.0.0.1", port: 5000)) == full.id)
            #expect(try await store.deviceID(at: DeviceEndpoint(host: "10.0.0.7", port: 5000)) == full.id)
            #expect(try await store.deviceID(at: DeviceEndpoint(host: "127.0.0.1", port: 5001)) == nil)
            // Moving: the old endpoint is forgotten; an endpoint another device held moves over.
            var moved = full
            moved.addresses = ["127.0.0.2"]
            moved.port = 5001
            try await store.save(moved, event: nil)
            #expect(try await store.deviceID(at: DeviceEndpoint(host: "127.0.0.1", port: 5000)) == nil)
            #expect(try await store.deviceID(at: DeviceEndpoint(host: "127.0.0.2", port: 5001)) == full.id)

            let removal = RemovedDevice(moved, at: Self.epoch.addingTimeInterval(5.5))
            #expect(try await store.delete(full.id, event: Self.event(.deviceRemoved, "a"), removal: removal) != nil)
            #expect(try await store.device(full.id) == nil)
            #expect(try await store.deviceID(at: DeviceEndpoint(host: "127.0.0.2", port: 5001)) == nil)
            #expect(try await store.removedDevices() == [removal])
            #expect(try await store.delete(full.id, event: Self.event(.deviceRemoved, "a"), removal: removal) == nil)
            #expect(try await store.events(afterID: nil, since: nil, device: full.id, limit: 100).map(\.kind)
                == [.deviceRegistered, .deviceRemoved])
            try await store.forgetRemoval(of: [full.id])
            #expect(try await store.removedDevices().isEmpty)

            try await store.insert((0..<1200).map { StoreTests.device("bulk\($0)", port: 7000 + $0) })
            #expect(try await store.allDevices().count == 1201)
            // More ids than one statement takes on SQLite (chunks of 500).
            let many = (0..<1200).map { DeviceID("bulk\($0)") }
            #expect(Set(try await store.devices(many).map(\.id)) == Set(many))
        }
    }

    @Test("health reports are written for many devices at once", arguments: StoreBackend.all)
    func health(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insert((0..<10).map { StoreTests.device("d\($0)", port: 6000 + $0) })
            let later = Date(timeIntervalSince1970: 1_900_000_000.5)
            try await store.saveHealth((0..<10).map {
                HealthUpdate(device: DeviceID("d\($0)"), health: HealthReport(cpuUsage: 0.9, memoryUsage: 0.1, receivedAt: later), lastSeen: later)
            })
            try await store.saveHealth([])
            let devices = try await store.allDevices()
            #expect(devices.count == 10)
            #expect(devices.allSatisfy { $0.lastSeen == later && $0.health == HealthReport(cpuUsage: 0.9, memoryUsage: 0.1, receivedAt: later) })
        }
    }

    @Test("heartbeat times are kept apart from probes: a probe's report leaves the last heartbeat as it was", arguments: StoreBackend.all)
    func heard(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insert((0..<3).map { StoreTests.device("h\($0)", port: 6100 + $0) })
            let beat = Date(timeIntervalSince1970: 1_900_000_000.25)
            let probe = beat.addingTimeInterval(0.5)
            let report = HealthReport(cpuUsage: 0.2, memoryUsage: 0.3, receivedAt: beat)
            // h0 heartbeats; h1 only answers probes; h2 heartbeats, then answers a probe.
            try await store.saveHealth([
                HealthUpdate(device: DeviceID("h0"), health: report, lastSeen: beat, heard: beat),
                HealthUpdate(device: DeviceID("h1"), health: report, lastSeen: beat),
                HealthUpdate(device: DeviceID("h2"), health: report, lastSeen: beat, heard: beat),
            ])
            try await store.saveHealth([HealthUpdate(device: DeviceID("h2"), health: report, lastSeen: probe)])
            let heard = try await store.lastHeard(of: [DeviceID("h0"), DeviceID("h1"), DeviceID("h2"), DeviceID("missing")])
            #expect(heard == [DeviceID("h0"): beat, DeviceID("h2"): beat])
            #expect(try await store.device(DeviceID("h2"))?.lastSeen == probe)
            #expect(try await store.lastHeard(of: []).isEmpty)
        }
    }

    @Test("what recently seen devices reported they run: only those seen after the time, only those that said", arguments: StoreBackend.all)
    func reports(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            try await store.insert((0..<4).map { StoreTests.device("r\($0)", port: 6200 + $0) })
            let old = Date(timeIntervalSince1970: 1_900_000_000)
            let recent = old.addingTimeInterval(5)
            func update(_ id: String, _ seen: Date, _ reported: [String: Int64]?) -> HealthUpdate {
                HealthUpdate(
                    device: DeviceID(id), health: HealthReport(cpuUsage: 0.1, memoryUsage: 0.1, receivedAt: seen), lastSeen: seen,
                    reported: reported, heard: reported == nil ? nil : seen)
            }
            // r0 runs two deployments, r1 none, r2 answered a probe only (no report), r3 was seen long ago.
            try await store.saveHealth([
                update("r0", recent, ["web": 3, "fibo": 1]), update("r1", recent, [:]), update("r2", recent, nil), update("r3", old, ["web": 2]),
            ])
            let reports = try await store.reports(seenAfter: old.addingTimeInterval(1))
            #expect(reports == [DeviceID("r0"): ["web": 3, "fibo": 1], DeviceID("r1"): [:]])
            #expect(try await store.reports(seenAfter: recent).isEmpty)
            #expect(try await store.reports(seenAfter: old.addingTimeInterval(-1))[DeviceID("r3")] == ["web": 2])
        }
    }

    @Test("the event log: append, after an id, since a time, by device, the tail, limits, details", arguments: StoreBackend.all)
    func events(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            #expect(try await store.latestEventID() == 0)
            #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 10).isEmpty)
            var appended: [FleetEvent] = []
            for index in 0..<10 {
                appended.append(try await store.append(NewFleetEvent(
                    time: Self.epoch.addingTimeInterval(Double(index)), kind: .deviceStatusChanged,
                    device: index == 9 ? nil : DeviceID(index.isMultiple(of: 2) ? "even" : "odd"), message: "event \(index)",
                    details: ["index": .number(JSONNumber(index)), "to": "dead", "nested": ["a": [1, 2]]])))
            }
            let ids = appended.map(\.id)
            #expect(ids == ids.sorted() && Set(ids).count == 10)
            let all = try await store.events(afterID: nil, since: nil, device: nil, limit: 1000)
            #expect(all == appended)
            #expect(all[3].details?["index"] == 3)
            #expect(all[3].time == Self.epoch.addingTimeInterval(3))
            #expect(all[9].device == nil)
            #expect(try await store.events(afterID: ids[6], since: nil, device: nil, limit: 1000).map(\.id) == Array(ids[7...]))
            #expect(try await store.events(afterID: nil, since: Self.epoch.addingTimeInterval(8), device: nil, limit: 1000).map(\.id)
                == Array(ids[8...]))
            #expect(try await store.events(afterID: nil, since: nil, device: DeviceID("odd"), limit: 1000).map(\.id)
                == [ids[1], ids[3], ids[5], ids[7]])
            #expect(try await store.events(afterID: ids[2], since: nil, device: DeviceID("even"), limit: 2).map(\.id) == [ids[4], ids[6]])
            #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 3).map(\.id) == Array(ids[..<3]))
            #expect(try await store.latestEvents(3, device: nil).map(\.id) == Array(ids[7...]))
            #expect(try await store.latestEvents(2, device: DeviceID("even")).map(\.id) == [ids[6], ids[8]])
            #expect(try await store.latestEventID() == ids[9])
        }
    }

    @Test("concurrent writers: every event is kept once, ids follow commit order", arguments: StoreBackend.all)
    func concurrentEvents(backend: StoreBackend) async throws {
        try await backend.withStore { store in
            // A reader that follows the log by cursor while writers append must see every event once.
            let writers = 6
            let perWriter = 25
            enum Outcome: Sendable {
                case written([Int64])
                case followed([Int64])
            }
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var ids: [Int64] = []
                        for index in 0..<perWriter {
                            let event = NewFleetEvent(
                                time: Date(), kind: .deviceUpdated, device: DeviceID("w\(writer)"), message: "\(index)")
                            if index.isMultiple(of: 5) {
                                let device = StoreTests.device("w\(writer)-\(index)", port: 8000 + writer * 100 + index)
                                if let saved = try await store.save(device, event: event) { ids.append(saved.id) }
                            } else {
                                ids.append(try await store.append(event).id)
                            }
                        }
                        return .written(ids)
                    }
                }
                group.addTask {
                    var seen: [Int64] = []
                    var cursor: Int64 = 0
                    let deadline = Date().addingTimeInterval(60)
                    while seen.count < writers * perWriter, Date() < deadline {
                        let batch = try await store.events(afterID: cursor, since: nil, device: nil, limit: 7)
                        seen += batch.map(\.id)
                        cursor = batch.last?.id ?? cursor
                        if batch.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                    }
                    return .followed(seen)
                }
                var written: [Int64] = []
                var followed: [Int64] = []
                for try await outcome in group {
                    switch outcome {
                    case .written(let ids):
                        #expect(ids == ids.sorted(), "one writer's events get increasing ids")
                        written += ids
                    case .followed(let ids): followed = ids
                    }
                }
                #expect(written.count == writers * perWriter)
                #expect(Set(written).count == written.count)
                #expect(followed == written.sorted(), "the follower saw every event once, in id order")
            }
            let log = try await store.events(afterID: nil, since: nil, device: nil, limit: 10_000)
            #expect(log.count == writers * perWriter)
            for writer in 0..<writers {
                #expect(try await store.events(afterID: nil, since: nil, device: DeviceID("w\(writer)"), limit: 1000).map(\.message)
                    == (0..<perWriter).map(String.init))
            }
            #expect(try await store.allDevices().count == writers * perWriter / 5)
        }
    }
}
