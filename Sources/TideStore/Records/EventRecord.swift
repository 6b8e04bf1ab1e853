import Foundation
import GRDB
import TideModel

/// A row of `event`.
struct EventRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "event"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: Int64?
    var time: Date
    var kind: String
    var deviceId: String?
    var message: String
    /// JSON text: GRDB would read a `JSONValue` column back as a string.
    var details: String?

    init(_ event: NewFleetEvent) throws {
        time = event.time
        kind = event.kind.rawValue
        deviceId = event.device?.rawValue
        message = event.message
        details = try event.details.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    func event() throws(StoreError) -> FleetEvent {
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
