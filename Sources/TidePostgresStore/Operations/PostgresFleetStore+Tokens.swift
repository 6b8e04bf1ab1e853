import Foundation
import PostgresNIO
import TideModel
import TideStore

// MARK: Operator tokens

extension PostgresFleetStore {
    public func apiTokens() async throws(StoreError) -> [APITokenRecord] {
        try await read("loading tokens") { connection in
            try await rows(
                """
                SELECT id, name, role, secret_hash, created_at, created_by, bootstrap FROM api_token
                ORDER BY created_at, id COLLATE "C"
                """, on: connection
            ).map { row in
                let (id, name, role, secretHash, createdAt, createdBy, bootstrap) =
                    try row.decode((String, String, String, String, Date, String?, Bool).self)
                return APITokenRecord(
                    id: id, name: name, role: role, secretHash: secretHash, createdAt: StoredTime.read(createdAt), createdBy: createdBy,
                    bootstrap: bootstrap)
            }
        }
    }

    public func insert(_ token: APITokenRecord, event: NewFleetEvent) async throws(StoreError) -> FleetEvent {
        try await write("storing token \(token.id)") { connection in
            try await insertToken(token, on: connection)
            return try await insert(event, on: connection)
        }
    }

    public func deleteToken(_ id: String, event: NewFleetEvent) async throws(StoreError) -> FleetEvent? {
        try await write("revoking token \(id)") { connection in
            let deleted = try await rows("DELETE FROM api_token WHERE id = \(id) RETURNING id", on: connection)
            guard !deleted.isEmpty else { return nil }
            return try await insert(event, on: connection)
        }
    }

    public func replaceBootstrapToken(with token: APITokenRecord) async throws(StoreError) {
        try await write("storing the bootstrap token") { connection in
            try await run("DELETE FROM api_token WHERE bootstrap", on: connection)
            try await insertToken(token, on: connection)
        }
    }

    private func insertToken(_ token: APITokenRecord, on connection: PostgresConnection) async throws {
        try await run(
            """
            INSERT INTO api_token (id, name, role, secret_hash, created_at, created_by, bootstrap)
            VALUES (\(token.id), \(token.name), \(token.role), \(token.secretHash), \(StoredTime.written(token.createdAt)),
                \(token.createdBy), \(token.bootstrap))
            """, on: connection)
    }
}

// MARK: The audit log

extension PostgresFleetStore {
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) async throws(StoreError) -> AuditEntry {
        let record = AuditRecord(entry)
        let id = try await write("recording an audit entry") { connection in
            try await rows(
                """
                INSERT INTO audit_entry (time, token, name, role, method, path, status)
                VALUES (\(StoredTime.written(record.time)), \(record.token), \(record.name), \(record.role), \(record.method),
                    \(record.path), \(record.status))
                RETURNING id
                """, on: connection
            ).first?.decode(Int64.self)
        }
        guard let id else { throw .corrupt("recording an audit entry returned no id") }
        return try AuditRecord(
            id: id, time: record.time, token: record.token, name: record.name, role: record.role, method: record.method,
            path: record.path, status: record.status
        ).entry()
    }

    public func auditEntries(afterID: Int64?, limit: Int) async throws(StoreError) -> [AuditEntry] {
        let columns = "id, time, token, name, role, method, path, status"
        let records = try await read("loading the audit log") { connection in
            let query: PostgresQuery =
                if let afterID {
                    "SELECT \(unescaped: columns) FROM audit_entry WHERE id > \(afterID) ORDER BY id LIMIT \(limit)"
                } else {
                    "SELECT * FROM (SELECT \(unescaped: columns) FROM audit_entry ORDER BY id DESC LIMIT \(limit)) AS newest ORDER BY id"
                }
            return try await rows(query, on: connection).map { row in
                let (id, time, token, name, role, method, path, status) =
                    try row.decode((Int64, Date, String, String, String, String, String, Int).self)
                return AuditRecord(
                    id: id, time: StoredTime.read(time), token: token, name: name, role: role, method: method, path: path, status: status)
            }
        }
        var entries: [AuditEntry] = []
        for record in records { entries.append(try record.entry()) }
        return entries
    }
}
