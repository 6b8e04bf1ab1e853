/// The whole state of a store as raw rows, to move it to another backend (`tide datastore
/// migrate`). Values are what the database holds: text (JSON columns included) byte for byte,
/// integers, booleans, and times as milliseconds since 1970 (both backends keep milliseconds).
/// Tables come in `SnapshotLayout.tables` order (a row's references before it), rows in
/// primary-key order. Blobs are not part of it: they are files beside a SQLite store.
public struct StoreSnapshot: Sendable, Equatable {
    public enum Value: Sendable, Hashable {
        case null
        case text(String)
        case integer(Int64)
        case boolean(Bool)
        case time(milliseconds: Int64)
    }

    public struct Table: Sendable, Equatable {
        public var name: String
        public var columns: [String]
        public var rows: [[Value]]

        public init(name: String, columns: [String], rows: [[Value]]) {
            self.name = name
            self.columns = columns
            self.rows = rows
        }
    }

    public var tables: [Table]

    public init(tables: [Table]) {
        self.tables = tables
    }

    public func table(_ name: String) -> Table? {
        tables.first { $0.name == name }
    }
}
