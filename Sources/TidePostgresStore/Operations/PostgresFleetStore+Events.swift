import Foundation
import PostgresNIO
import TideModel
import TideStore

// MARK: The event log

extension PostgresFleetStore {
    static let eventColumns = "id, time, kind, device_id, message, details"

    public func latestEventID() async throws(StoreError) -> Int64 {
        try await read("reading the event log") { connection in
            try await rows("SELECT MAX(id) FROM event", on: connection).first?.decode(Int64?.self)
        } ?? 0
    }

    @discardableResult
    public func append(_ event: NewFleetEvent) async throws(StoreError) -> FleetEvent {
        try await write("recording an event") { connection in try await insert(event, on: connection) }
    }

    public func latestEvents(_ count: Int, device: DeviceID?) async throws(StoreError) -> [FleetEvent] {
        let records = try await read("loading events") { connection in
            try await rows(
                """
                SELECT \(unescaped: Self.eventColumns) FROM event
                WHERE \(device?.rawValue)::text IS NULL OR device_id = \(device?.rawValue)
                ORDER BY id DESC LIMIT \(count)
                """, on: connection
            ).map(Self.eventRecord)
        }
        var events: [FleetEvent] = []
        for record in records.reversed() { events.append(try record.event()) }
        return events
    }

    public func events(afterID: Int64?, since time: Date?, device: DeviceID?, limit: Int) async throws(StoreError) -> [FleetEvent] {
        let since = time.map(StoredTime.written)
        let records = try await read("loading events") { connection in
            try await rows(
                """
                SELECT \(unescaped: Self.eventColumns) FROM event
                WHERE (\(afterID)::bigint IS NULL OR id > \(afterID))
                AND (\(since)::timestamptz IS NULL OR time >= \(since))
                AND (\(device?.rawValue)::text IS NULL OR device_id = \(device?.rawValue))
                ORDER BY id LIMIT \(limit)
                """, on: connection
            ).map(Self.eventRecord)
        }
        var events: [FleetEvent] = []
        for record in records { events.append(try record.event()) }
        return events
    }

    static func eventRecord(_ row: PostgresRow) throws -> EventRecord {
        let (id, time, kind, deviceID, message, details) = try row.decode((Int64, Date, String, String?, String, String?).self)
        return EventRecord(id: id, time: StoredTime.read(time), kind: kind, deviceId: deviceID, message: message, details: details)
    }
}
