import Foundation
import GRDB
import TideModel

/// A row of `device_certificate`: a certificate the fleet CA issued to a device.
public struct DeviceCertificateRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "device_certificate"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// Lowercase hex of the serial number.
    public var serial: String
    public var deviceId: String
    public var issuedAt: Date
    public var notAfter: Date
    public var joinToken: String?
    /// JSON object: the join token's labels, given to the device when it registers.
    public var labels: String
    public var revokedAt: Date?

    public init(
        serial: String, deviceId: String, issuedAt: Date, notAfter: Date, joinToken: String?, labels: [String: String] = [:],
        revokedAt: Date? = nil
    ) {
        self.serial = serial
        self.deviceId = deviceId
        self.issuedAt = issuedAt
        self.notAfter = notAfter
        self.joinToken = joinToken
        self.labels = (try? JSONEncoder().encode(labels)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        self.revokedAt = revokedAt
    }

    public var labelValues: [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(labels.utf8))) ?? [:]
    }
}

extension DeviceCertificateRecord {
    /// A row read by another backend; `labels` is the JSON text as stored.
    package init(
        serial: String, deviceId: String, issuedAt: Date, notAfter: Date, joinToken: String?, labelsJSON: String, revokedAt: Date?
    ) {
        self.serial = serial
        self.deviceId = deviceId
        self.issuedAt = issuedAt
        self.notAfter = notAfter
        self.joinToken = joinToken
        self.labels = labelsJSON
        self.revokedAt = revokedAt
    }
}
