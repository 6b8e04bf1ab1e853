import Foundation
import GRDB
import TideModel

/// A row of `device`. JSON columns hold the nested values; `description` holds the text the device sent.
package struct DeviceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "device"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var id: String
    package var name: String
    package var addresses: [String]
    package var port: Int
    package var status: String
    package var statusSince: Date
    package var statusReason: String
    package var description: String
    package var capabilities: DeviceCapabilities
    package var labels: [String: String]
    package var health: HealthReport?
    package var firstSeen: Date
    package var lastSeen: Date
    package var dampedUntil: Date?
    package var trust: String
    package var cordonedAt: Date?

    package init(_ device: Device) {
        id = device.id.rawValue
        name = device.name
        addresses = device.addresses
        port = device.port
        status = device.status.rawValue
        statusSince = device.statusSince
        statusReason = device.statusReason
        description = String(decoding: device.description.bytes, as: UTF8.self)
        capabilities = device.capabilities
        labels = device.labels
        health = device.health
        firstSeen = device.firstSeen
        lastSeen = device.lastSeen
        dampedUntil = device.dampedUntil
        trust = device.trust.rawValue
        cordonedAt = device.cordonedAt
    }

    package func device() throws(StoreError) -> Device {
        guard let status = DeviceStatus(rawValue: status) else {
            throw .corrupt("device \(id) has unknown status \"\(status)\"")
        }
        guard let trust = DeviceTrust(rawValue: trust) else {
            throw .corrupt("device \(id) has unknown trust \"\(trust)\"")
        }
        let parsed: RawJSON
        do {
            parsed = try RawJSON(validating: Array(description.utf8))
        } catch {
            throw .corrupt("device \(id) has a description that is not JSON: \(error)")
        }
        return Device(
            id: DeviceID(id), name: name, addresses: addresses, port: port, status: status, statusSince: statusSince,
            statusReason: statusReason, description: parsed, capabilities: capabilities, labels: labels,
            health: health, firstSeen: firstSeen, lastSeen: lastSeen, dampedUntil: dampedUntil, trust: trust,
            cordonedAt: cordonedAt)
    }
}

extension DeviceRecord {
    /// A row read by another backend, column by column (JSON columns already decoded with
    /// `jsonValue(_:from:column:)`).
    package init(
        id: String, name: String, addresses: [String], port: Int, status: String, statusSince: Date, statusReason: String,
        description: String, capabilities: DeviceCapabilities, labels: [String: String], health: HealthReport?,
        firstSeen: Date, lastSeen: Date, dampedUntil: Date?, trust: String, cordonedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.addresses = addresses
        self.port = port
        self.status = status
        self.statusSince = statusSince
        self.statusReason = statusReason
        self.description = description
        self.capabilities = capabilities
        self.labels = labels
        self.health = health
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.dampedUntil = dampedUntil
        self.trust = trust
        self.cordonedAt = cordonedAt
    }
}
