import Foundation
import GRDB
import TideModel

/// A row of `device`. JSON columns hold the nested values; `description` holds the text the device sent.
struct DeviceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "device"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var id: String
    var name: String
    var addresses: [String]
    var port: Int
    var status: String
    var statusSince: Date
    var statusReason: String
    var description: String
    var capabilities: DeviceCapabilities
    var labels: [String: String]
    var health: HealthReport?
    var firstSeen: Date
    var lastSeen: Date
    var dampedUntil: Date?
    var trust: String

    init(_ device: Device) {
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
    }

    func device() throws(StoreError) -> Device {
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
            health: health, firstSeen: firstSeen, lastSeen: lastSeen, dampedUntil: dampedUntil, trust: trust)
    }
}
