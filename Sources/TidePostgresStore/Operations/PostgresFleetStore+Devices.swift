import Foundation
import PostgresNIO
import TideModel
import TideStore

// MARK: Devices, their endpoints, removals and health

extension PostgresFleetStore {
    static let deviceColumns = """
        id, name, addresses, port, status, status_since, status_reason, description, capabilities, labels, health,
        first_seen, last_seen, damped_until, trust, cordoned_at
        """

    public func allDevices() async throws(StoreError) -> [Device] {
        let records = try await read("loading devices") { connection in
            try await rows(PostgresQuery(unsafeSQL: "SELECT \(Self.deviceColumns) FROM device ORDER BY id COLLATE \"C\""), on: connection)
                .map(Self.deviceRecord)
        }
        var devices: [Device] = []
        devices.reserveCapacity(records.count)
        for record in records { devices.append(try record.device()) }
        return devices
    }

    public func device(_ id: DeviceID) async throws(StoreError) -> Device? {
        try await read("loading device \(id)") { connection in
            try await rows("SELECT \(unescaped: Self.deviceColumns) FROM device WHERE id = \(id.rawValue)", on: connection)
                .first.map(Self.deviceRecord)
        }?.device()
    }

    public func devices(_ ids: [DeviceID]) async throws(StoreError) -> [Device] {
        guard !ids.isEmpty else { return [] }
        let texts = ids.map(\.rawValue)
        let records = try await read("loading \(ids.count) devices") { connection in
            try await rows("SELECT \(unescaped: Self.deviceColumns) FROM device WHERE id = ANY(\(texts)::text[])", on: connection)
                .map(Self.deviceRecord)
        }
        var devices: [Device] = []
        devices.reserveCapacity(records.count)
        for record in records { devices.append(try record.device()) }
        return devices
    }

    public func deviceID(at endpoint: DeviceEndpoint) async throws(StoreError) -> DeviceID? {
        try await read("looking up \(endpoint)") { connection in
            try await rows(
                "SELECT device_id FROM device_endpoint WHERE host = \(endpoint.host) AND port = \(endpoint.port)", on: connection
            ).first?.decode(String.self)
        }.map(DeviceID.init(rawValue:))
    }

    @discardableResult
    public func save(_ device: Device, event: NewFleetEvent?) async throws(StoreError) -> FleetEvent? {
        try await write("saving device \(device.id)") { connection in
            try await upsert(device, on: connection)
            guard let event else { return nil }
            return try await insert(event, on: connection)
        }
    }

    public func insert(_ devices: [Device]) async throws(StoreError) {
        try await write("inserting \(devices.count) devices") { connection in
            for device in devices { try await upsert(device, on: connection) }
        }
    }

    @discardableResult
    public func delete(_ id: DeviceID, event: NewFleetEvent, removal: RemovedDevice?) async throws(StoreError) -> FleetEvent? {
        try await write("removing device \(id)") { connection in
            let deleted = try await rows("DELETE FROM device WHERE id = \(id.rawValue) RETURNING id", on: connection)
            guard !deleted.isEmpty else { return nil }
            if let removal {
                let addresses = try RemovedDeviceRecord.jsonText(removal.addresses, column: "addresses")
                try await run(
                    """
                    INSERT INTO removed_device (id, name, removed_at, addresses, port)
                    VALUES (\(removal.id.rawValue), \(removal.name), \(StoredTime.written(removal.removedAt)), \(addresses), \(removal.port))
                    ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, removed_at = EXCLUDED.removed_at,
                        addresses = EXCLUDED.addresses, port = EXCLUDED.port
                    """, on: connection)
            }
            return try await insert(event, on: connection)
        }
    }

    public func removedDevices() async throws(StoreError) -> [RemovedDevice] {
        try await read("loading removed devices") { connection in
            try await rows("SELECT id, name, removed_at, addresses, port FROM removed_device ORDER BY id COLLATE \"C\"", on: connection).map { row in
                let (id, name, removedAt, addresses, port) = try row.decode((String, String, Date, String, Int).self)
                return RemovedDeviceRecord(
                    id: id, name: name, removedAt: StoredTime.read(removedAt),
                    addresses: try RemovedDeviceRecord.jsonValue([String].self, from: addresses, column: "addresses"), port: port
                ).removedDevice
            }
        }
    }

    public func forgetRemoval(of ids: [DeviceID]) async throws(StoreError) {
        try await write("readmitting \(ids.map(\.rawValue).joined(separator: ", "))") { connection in
            for id in ids { try await run("DELETE FROM removed_device WHERE id = \(id.rawValue)", on: connection) }
        }
    }

    /// One statement for the whole batch (after locking its rows in id order); a report older
    /// than what another replica stored already leaves that one in place.
    public func saveHealth(_ updates: [HealthUpdate]) async throws(StoreError) {
        guard !updates.isEmpty else { return }
        var ids: [String] = []
        var healths: [String] = []
        var times: [Date] = []
        var reports: [String] = []
        var heardSet: [Bool] = []
        var heard: [Date] = []
        for update in updates {
            ids.append(update.device.rawValue)
            healths.append(try DeviceRecord.healthText(update.health))
            times.append(StoredTime.written(update.lastSeen))
            reports.append(update.reportedText ?? "")
            heardSet.append(update.heard != nil)
            heard.append(StoredTime.written(update.heard ?? update.lastSeen))
        }
        try await write("saving \(updates.count) health reports") { connection in
            // Every replica writes health of devices the others write too: the rows are locked
            // in one order (by id) first, so that two batches never wait for each other in a cycle.
            try await run("SELECT 1 FROM device WHERE id = ANY(\(ids)::text[]) ORDER BY id COLLATE \"C\" FOR UPDATE", on: connection)
            try await run(
                """
                UPDATE device AS d
                SET health = u.health, last_seen = u.last_seen, reported = COALESCE(NULLIF(u.reported, ''), d.reported),
                    heard = CASE WHEN u.heard_set THEN u.heard ELSE d.heard END
                FROM unnest(\(ids)::text[], \(healths)::text[], \(times)::timestamptz[], \(reports)::text[], \(heardSet)::bool[],
                            \(heard)::timestamptz[])
                    AS u(id, health, last_seen, reported, heard_set, heard)
                WHERE d.id = u.id AND d.last_seen <= u.last_seen
                """, on: connection)
        }
    }

    public func reports(seenAfter time: Date) async throws(StoreError) -> [DeviceID: [String: Int64]] {
        let since = StoredTime.written(time)
        let found: [(String, String)] = try await read("reading what recently seen devices run") { connection in
            let query: PostgresQuery = "SELECT id, reported FROM device WHERE last_seen > \(since) AND reported IS NOT NULL"
            return try await self.rows(query, on: connection).map { row in try row.decode((String, String).self) }
        }
        var reports: [DeviceID: [String: Int64]] = [:]
        for (id, text) in found {
            if let reported = HealthUpdate.reported(fromText: text) { reports[DeviceID(id)] = reported }
        }
        return reports
    }

    public func lastHeard(of ids: [DeviceID]) async throws(StoreError) -> [DeviceID: Date] {
        guard !ids.isEmpty else { return [:] }
        let texts = ids.map(\.rawValue)
        let found: [(String, Date)] = try await read("reading when devices last sent a heartbeat") { connection in
            let query: PostgresQuery = "SELECT id, heard FROM device WHERE id = ANY(\(texts)::text[]) AND heard IS NOT NULL"
            return try await self.rows(query, on: connection).map { row in try row.decode((String, Date).self) }
        }
        var seen: [DeviceID: Date] = [:]
        for (id, time) in found { seen[DeviceID(id)] = StoredTime.read(time) }
        return seen
    }

    // MARK: Rows

    /// Writes the device row (the same values the SQLite store's `DeviceRecord` holds) and its
    /// endpoints; an endpoint another device held moves to this one.
    private func upsert(_ device: Device, on connection: PostgresConnection) async throws {
        let record = DeviceRecord(device)
        let addresses = try DeviceRecord.jsonText(record.addresses, column: "addresses")
        let capabilities = try DeviceRecord.jsonText(record.capabilities, column: "capabilities")
        let labels = try DeviceRecord.jsonText(record.labels, column: "labels")
        let health = try record.health.map { try DeviceRecord.jsonText($0, column: "health") }
        try await run(
            """
            INSERT INTO device (\(unescaped: Self.deviceColumns))
            VALUES (\(record.id), \(record.name), \(addresses), \(record.port), \(record.status),
                \(StoredTime.written(record.statusSince)), \(record.statusReason), \(record.description), \(capabilities),
                \(labels), \(health), \(StoredTime.written(record.firstSeen)), \(StoredTime.written(record.lastSeen)),
                \(record.dampedUntil.map(StoredTime.written)), \(record.trust), \(record.cordonedAt.map(StoredTime.written)))
            ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, addresses = EXCLUDED.addresses, port = EXCLUDED.port,
                status = EXCLUDED.status, status_since = EXCLUDED.status_since, status_reason = EXCLUDED.status_reason,
                description = EXCLUDED.description, capabilities = EXCLUDED.capabilities, labels = EXCLUDED.labels,
                health = EXCLUDED.health, first_seen = EXCLUDED.first_seen, last_seen = EXCLUDED.last_seen,
                damped_until = EXCLUDED.damped_until, trust = EXCLUDED.trust, cordoned_at = EXCLUDED.cordoned_at
            """, on: connection)
        try await run("DELETE FROM device_endpoint WHERE device_id = \(record.id)", on: connection)
        for address in record.addresses {
            try await run(
                """
                INSERT INTO device_endpoint (host, port, device_id) VALUES (\(address), \(record.port), \(record.id))
                ON CONFLICT (host, port) DO UPDATE SET device_id = EXCLUDED.device_id
                """, on: connection)
        }
    }

    private static func deviceRecord(_ row: PostgresRow) throws -> DeviceRecord {
        let (
            id, name, addresses, port, status, statusSince, statusReason, description, capabilities, labels, health, firstSeen,
            lastSeen, dampedUntil, trust, cordonedAt
        ) = try row.decode(
            (String, String, String, Int, String, Date, String, String, String, String, String?, Date, Date, Date?, String, Date?).self)
        return DeviceRecord(
            id: id, name: name, addresses: try DeviceRecord.jsonValue([String].self, from: addresses, column: "addresses"),
            port: port, status: status, statusSince: StoredTime.read(statusSince), statusReason: statusReason,
            description: description,
            capabilities: try DeviceRecord.jsonValue(DeviceCapabilities.self, from: capabilities, column: "capabilities"),
            labels: try DeviceRecord.jsonValue([String: String].self, from: labels, column: "labels"),
            health: try health.map { try DeviceRecord.jsonValue(HealthReport.self, from: $0, column: "health") },
            firstSeen: StoredTime.read(firstSeen), lastSeen: StoredTime.read(lastSeen),
            dampedUntil: dampedUntil.map(StoredTime.read), trust: trust, cordonedAt: cordonedAt.map(StoredTime.read))
    }
}
