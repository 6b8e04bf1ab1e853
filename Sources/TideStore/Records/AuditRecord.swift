import Foundation
import GRDB
import TideModel

/// A row of `audit_entry`.
struct AuditRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "audit_entry"

    var id: Int64?
    var time: Date
    var token: String
    var name: String
    var role: String
    var method: String
    var path: String
    var status: Int

    init(_ entry: AuditEntry) {
        time = entry.time
        token = entry.token
        name = entry.name
        role = entry.role.rawValue
        method = entry.method
        path = entry.path
        status = entry.status
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    func entry() throws(StoreError) -> AuditEntry {
        guard let id, let role = OperatorRole(rawValue: role) else {
            throw .corrupt("audit entry \(id.map(String.init) ?? "?") has unknown role \"\(role)\"")
        }
        return AuditEntry(id: id, time: time, token: token, name: name, role: role, method: method, path: path, status: status)
    }
}
