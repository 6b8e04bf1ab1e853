import Foundation
import GRDB
import TideModel

/// A row of `event`.
package struct EventRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    package static let databaseTableName = "event"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var id: Int64?
    package var time: Date
    package var kind: String
    package var deviceId: String?
    package var message: String
    /// JSON text: GRDB would read a `JSONValue` column back as a string.
    package var details: String?

    package init(_ event: NewFleetEvent) throws {
        time = event.time
        kind = event.kind.rawValue
        deviceId = event.device?.rawValue
        message = event.message
        details = try event.details.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    package func event() throws(StoreError) -> FleetEvent {
        guard let id else { throw .corrupt("an event row has no id") }
        guard let kind = FleetEventKind(rawValue: kind) else { throw .corrupt("event \(id) has unknown kind \"\(kind)\"") }
        var parsed: JSONValue?
        if let details {
            do {
                parsed = try JSONDecoder().decode(JSONValue.self, from: Data(details.utf8))
            } catch {
                throw .corrupt("event \(id) has details that are not JSON")
            }
        }
        return FleetEvent(
            id: id, time: time, kind: kind, device: deviceId.map(DeviceID.init(rawValue:)), message: message,
            details: parsed)
    }
}

extension EventRecord {
    /// A row read by another backend; `details` is the JSON text as stored.
    package init(id: Int64, time: Date, kind: String, deviceId: String?, message: String, details: String?) {
        self.id = id
        self.time = time
        self.kind = kind
        self.deviceId = deviceId
        self.message = message
        self.details = details
    }
}
