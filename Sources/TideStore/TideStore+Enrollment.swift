import Foundation
import GRDB
import TideModel

/// What presenting a join token came to.
public enum JoinTokenUse: Sendable, Equatable {
    case accepted(JoinToken)
    case unknown
    case expired(JoinToken)
    case exhausted(JoinToken)
    /// The device id already has a certificate in force: another device may not take its name.
    case deviceHasCertificate(JoinToken)
}

// MARK: Join tokens and device certificates

extension TideStore {
    public func insert(_ token: JoinTokenRecord) throws(StoreError) {
        try write("storing join token \(token.id)") { db in try token.insert(db) }
    }

    public func joinTokens() throws(StoreError) -> [JoinTokenRecord] {
        try read("loading join tokens") { db in try JoinTokenRecord.order(Column("created_at"), Column("id")).fetchAll(db) }
    }

    public func deleteJoinToken(_ id: String) throws(StoreError) -> Bool {
        try write("deleting join token \(id)") { db in try JoinTokenRecord.deleteOne(db, key: id) }
    }

    /// Checks a token by its id and the hash of its secret and that `deviceID` holds no
    /// certificate in force; when both are good, takes one use and records the certificate
    /// `issue` makes, all in one transaction: two devices racing for the last use, or for one
    /// id, cannot both win. A refusal takes no use.
    public func useJoinToken(
        id: String, secretHash: String, deviceID: String, now: Date, issue: (JoinToken) throws -> DeviceCertificateRecord
    ) throws -> (JoinTokenUse, DeviceCertificateRecord?) {
        let outcome: Result<(JoinTokenUse, DeviceCertificateRecord?), any Error> = try write("using join token \(id)") { db in
            guard var record = try JoinTokenRecord.fetchOne(db, key: id), record.secretHash == secretHash else {
                return .success((.unknown, nil))
            }
            let token = try record.token()
            if record.expiresAt <= now { return .success((.expired(token), nil)) }
            if record.usesLeft <= 0 { return .success((.exhausted(token), nil)) }
            let held = try DeviceCertificateRecord
                .filter(Column("device_id") == deviceID && Column("revoked_at") == nil && Column("not_after") > now)
                .fetchCount(db)
            if held > 0 { return .success((.deviceHasCertificate(token), nil)) }
            let certificate: DeviceCertificateRecord
            do {
                certificate = try issue(token)
            } catch {
                return .failure(error)
            }
            record.usesLeft -= 1
            try record.update(db)
            try certificate.insert(db)
            return .success((.accepted(token), certificate))
        }
        return try outcome.get()
    }

    /// The device's certificates that are neither revoked nor expired at `now`.
    public func activeCertificates(of deviceID: String, at now: Date) throws(StoreError) -> [DeviceCertificateRecord] {
        try read("loading certificates of \(deviceID)") { db in
            try DeviceCertificateRecord
                .filter(Column("device_id") == deviceID && Column("revoked_at") == nil && Column("not_after") > now)
                .fetchAll(db)
        }
    }

    public func insert(_ certificate: DeviceCertificateRecord) throws(StoreError) {
        try write("storing certificate \(certificate.serial)") { db in try certificate.insert(db) }
    }

    /// Every certificate, revoked or not, that has not expired at `now`.
    public func certificates(notExpiredAt now: Date) throws(StoreError) -> [DeviceCertificateRecord] {
        try read("loading device certificates") { db in
            try DeviceCertificateRecord.filter(Column("not_after") > now).fetchAll(db)
        }
    }

    public func certificate(serial: String) throws(StoreError) -> DeviceCertificateRecord? {
        try read("loading certificate \(serial)") { db in try DeviceCertificateRecord.fetchOne(db, key: serial) }
    }

    /// Revokes every certificate of the device; returns how many were still in force.
    @discardableResult
    public func revokeCertificates(of deviceID: String, at now: Date) throws(StoreError) -> Int {
        try write("revoking certificates of \(deviceID)") { db in
            try DeviceCertificateRecord
                .filter(Column("device_id") == deviceID && Column("revoked_at") == nil)
                .updateAll(db, Column("revoked_at").set(to: now))
        }
    }
}
