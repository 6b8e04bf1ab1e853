import Foundation
import Logging
import Synchronization
import Testing
import TideModel
import TideStore
@testable import TideOrchestrator
@testable import TideTesting

@Suite("Probes due")
struct DueProbesTests {
    static func inventory(
        devices count: Int, status: (Int) -> DeviceStatus = { _ in .alive }, lastSeen: (Int) -> Date = { _ in Date().addingTimeInterval(-600) }
    ) async throws -> Inventory {
        try await inventoryAndStore(devices: count, status: status, lastSeen: lastSeen).inventory
    }

    static func inventoryAndStore(
        devices count: Int, status: (Int) -> DeviceStatus = { _ in .alive }, lastSeen: (Int) -> Date = { _ in Date().addingTimeInterval(-600) }
    ) async throws -> (inventory: Inventory, store: TideStore) {
        let store = try TideStore(path: TemporaryDirectory.make("due-probes") + "/tide.sqlite")
        let long = Date().addingTimeInterval(-600)
        for index in 0..<count {
            try store.save(
                Device(
                    id: DeviceID("d\(index)"), name: "d\(index)", addresses: ["127.0.0.1"], port: 7000 + index, status: status(index),
                    statusSince: long, statusReason: "registered", description: RawJSON(["platform": [:]]),
                    capabilities: DeviceCapabilities(interfaces: [], memoryBytes: 1, cpuName: "cpu", cpuClockHz: 1, arch: "wasm", labels: [:]),
                    labels: [:], health: nil, firstSeen: long, lastSeen: lastSeen(index)),
                event: nil)
        }
        let inventory = try await Inventory(
            store: store, events: EventBus(latestID: 0), policy: .default, logger: Logger(label: "test"), metrics: ServerMetrics())
        return (inventory, store)
    }

    private static let schedule = ProbeSchedule(interval: .seconds(60), quickRecheck: .seconds(1), heartbeatTimeout: .seconds(1))

    @Test("at most the limit is due at a time; the rest stay due for the next call, and each device is due once")
    func limit() async throws {
        let inventory = try await Self.inventory(devices: 5)
        var seen: [DeviceID] = []
        for expected in [2, 2, 1, 0] {
            let due = await inventory.dueProbes(schedule: Self.schedule, limit: 2)
            #expect(due.count == expected)
            seen += due.map(\.id)
        }
        #expect(Set(seen) == Set((0..<5).map { DeviceID("d\($0)") }))
        #expect(seen.count == 5)
        #expect(await inventory.dueProbes(schedule: Self.schedule, limit: 0).isEmpty)
    }

    @Test("when more are due than may run, suspects go first, then the devices silent the longest")
    func longestSilentFirst() async throws {
        // d0 was seen last (2 min ago), d7 first (9 min ago); d5 is suspect.
        let inventory = try await Self.inventory(
            devices: 8, status: { $0 == 5 ? .suspect : .alive }, lastSeen: { Date().addingTimeInterval(Double(-60 * ($0 + 2))) })
        #expect(await inventory.dueProbes(schedule: Self.schedule, limit: 3).map(\.id) == ["d5", "d7", "d6"].map { DeviceID($0) })
        #expect(await inventory.dueProbes(schedule: Self.schedule, limit: 3).map(\.id) == ["d4", "d3", "d2"].map { DeviceID($0) })
        // Within the limit the order is the inventory's.
        #expect(Set(await inventory.dueProbes(schedule: Self.schedule, limit: 3).map(\.id)) == Set(["d1", "d0"].map { DeviceID($0) }))
    }

    @Test("a heartbeat another replica received before the device was found dead does not bring it back; one received after does")
    func staleHeartbeatFromElsewhere() async throws {
        let (inventory, store) = try await Self.inventoryAndStore(devices: 1)
        let id = DeviceID("d0")
        func heard(_ time: Date) throws {
            try store.saveHealth([HealthUpdate(device: id, health: HealthReport(cpuUsage: 0.1, memoryUsage: 0.1, receivedAt: time), lastSeen: time, heard: time)])
        }
        // Heartbeats reach another replica; this one reads them from the store at every call.
        let shared = WatchedDevices(watches: { _ in true }, sharesHeartbeats: true, sharedReadInterval: .zero, sharedLag: .seconds(10))
        let schedule = ProbeSchedule(interval: .seconds(60), quickRecheck: .seconds(1), heartbeatTimeout: .milliseconds(50))
        try heard(Date().addingTimeInterval(-20))
        #expect(await inventory.dueProbes(schedule: schedule, watch: shared).map(\.id) == [id])
        for _ in 0..<3 where await inventory.device(id)?.status != .dead {
            await inventory.recordProbe(id, .failure(ProbeError(.refused, "127.0.0.1:7000 refused the connection")))
        }
        let death = try #require(await inventory.device(id))
        #expect(death.status == .dead)

        // Sent just before the crash, written by the replica that received it just after the death.
        try heard(death.statusSince.addingTimeInterval(-1))
        _ = await inventory.dueProbes(schedule: schedule, watch: shared)
        #expect(await inventory.device(id)?.status == .dead)

        try heard(Date().addingTimeInterval(1))
        _ = await inventory.dueProbes(schedule: schedule, watch: shared)
        let back = try #require(await inventory.device(id))
        #expect(back.status == .alive)
        #expect(back.statusReason.contains("heartbeat received by another replica"))
    }

    @Test("the shared store is asked only about watched devices not heard here lately")
    func sharedReadOfQuietDevicesOnly() async throws {
        let (inventory, store) = try await Self.inventoryAndStore(devices: 2)
        let (here, elsewhere) = (DeviceID("d0"), DeviceID("d1"))
        let local = try #require(await inventory.recordHeartbeat(
            Heartbeat(id: here, name: nil, port: nil, sentAt: nil, health: .init(cpuUsage: 0.1, memoryUsage: 0.1), deployments: nil))
            ? await inventory.lastHeartbeat(of: here) : nil)
        // Another replica wrote newer heartbeats of both.
        let later = Date().addingTimeInterval(5)
        try store.saveHealth([here, elsewhere].map {
            HealthUpdate(device: $0, health: HealthReport(cpuUsage: 0.1, memoryUsage: 0.1, receivedAt: later), lastSeen: later, heard: later)
        })
        let shared = WatchedDevices(watches: { _ in true }, sharesHeartbeats: true, sharedReadInterval: .zero, sharedLag: .seconds(1))
        let schedule = ProbeSchedule(interval: .seconds(60), quickRecheck: .seconds(1), heartbeatTimeout: .milliseconds(200))
        // The store keeps milliseconds.
        func isLater(_ time: Date?) -> Bool { time.map { abs($0.timeIntervalSince(later)) < 0.002 } ?? false }
        _ = await inventory.dueProbes(schedule: schedule, watch: shared)
        #expect(isLater(await inventory.lastHeartbeat(of: elsewhere)))
        #expect(await inventory.lastHeartbeat(of: here) == local)
        // Quiet here for longer than the timeout less a read interval: asked about too.
        try await Task.sleep(for: .milliseconds(300))
        _ = await inventory.dueProbes(schedule: schedule, watch: shared)
        #expect(isLater(await inventory.lastHeartbeat(of: here)))
    }

    @Test("a device another replica watches is never due here")
    func watched() async throws {
        let inventory = try await Self.inventory(devices: 4)
        let mine = WatchedDevices(
            watches: { $0 == DeviceID("d1") || $0 == DeviceID("d3") }, sharesHeartbeats: false, sharedReadInterval: .seconds(1),
            sharedLag: .zero)
        let due = await inventory.dueProbes(schedule: Self.schedule, watch: mine)
        #expect(Set(due.map(\.id)) == [DeviceID("d1"), DeviceID("d3")])
    }

    @Test("the list of watched devices follows the live replicas' generation and the devices that come and go")
    func watchedListFollowsChanges() async throws {
        func ids(_ names: String...) -> Set<DeviceID> { Set(names.map { DeviceID($0) }) }
        let (inventory, store) = try await Self.inventoryAndStore(devices: 4)
        let ownership = Ownership(ids("d1", "d3", "d4"))
        let mine = WatchedDevices(
            watches: { ownership.owns($0) }, sharesHeartbeats: false, sharedReadInterval: .seconds(1), sharedLag: .zero,
            generation: { ownership.generation })
        // Due every call: the schedule's interval is long, so each device is due once; start over.
        let immediate = ProbeSchedule(interval: .zero, quickRecheck: .zero, heartbeatTimeout: .seconds(1))
        func due() async -> Set<DeviceID> { Set(await inventory.dueProbes(schedule: immediate, watch: mine).map(\.id)) }
        #expect(await due() == ids("d1", "d3"))

        // Another replica registered d4: it is watched here from the next call.
        let long = Date().addingTimeInterval(-600)
        try store.save(
            Device(
                id: DeviceID("d4"), name: "d4", addresses: ["127.0.0.1"], port: 7004, status: .alive, statusSince: long, statusReason: "registered",
                description: RawJSON(["platform": [:]]),
                capabilities: DeviceCapabilities(interfaces: [], memoryBytes: 1, cpuName: "cpu", cpuClockHz: 1, arch: "wasm", labels: [:]),
                labels: [:], health: nil, firstSeen: long, lastSeen: long),
            event: nil)
        await inventory.refresh(ids("d4"))
        #expect(await due() == ids("d1", "d3", "d4"))

        _ = try await inventory.remove(DeviceID("d3"), cause: "test")
        #expect(await due() == ids("d1", "d4"))

        // The live replicas changed: this one now watches d0 and d2.
        ownership.change(to: ids("d0", "d2"))
        #expect(await due() == ids("d0", "d2"))
    }
}

/// Which devices a test's replica watches, and the generation of that answer.
private final class Ownership: Sendable {
    private let state: Mutex<(generation: UInt64, ids: Set<DeviceID>)>

    init(_ ids: Set<DeviceID>) { state = Mutex((1, ids)) }

    func owns(_ id: DeviceID) -> Bool { state.withLock { $0.ids.contains(id) } }

    var generation: UInt64 { state.withLock { $0.generation } }

    func change(to ids: Set<DeviceID>) { state.withLock { $0 = ($0.generation + 1, ids) } }
}

@Suite("Mass failure")
struct MassFailureTests {
    @Test("when 30 devices time out together, 20 are dead and 10 held at suspect; a refused connection still kills")
    func held() async throws {
        let inventory = try await DueProbesTests.inventory(devices: 31)
        for round in 0..<3 {
            for index in 0..<30 {
                await inventory.recordProbe(DeviceID("d\(index)"), .failure(ProbeError(.timeout, "no answer within 0.8 s (round \(round))")))
            }
        }
        var devices: [Device] = []
        for index in 0..<30 { if let device = await inventory.device(DeviceID("d\(index)")) { devices.append(device) } }
        #expect(devices.filter { $0.status == .dead }.count == 20)
        let held = devices.filter { $0.status == .suspect }
        #expect(held.count == 10)
        #expect(held.allSatisfy { $0.statusReason.contains("failed health probe") })
        for _ in 0..<2 { await inventory.recordProbe(DeviceID("d30"), .failure(ProbeError(.refused, "refused"))) }
        #expect(await inventory.device(DeviceID("d30"))?.status == .dead)
    }
}
