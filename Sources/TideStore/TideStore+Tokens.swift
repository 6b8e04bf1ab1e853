import Foundation
import GRDB
import TideModel

// MARK: Operator tokens

extension TideStore {
    public func apiTokens() throws(StoreError) -> [APITokenRecord] {
        try read("loading tokens") { db in try APITokenRecord.order(Column("created_at"), Column("id")).fetchAll(db) }
    }

    /// Stores a new token and the event that records it, in one transaction.
    public func insert(_ token: APITokenRecord, event: NewFleetEvent) throws(StoreError) -> FleetEvent {
        try write("storing token \(token.id)") { db in
            try token.insert(db)
            return try Self.insert(event, in: db)
        }
    }

    /// Deletes a token and records why; nil when there was no such token.
    public func deleteToken(_ id: String, event: NewFleetEvent) throws(StoreError) -> FleetEvent? {
        try write("revoking token \(id)") { db in
            guard try APITokenRecord.deleteOne(db, key: id) else { return nil }
            return try Self.insert(event, in: db)
        }
    }

    /// Makes `token` the only bootstrap token (the server's `operator.token`), replacing one with
    /// another secret (the file was rotated).
    public func replaceBootstrapToken(with token: APITokenRecord) throws(StoreError) {
        try write("storing the bootstrap token") { db in
            try db.execute(sql: "DELETE FROM api_token WHERE bootstrap = 1")
            try token.insert(db)
        }
    }
}

// MARK: Audit log

extension TideStore {
    /// Appends an entry; its `id` is assigned here.
    @discardableResult
    public func appendAudit(_ entry: AuditEntry) throws(StoreError) -> AuditEntry {
        let record = try write("recording an audit entry") { db in
            var record = AuditRecord(entry)
            try record.insert(db)
            return record
        }
        return try record.entry()
    }

    /// Entries with an id greater than `afterID`, oldest first; without it, the newest `limit`.
    public func auditEntries(afterID: Int64? = nil, limit: Int = 1000) throws(StoreError) -> [AuditEntry] {
        let records = try read("loading the audit log") { db in
            if let afterID {
                return try AuditRecord.order(Column("id")).filter(Column("id") > afterID).limit(limit).fetchAll(db)
            }
            return try AuditRecord.order(Column("id").desc).limit(limit).fetchAll(db).reversed()
        }
        var entries: [AuditEntry] = []
        for record in records { entries.append(try record.entry()) }
        return entries
    }
}
