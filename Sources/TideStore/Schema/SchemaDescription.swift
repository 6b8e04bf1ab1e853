/// What a store's schema holds, read back from the database: the migrations it recorded and the
/// columns of each table (the migration bookkeeping table left out). Two backends with the same
/// migrations must describe the same schema; the conformance tests compare them.
public struct SchemaDescription: Sendable, Equatable, CustomStringConvertible {
    /// Applied migration ids, in the order they were applied.
    public var migrations: [String]
    /// Table name -> its column names, sorted.
    public var columns: [String: [String]]

    public init(migrations: [String], columns: [String: [String]]) {
        self.migrations = migrations
        self.columns = columns.mapValues { $0.sorted() }
    }

    public var description: String {
        let tables = columns.keys.sorted().map { "\($0)(\(columns[$0, default: []].joined(separator: ", ")))" }
        return "migrations \(migrations.joined(separator: ", ")); tables \(tables.joined(separator: "; "))"
    }
}
