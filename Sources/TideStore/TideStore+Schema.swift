import GRDB

extension TideStore {
    /// The migration ids, in order: every backend's migrator uses the same ones.
    public static var migrationIDs: [String] { Migrations.migrator.migrations }

    /// The applied migrations and every table's columns, as the database reports them.
    public func schema() throws(StoreError) -> SchemaDescription {
        try read("reading the schema") { db in
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid")
            let tables = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table'
                    AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'
                    """)
            var columns: [String: [String]] = [:]
            for table in tables {
                columns[table] = try db.columns(in: table).map(\.name)
            }
            return SchemaDescription(migrations: applied, columns: columns)
        }
    }
}
