import Foundation
import GRDB
import TideModel

/// A row of `removed_device`: a device an operator removed, whose return is refused.
struct RemovedDeviceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "removed_device"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var name: String
    var removedAt: Date
    var addresses: [String]
    var port: Int

    init(_ removed: RemovedDevice) {
        id = removed.id.rawValue
        name = removed.name
        removedAt = removed.removedAt
        addresses = removed.addresses
        port = removed.port
    }

    var removedDevice: RemovedDevice {
        RemovedDevice(id: DeviceID(id), name: name, removedAt: removedAt, addresses: addresses, port: port)
    }
}
