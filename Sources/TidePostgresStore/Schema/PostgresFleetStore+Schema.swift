import PostgresNIO
import TideStore

extension PostgresFleetStore {
    /// The migration ids, in order: the same as `TideStore.migrationIDs`.
    public static var migrationIDs: [String] { PostgresMigrations.ids }

    /// Applies the migrations this database lacks, in order, in one transaction that first takes
    /// the migration lock (an advisory lock): replicas starting together wait for each other, and
    /// the second finds nothing left to do. Refuses a database migrated by a newer Tide, and
    /// fails fast (`.cannotOpen`) when the server cannot be reached or refuses the credentials.
    public func migrate() async throws(StoreError) {
        try await checkConnection()
        let table = PostgresMigrations.table
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await run("SELECT pg_advisory_xact_lock(hashtextextended('tide:migrations', 0))", on: connection)
                try await run(
                    PostgresQuery(
                        unsafeSQL: """
                            CREATE TABLE IF NOT EXISTS \(table) (
                                position integer PRIMARY KEY, id text NOT NULL UNIQUE,
                                applied_at timestamptz NOT NULL DEFAULT now())
                            """), on: connection)
                let applied = try await rows(PostgresQuery(unsafeSQL: "SELECT id FROM \(table) ORDER BY position"), on: connection)
                    .map { try $0.decode(String.self) }
                let known = PostgresMigrations.ids
                guard applied.count <= known.count, Array(known.prefix(applied.count)) == applied else {
                    throw StoreError.cannotOpen(
                        path: url.description,
                        reason: "the database has migrations this Tide does not know (\(applied.joined(separator: ", "))); "
                            + "run the newest tide server against it, or use another database")
                }
                for (position, migration) in PostgresMigrations.all.enumerated().dropFirst(applied.count) {
                    for statement in migration.statements {
                        try await run(PostgresQuery(unsafeSQL: statement), on: connection)
                    }
                    try await run(
                        "INSERT INTO \(unescaped: table) (position, id) VALUES (\(position + 1), \(migration.id))", on: connection)
                }
            }
        } catch {
            let failure = PostgresFailure.storeError(error, operation: "migrating")
            if case .cannotOpen = failure { throw failure }
            throw .cannotOpen(path: url.description, reason: "migration failed: \(PostgresFailure.reason(error))")
        }
    }

    /// The applied migrations and every table's columns (the migration table left out).
    public func schema() async throws(StoreError) -> SchemaDescription {
        let table = PostgresMigrations.table
        return try await read("reading the schema") { connection in
            let applied = try await rows(PostgresQuery(unsafeSQL: "SELECT id FROM \(table) ORDER BY position"), on: connection)
                .map { try $0.decode(String.self) }
            let columnRows = try await rows(
                """
                SELECT table_name::text, column_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name <> \(table)
                """, on: connection)
            var columns: [String: [String]] = [:]
            for row in columnRows {
                let (tableName, column) = try row.decode((String, String).self)
                columns[tableName, default: []].append(column)
            }
            return SchemaDescription(migrations: applied, columns: columns)
        }
    }
}
