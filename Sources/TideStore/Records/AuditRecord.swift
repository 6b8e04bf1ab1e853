import Foundation
import GRDB
import TideModel

/// A row of `audit_entry`.
package struct AuditRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    package static let databaseTableName = "audit_entry"

    package var id: Int64?
    package var time: Date
    package var token: String
    package var name: String
    package var role: String
    package var method: String
    package var path: String
    package var status: Int

    package init(_ entry: AuditEntry) {
        time = entry.time
        token = entry.token
        name = entry.name
        role = entry.role.rawValue
        method = entry.method
        path = entry.path
        status = entry.status
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    package func entry() throws(StoreError) -> AuditEntry {
        guard let id, let role = OperatorRole(rawValue: role) else {
            throw .corrupt("audit entry \(id.map(String.init) ?? "?") has unknown role \"\(role)\"")
        }
        return AuditEntry(id: id, time: time, token: token, name: name, role: role, method: method, path: path, status: status)
    }
}

extension AuditRecord {
    /// A row read by another backend.
    package init(id: Int64, time: Date, token: String, name: String, role: String, method: String, path: String, status: Int) {
        self.id = id
        self.time = time
        self.token = token
        self.name = name
        self.role = role
        self.method = method
        self.path = path
        self.status = status
    }
}
