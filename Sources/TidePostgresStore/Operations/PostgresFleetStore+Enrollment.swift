import Foundation
import PostgresNIO
import TideModel
import TideStore

// MARK: Join tokens

extension PostgresFleetStore {
    static let joinTokenColumns = "id, secret_hash, created_at, expires_at, uses_left, labels, created_by"

    public func insert(_ token: JoinTokenRecord) async throws(StoreError) {
        try await write("storing join token \(token.id)") { connection in
            try await run(
                """
                INSERT INTO join_token (\(unescaped: Self.joinTokenColumns))
                VALUES (\(token.id), \(token.secretHash), \(StoredTime.written(token.createdAt)), \(StoredTime.written(token.expiresAt)),
                    \(token.usesLeft), \(token.labels), \(token.createdBy))
                """, on: connection)
        }
    }

    public func joinTokens() async throws(StoreError) -> [JoinTokenRecord] {
        try await read("loading join tokens") { connection in
            try await rows(
                "SELECT \(unescaped: Self.joinTokenColumns) FROM join_token ORDER BY created_at, id COLLATE \"C\"", on: connection
            ).map(Self.joinTokenRecord)
        }
    }

    public func deleteJoinToken(_ id: String) async throws(StoreError) -> Bool {
        try await write("deleting join token \(id)") { connection in
            try await !rows("DELETE FROM join_token WHERE id = \(id) RETURNING id", on: connection).isEmpty
        }
    }

    /// As `TideStore.useJoinToken`: the token's row is locked (`FOR UPDATE`) and the device id
    /// serialized by an advisory lock for the transaction, so replicas racing for the last use,
    /// or for one device id, cannot both win.
    public func useJoinToken(
        id: String, secretHash: String, deviceID: String, now: Date, issue: (JoinToken) throws -> DeviceCertificateRecord
    ) async throws -> (JoinTokenUse, DeviceCertificateRecord?) {
        let operation = "using join token \(id)"
        let outcome: Result<(JoinTokenUse, DeviceCertificateRecord?), any Error>
        do {
            outcome = try await client.withTransaction(logger: logger) { connection in
                let found = try await rows(
                    "SELECT \(unescaped: Self.joinTokenColumns) FROM join_token WHERE id = \(id) FOR UPDATE", on: connection
                ).first.map(Self.joinTokenRecord)
                guard let found, found.secretHash == secretHash else { return .success((.unknown, nil)) }
                let token = try found.token()
                if found.expiresAt <= now { return .success((.expired(token), nil)) }
                if found.usesLeft <= 0 { return .success((.exhausted(token), nil)) }
                try await run(
                    "SELECT pg_advisory_xact_lock(hashtextextended('tide:device-certificate:' || \(deviceID), 0))", on: connection)
                let held = try await rows(
                    """
                    SELECT 1 FROM device_certificate
                    WHERE device_id = \(deviceID) AND revoked_at IS NULL AND not_after > \(StoredTime.written(now)) LIMIT 1
                    """, on: connection)
                if !held.isEmpty { return .success((.deviceHasCertificate(token), nil)) }
                let certificate: DeviceCertificateRecord
                do {
                    certificate = try issue(token)
                } catch {
                    return .failure(error)
                }
                try await run("UPDATE join_token SET uses_left = uses_left - 1 WHERE id = \(id)", on: connection)
                try await insertCertificate(certificate, on: connection)
                return .success((.accepted(token), certificate))
            }
        } catch {
            throw PostgresFailure.storeError(error, operation: operation)
        }
        return try outcome.get()
    }

    static func joinTokenRecord(_ row: PostgresRow) throws -> JoinTokenRecord {
        let (id, secretHash, createdAt, expiresAt, usesLeft, labels, createdBy) =
            try row.decode((String, String, Date, Date, Int, String, String?).self)
        return JoinTokenRecord(
            id: id, secretHash: secretHash, createdAt: StoredTime.read(createdAt), expiresAt: StoredTime.read(expiresAt),
            usesLeft: usesLeft, labels: labels, createdBy: createdBy)
    }
}

// MARK: Device certificates

extension PostgresFleetStore {
    static let certificateColumns = "serial, device_id, issued_at, not_after, join_token, labels, revoked_at"

    public func activeCertificates(of deviceID: String, at now: Date) async throws(StoreError) -> [DeviceCertificateRecord] {
        try await certificates(
            "loading certificates of \(deviceID)",
            """
            SELECT \(unescaped: Self.certificateColumns) FROM device_certificate
            WHERE device_id = \(deviceID) AND revoked_at IS NULL AND not_after > \(StoredTime.written(now))
            ORDER BY issued_at, serial COLLATE "C"
            """)
    }

    public func insert(_ certificate: DeviceCertificateRecord) async throws(StoreError) {
        try await write("storing certificate \(certificate.serial)") { connection in
            try await insertCertificate(certificate, on: connection)
        }
    }

    public func certificates(notExpiredAt now: Date) async throws(StoreError) -> [DeviceCertificateRecord] {
        try await certificates(
            "loading device certificates",
            """
            SELECT \(unescaped: Self.certificateColumns) FROM device_certificate WHERE not_after > \(StoredTime.written(now))
            ORDER BY issued_at, serial COLLATE "C"
            """)
    }

    public func certificate(serial: String) async throws(StoreError) -> DeviceCertificateRecord? {
        try await certificates(
            "loading certificate \(serial)",
            "SELECT \(unescaped: Self.certificateColumns) FROM device_certificate WHERE serial = \(serial)"
        ).first
    }

    @discardableResult
    public func revokeCertificates(of deviceID: String, at now: Date) async throws(StoreError) -> Int {
        try await write("revoking certificates of \(deviceID)") { connection in
            try await rows(
                """
                UPDATE device_certificate SET revoked_at = \(StoredTime.written(now))
                WHERE device_id = \(deviceID) AND revoked_at IS NULL RETURNING serial
                """, on: connection
            ).count
        }
    }

    /// The certificates `query` selects (`certificateColumns`, in that order).
    private func certificates(_ operation: String, _ query: PostgresQuery) async throws(StoreError) -> [DeviceCertificateRecord] {
        try await read(operation) { connection in
            try await rows(query, on: connection).map { row in
                let (serial, deviceID, issuedAt, notAfter, joinToken, labels, revokedAt) =
                    try row.decode((String, String, Date, Date, String?, String, Date?).self)
                return DeviceCertificateRecord(
                    serial: serial, deviceId: deviceID, issuedAt: StoredTime.read(issuedAt), notAfter: StoredTime.read(notAfter),
                    joinToken: joinToken, labelsJSON: labels, revokedAt: revokedAt.map(StoredTime.read))
            }
        }
    }

    private func insertCertificate(_ certificate: DeviceCertificateRecord, on connection: PostgresConnection) async throws {
        try await run(
            """
            INSERT INTO device_certificate (\(unescaped: Self.certificateColumns))
            VALUES (\(certificate.serial), \(certificate.deviceId), \(StoredTime.written(certificate.issuedAt)),
                \(StoredTime.written(certificate.notAfter)), \(certificate.joinToken), \(certificate.labels),
                \(certificate.revokedAt.map(StoredTime.written)))
            """, on: connection)
    }
}
