import Foundation
import GRDB

extension TideStore {
    /// Every table of `SnapshotLayout` as raw rows, read in one read transaction: a consistent
    /// snapshot even while a server writes to the same file.
    public func exportSnapshot() throws(StoreError) -> StoreSnapshot {
        try read("exporting the database") { db in try Self.snapshot(db, path: path) }
    }

    /// Exports the SQLite database at `path` without migrating or otherwise writing it (it may be
    /// a running server's). Refuses, in words, a missing file, a file that is not SQLite, and a
    /// database that is not Tide's or was migrated by another Tide version than this one.
    public static func exportSnapshot(readingFileAt path: String) throws(StoreError) -> StoreSnapshot {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .cannotOpen(path: path, reason: "there is no such file (a server's database is <data-dir>/tide.sqlite)")
        }
        guard !isDirectory.boolValue else {
            throw .cannotOpen(path: path, reason: "it is a directory, not a database file (a server's database is <data-dir>/tide.sqlite)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, reason: notTide(error))
        }
        do {
            return try pool.read { db in
                try checkMigrations(db, path: path)
                return try snapshot(db, path: path)
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .cannotOpen(path: path, reason: notTide(error))
        }
    }

    private static func notTide(_ error: any Error) -> String {
        let reason = (error as? DatabaseError)?.message ?? String(describing: error)
        return "it is not a Tide database (\(reason))"
    }

    /// The source must have exactly this Tide's migrations, so every column the layout names exists.
    private static func checkMigrations(_ db: Database, path: String) throws {
        guard try db.tableExists("grdb_migrations") else {
            throw StoreError.cannotOpen(path: path, reason: "it is an SQLite file but not a Tide database (it has no Tide migrations)")
        }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
        let known = migrationIDs
        if applied == known { return }
        if applied.count < known.count, Array(known.prefix(applied.count)) == applied {
            throw StoreError.cannotOpen(
                path: path,
                reason: "it was last opened by an older Tide (newest migration \(applied.last ?? "none"), this Tide has "
                    + "\(known.last ?? "none")); start this version's tide server on it once (it migrates on start), then migrate")
        }
        throw StoreError.cannotOpen(
            path: path,
            reason: "it has migrations this Tide does not know (\(applied.joined(separator: ", "))); "
                + "use the tide that runs this server to migrate it")
    }

    static func snapshot(_ db: Database, path: String) throws -> StoreSnapshot {
        var tables: [StoreSnapshot.Table] = []
        for layout in SnapshotLayout.tables {
            let columns = layout.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let order = layout.key.map { "\"\($0)\"" }.joined(separator: ", ")
            var rows: [[StoreSnapshot.Value]] = []
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \"\(layout.name)\" ORDER BY \(order)")
            while let row = try cursor.next() {
                var values: [StoreSnapshot.Value] = []
                values.reserveCapacity(layout.columns.count)
                for (index, column) in layout.columns.enumerated() {
                    let stored: DatabaseValue = row[index]
                    values.append(try value(stored, column: column, table: layout.name))
                }
                rows.append(values)
            }
            tables.append(StoreSnapshot.Table(name: layout.name, columns: layout.columnNames, rows: rows))
        }
        return StoreSnapshot(tables: tables)
    }

    private static func value(_ stored: DatabaseValue, column: SnapshotLayout.Column, table: String) throws -> StoreSnapshot.Value {
        switch (column.kind, stored.storage) {
        case (_, .null): return .null
        case (.text, .string(let text)): return .text(text)
        case (.integer, .int64(let number)): return .integer(number)
        case (.boolean, .int64(let number)) where number == 0 || number == 1: return .boolean(number == 1)
        case (.time, _):
            if let date = Date.fromDatabaseValue(stored) {
                return .time(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
        default: break
        }
        throw StoreError.corrupt("\(table).\(column.name) holds \(stored), not a \(column.kind) value")
    }
}
