import Foundation
import GRDB
import TideModel

/// Tide's SQLite database: one file in WAL mode, migrated on open. Every write that changes the
/// fleet and the event that records it are one transaction.
public final class TideStore: Sendable {
    public let path: String
    private let pool: DatabasePool

    /// Opens (creating and migrating if needed) the database at `path`.
    public init(path: String) throws(StoreError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: Self.reason(error))
        }
        do {
            try Migrations.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path: path, reason: "migration failed: \(Self.reason(error))")
        }
    }

    /// The journal mode SQLite reports (`wal` once open).
    public func journalMode() throws(StoreError) -> String {
        try read("reading the journal mode") { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
        }
    }

    // MARK: Devices

    public func allDevices() throws(StoreError) -> [Device] {
        let records = try read("loading devices") { db in try DeviceRecord.order(Column("id")).fetchAll(db) }
        var devices: [Device] = []
        devices.reserveCapacity(records.count)
        for record in records { devices.append(try record.device()) }
        return devices
    }

    public func device(_ id: DeviceID) throws(StoreError) -> Device? {
        try read("loading device \(id)") { db in try DeviceRecord.fetchOne(db, key: id.rawValue) }?.device()
    }

    /// Those of `ids` the store holds, in one read (any order).
    public func devices(_ ids: [DeviceID]) throws(StoreError) -> [Device] {
        guard !ids.isEmpty else { return [] }
        let records = try read("loading \(ids.count) devices") { db in
            var records: [DeviceRecord] = []
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                records += try DeviceRecord.fetchAll(db, keys: chunk.map(\.rawValue))
            }
            return records
        }
        var devices: [Device] = []
        devices.reserveCapacity(records.count)
        for record in records { devices.append(try record.device()) }
        return devices
    }

    /// The device that answers at `endpoint`, if any.
    public func deviceID(at endpoint: DeviceEndpoint) throws(StoreError) -> DeviceID? {
        try read("looking up \(endpoint)") { db in
            try String.fetchOne(
                db, sql: "SELECT device_id FROM device_endpoint WHERE host = ? AND port = ?",
                arguments: [endpoint.host, endpoint.port])
        }.map(DeviceID.init(rawValue:))
    }

    /// Inserts or replaces `device` (and the endpoints it answers on), with `event`, atomically.
    @discardableResult
    public func save(_ device: Device, event: NewFleetEvent?) throws(StoreError) -> FleetEvent? {
        try write("saving device \(device.id)") { db in
            try Self.upsert(device, in: db)
            return try event.map { try Self.insert($0, in: db) }
        }
    }

    /// Inserts many devices in one transaction (imports and benchmarks).
    public func insert(_ devices: [Device]) throws(StoreError) {
        try write("inserting \(devices.count) devices") { db in
            for device in devices { try Self.upsert(device, in: db) }
        }
    }

    /// Deletes a device with `event`, atomically. Returns false when there was no such device.
    @discardableResult
    /// With `removal`, remembers the device as removed in the same transaction (its return is
    /// refused until `forgetRemoval`).
    public func delete(_ id: DeviceID, event: NewFleetEvent, removal: RemovedDevice? = nil) throws(StoreError) -> FleetEvent? {
        try write("removing device \(id)") { db in
            guard try DeviceRecord.deleteOne(db, key: id.rawValue) else { return nil }
            if let removal { try RemovedDeviceRecord(removal).save(db) }
            return try Self.insert(event, in: db)
        }
    }

    /// Every device an operator removed and that has not come back.
    public func removedDevices() throws(StoreError) -> [RemovedDevice] {
        try read("loading removed devices") { db in try RemovedDeviceRecord.order(Column("id")).fetchAll(db) }
            .map(\.removedDevice)
    }

    /// Lets removed devices return (the registration or enrollment that brings them back writes
    /// its own event).
    public func forgetRemoval(of ids: [DeviceID]) throws(StoreError) {
        try write("readmitting \(ids.map(\.rawValue).joined(separator: ", "))") { db in
            _ = try RemovedDeviceRecord.deleteAll(db, keys: ids.map(\.rawValue))
        }
    }

    /// Records the latest health of many devices in one transaction.
    public func saveHealth(_ updates: [HealthUpdate]) throws(StoreError) {
        guard !updates.isEmpty else { return }
        try write("saving \(updates.count) health reports") { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE device SET health = ?, last_seen = ?, reported = COALESCE(?, reported), heard = COALESCE(?, heard) WHERE id = ?")
            for update in updates {
                // The column's own encoder, as `DeviceRecord` reads it (dates in milliseconds since 1970).
                let health = try DeviceRecord.healthText(update.health)
                try statement.execute(arguments: [health, update.lastSeen, update.reportedText, update.heard, update.device.rawValue])
            }
        }
    }

    /// The health of the devices seen after `time`.
    public func reports(seenAfter time: Date) throws(StoreError) -> [DeviceID: [String: Int64]] {
        try read("reading what recently seen devices run") { db in
            var reports: [DeviceID: [String: Int64]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, reported FROM device WHERE last_seen > ? AND reported IS NOT NULL", arguments: [time]) {
                let id: String = row["id"]
                if let reported = HealthUpdate.reported(fromText: row["reported"]) { reports[DeviceID(id)] = reported }
            }
            return reports
        }
    }

    /// When the latest heartbeat of each of `ids` arrived, for those that ever sent one.
    public func lastHeard(of ids: [DeviceID]) throws(StoreError) -> [DeviceID: Date] {
        guard !ids.isEmpty else { return [:] }
        return try read("reading when devices last sent a heartbeat") { db in
            var seen: [DeviceID: Date] = [:]
            for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                let rows = try Row.fetchAll(
                    db, sql: "SELECT id, heard FROM device WHERE id IN (\(marks)) AND heard IS NOT NULL",
                    arguments: StatementArguments(chunk.map(\.rawValue)))
                for row in rows {
                    let id: String = row["id"]
                    let time: Date = row["heard"]
                    seen[DeviceID(id)] = time
                }
            }
            return seen
        }
    }

    // MARK: Events

    /// The id of the newest event, 0 when the log is empty.
    public func latestEventID() throws(StoreError) -> Int64 {
        try read("reading the event log") { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM event") } ?? 0
    }

    @discardableResult
    public func append(_ event: NewFleetEvent) throws(StoreError) -> FleetEvent {
        try write("recording an event") { db in try Self.insert(event, in: db) }
    }

    /// The `count` newest events (optionally of one device), oldest first.
    public func latestEvents(_ count: Int, device: DeviceID? = nil) throws(StoreError) -> [FleetEvent] {
        let records = try read("loading events") { db in
            var request = EventRecord.order(Column("id").desc)
            if let device { request = request.filter(Column("device_id") == device.rawValue) }
            return try request.limit(count).fetchAll(db)
        }
        var events: [FleetEvent] = []
        for record in records.reversed() { events.append(try record.event()) }
        return events
    }

    /// Events with an id greater than `afterID` (all when nil), optionally of one device, oldest first.
    public func events(afterID: Int64? = nil, since time: Date? = nil, device: DeviceID? = nil, limit: Int = 1000)
        throws(StoreError) -> [FleetEvent]
    {
        let records = try read("loading events") { db in
            var request = EventRecord.order(Column("id"))
            if let afterID { request = request.filter(Column("id") > afterID) }
            if let time { request = request.filter(Column("time") >= time) }
            if let device { request = request.filter(Column("device_id") == device.rawValue) }
            return try request.limit(limit).fetchAll(db)
        }
        var events: [FleetEvent] = []
        for record in records { events.append(try record.event()) }
        return events
    }

    // MARK: Plumbing

    private static func upsert(_ device: Device, in db: Database) throws {
        try DeviceRecord(device).upsert(db)
        try db.execute(sql: "DELETE FROM device_endpoint WHERE device_id = ?", arguments: [device.id.rawValue])
        let statement = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO device_endpoint (host, port, device_id) VALUES (?, ?, ?)")
        for address in device.addresses {
            try statement.execute(arguments: [address, device.port, device.id.rawValue])
        }
    }

    static func insert(_ event: NewFleetEvent, in db: Database) throws -> FleetEvent {
        var record = try EventRecord(event)
        try record.insert(db)
        return try record.event()
    }

    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(operation: operation, reason: Self.reason(error))
        }
    }

    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.write(body)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(operation: operation, reason: Self.reason(error))
        }
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return String(describing: error)
    }
}

// MARK: Packages

extension TideStore {
    /// Every package version with its files, ordered by name.
    public func packageVersions(named name: String? = nil) throws(StoreError) -> [PackageVersionRecord] {
        try read("loading package versions") { db in
            var request = PackageVersionRecord.order(Column("name"))
            if let name { request = request.filter(Column("name") == name) }
            return try request.fetchAll(db)
        }
    }

    public func packageFiles(name: String, version: String) throws(StoreError) -> [PackageFileRecord] {
        try read("loading the files of \(name) \(version)") { db in
            try PackageFileRecord.filter(Column("name") == name && Column("version") == version).order(Column("file")).fetchAll(db)
        }
    }

    /// Inserts a new package version and its files with `event`, atomically. Throws
    /// `.conflict` when that version exists: published versions are immutable.
    @discardableResult
    public func publish(_ version: PackageVersionRecord, files: [PackageFileRecord], event: NewFleetEvent) throws(StoreError) -> FleetEvent {
        try write("publishing \(version.name) \(version.version)") { db in
            if try PackageVersionRecord.exists(db, key: ["name": version.name, "version": version.version]) {
                throw StoreError.conflict("\(version.name) \(version.version) is already published; versions are immutable, publish a new version")
            }
            try version.insert(db)
            for file in files { try file.insert(db) }
            return try Self.insert(event, in: db)
        }
    }

    /// Marks a version yanked or not, with `event`. Returns nil when there is no such version.
    @discardableResult
    public func setYanked(name: String, version: String, yanked: Bool, event: NewFleetEvent) throws(StoreError) -> FleetEvent? {
        try write("yanking \(name) \(version)") { db in
            try db.execute(
                sql: "UPDATE package_version SET yanked = ? WHERE name = ? AND version = ?", arguments: [yanked, name, version])
            guard db.changesCount > 0 else { return nil }
            return try Self.insert(event, in: db)
        }
    }

    /// Whether any package file refers to the blob `digest`.
    public func isBlobReferenced(_ digest: String) throws(StoreError) -> Bool {
        try read("checking blob \(digest)") { db in
            try PackageFileRecord.filter(Column("digest") == digest).fetchCount(db) > 0
        }
    }
}
