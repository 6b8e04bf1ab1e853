import Foundation
import GRDB
import TideModel

/// A row of `removed_device`: a device an operator removed, whose return is refused.
package struct RemovedDeviceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "removed_device"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var id: String
    package var name: String
    package var removedAt: Date
    package var addresses: [String]
    package var port: Int

    package init(_ removed: RemovedDevice) {
        id = removed.id.rawValue
        name = removed.name
        removedAt = removed.removedAt
        addresses = removed.addresses
        port = removed.port
    }

    package var removedDevice: RemovedDevice {
        RemovedDevice(id: DeviceID(id), name: name, removedAt: removedAt, addresses: addresses, port: port)
    }
}

extension RemovedDeviceRecord {
    /// A row read by another backend.
    package init(id: String, name: String, removedAt: Date, addresses: [String], port: Int) {
        self.id = id
        self.name = name
        self.removedAt = removedAt
        self.addresses = addresses
        self.port = port
    }
}
