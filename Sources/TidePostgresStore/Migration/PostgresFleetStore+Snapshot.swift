import NIOCore
import PostgresNIO
import TideStore

// MARK: Moving a whole store (tide datastore migrate)

extension PostgresFleetStore {
    /// The tables a migration fills: the snapshot's and the blobs.
    static var migratedTables: [String] { SnapshotLayout.tables.map(\.name) + ["tide_blob"] }

    /// Each migrated table that holds rows, with its row count; empty for a database ready to
    /// receive a migration.
    public func nonEmptyTables() async throws(StoreError) -> [(table: String, rows: Int)] {
        try await read("checking that the database is empty") { connection in try await nonEmptyTables(on: connection) }
    }

    func nonEmptyTables(on connection: PostgresConnection) async throws -> [(table: String, rows: Int)] {
        var found: [(table: String, rows: Int)] = []
        for table in Self.migratedTables {
            let count = try await rows(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \"\(table)\""), on: connection)
                .first?.decode(Int.self) ?? 0
            if count > 0 { found.append((table, count)) }
        }
        return found
    }

    static func notEmpty(_ tables: [(table: String, rows: Int)], url: PostgresURL) -> StoreError {
        .conflict(
            "the target database \(url) is not empty (" + tables.map { "\($0.table): \($0.rows) rows" }.joined(separator: ", ")
                + "); migrate into a new, empty database (createdb), nothing was written")
    }

    /// Writes `snapshot` and every blob of `blobs` into this database, which must be empty, in ONE
    /// transaction: on any failure (a blob file that does not match its name, a row the schema
    /// refuses, a lost connection) nothing is written. Rows keep their ids; the id sequences of
    /// the event log and the audit log continue after the largest id copied.
    ///
    /// Checked before anything is written: every blob a package file names is in `blobs`, and
    /// no blob is larger than `maximumBlobSize`. Returns the digests copied.
    @discardableResult
    public func importSnapshot(_ snapshot: StoreSnapshot, blobs: BlobDirectory) async throws(StoreError) -> [String] {
        let entries = try blobs.entries()
        if let large = entries.first(where: { $0.size > Self.maximumBlobSize }) {
            throw .conflict(
                "the blob file \(blobs.file(large.digest)) is \(large.size) bytes; the limit for a package file is "
                    + "\(Self.maximumBlobSize) bytes; nothing was written")
        }
        let present = Set(entries.map(\.digest))
        let missing = Self.referencedDigests(snapshot).filter { !present.contains($0.digest) }
        if let first = missing.first {
            throw .conflict(
                "\(missing.count) blob(s) that packages name are not in \(blobs.path), e.g. \(first.digest) (\(first.package)); "
                    + "give the server's blob directory with --blobs; nothing was written")
        }
        let nonEmpty = try await nonEmptyTables()
        guard nonEmpty.isEmpty else { throw Self.notEmpty(nonEmpty, url: url) }

        try await write("importing the snapshot") { connection in
            // Nothing else may write events (a replica started too early) while ids are copied.
            try await run("SELECT pg_advisory_xact_lock(hashtextextended('tide:event-log', 0))", on: connection)
            let nonEmpty = try await nonEmptyTables(on: connection)
            guard nonEmpty.isEmpty else { throw Self.notEmpty(nonEmpty, url: url) }
            for layout in SnapshotLayout.tables {
                guard let table = snapshot.table(layout.name) else { continue }
                guard table.columns == layout.columnNames else {
                    throw StoreError.corrupt("the snapshot's \(table.name) has columns \(table.columns), not \(layout.columnNames)")
                }
                try await insert(table.rows, into: layout, on: connection)
            }
            for entry in entries {
                try await insertBlob(digest: entry.digest, bytes: try blobs.read(entry.digest), on: connection)
            }
            for layout in SnapshotLayout.tables {
                guard let identity = layout.identity else { continue }
                try await run(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence('\(layout.name)', '\(identity)'), max("\(identity)"))
                            FROM "\(layout.name)" HAVING max("\(identity)") IS NOT NULL
                            """), on: connection)
            }
        }
        return entries.map(\.digest)
    }

    /// The digests package files name, with the first package naming each.
    static func referencedDigests(_ snapshot: StoreSnapshot) -> [(digest: String, package: String)] {
        guard let files = snapshot.table("package_file"),
              let name = files.columns.firstIndex(of: "name"), let version = files.columns.firstIndex(of: "version"),
              let digest = files.columns.firstIndex(of: "digest")
        else { return [] }
        var seen: Set<String> = []
        var found: [(digest: String, package: String)] = []
        for row in files.rows {
            guard case .text(let hex) = row[digest], seen.insert(hex).inserted else { continue }
            guard case .text(let package) = row[name], case .text(let number) = row[version] else { continue }
            found.append((hex, "\(package) \(number)"))
        }
        return found
    }

    /// Inserts rows in batches of one statement each (at most 30,000 parameters per statement).
    private func insert(_ rows: [[StoreSnapshot.Value]], into layout: SnapshotLayout.Table, on connection: PostgresConnection) async throws {
        let batch = max(1, min(1000, 30_000 / max(1, layout.columns.count)))
        let columns = layout.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let overriding = layout.identity == nil ? "" : " OVERRIDING SYSTEM VALUE"
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + batch)]
            var bindings = PostgresBindings(capacity: chunk.count * layout.columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            for row in chunk {
                guard row.count == layout.columns.count else {
                    throw StoreError.corrupt("a row of \(layout.name) has \(row.count) values for \(layout.columns.count) columns")
                }
                var placeholders: [String] = []
                for (column, value) in zip(layout.columns, row) {
                    try Self.bind(value, column: column, table: layout.name, to: &bindings)
                    placeholders.append(Self.placeholder(bindings.count, kind: column.kind))
                }
                tuples.append("(" + placeholders.joined(separator: ", ") + ")")
            }
            let sql = "INSERT INTO \"\(layout.name)\" (\(columns))\(overriding) VALUES " + tuples.joined(separator: ", ")
            try await run(PostgresQuery(unsafeSQL: sql, binds: bindings), on: connection)
            start += batch
        }
    }

    /// Times travel as integer milliseconds and are turned into a timestamp by the server, exactly.
    private static func placeholder(_ index: Int, kind: SnapshotLayout.Kind) -> String {
        switch kind {
        case .text: "$\(index)::text"
        case .integer: "$\(index)::bigint"
        case .boolean: "$\(index)::boolean"
        case .time: "(timestamptz 'epoch' + $\(index)::bigint * interval '1 millisecond')"
        }
    }

    private static func bind(_ value: StoreSnapshot.Value, column: SnapshotLayout.Column, table: String, to bindings: inout PostgresBindings)
        throws
    {
        switch (column.kind, value) {
        case (_, .null): bindings.appendNull()
        case (.text, .text(let text)): bindings.append(text)
        case (.integer, .integer(let number)): bindings.append(number)
        case (.boolean, .boolean(let flag)): bindings.append(flag)
        case (.time, .time(let milliseconds)): bindings.append(milliseconds)
        default: throw StoreError.corrupt("the snapshot's \(table).\(column.name) holds \(value), not a \(column.kind) value")
        }
    }

    /// Every table of `SnapshotLayout` as raw rows, in one repeatable-read transaction.
    public func exportSnapshot() async throws(StoreError) -> StoreSnapshot {
        try await write("exporting the database") { connection in
            try await run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", on: connection)
            var tables: [StoreSnapshot.Table] = []
            for layout in SnapshotLayout.tables {
                let columns = layout.columns.map { column in
                    column.kind == .time
                        ? "(round(extract(epoch FROM \"\(column.name)\") * 1000))::bigint" : "\"\(column.name)\""
                }.joined(separator: ", ")
                let order = layout.key.map { key in
                    layout.columns.first { $0.name == key }?.kind == .text ? "\"\(key)\" COLLATE \"C\"" : "\"\(key)\""
                }.joined(separator: ", ")
                var values: [[StoreSnapshot.Value]] = []
                for row in try await rows(PostgresQuery(unsafeSQL: "SELECT \(columns) FROM \"\(layout.name)\" ORDER BY \(order)"), on: connection) {
                    var decoded: [StoreSnapshot.Value] = []
                    decoded.reserveCapacity(layout.columns.count)
                    for (column, cell) in zip(layout.columns, row) {
                        decoded.append(try Self.value(cell, kind: column.kind))
                    }
                    values.append(decoded)
                }
                tables.append(StoreSnapshot.Table(name: layout.name, columns: layout.columnNames, rows: values))
            }
            return StoreSnapshot(tables: tables)
        }
    }

    private static func value(_ cell: PostgresCell, kind: SnapshotLayout.Kind) throws -> StoreSnapshot.Value {
        switch kind {
        case .text: try cell.decode(String?.self).map(StoreSnapshot.Value.text) ?? .null
        case .integer: try cell.decode(Int64?.self).map(StoreSnapshot.Value.integer) ?? .null
        case .boolean: try cell.decode(Bool?.self).map(StoreSnapshot.Value.boolean) ?? .null
        case .time: try cell.decode(Int64?.self).map { StoreSnapshot.Value.time(milliseconds: $0) } ?? .null
        }
    }

    /// Each stored blob's digest with the SHA-256 of its bytes as the server computes it (without
    /// sending the bytes): the two are equal for every intact blob.
    public func blobContentDigests() async throws(StoreError) -> [(digest: String, content: String)] {
        try await read("checking the blobs") { connection in
            try await rows(#"SELECT digest, encode(sha256(bytes), 'hex') FROM tide_blob ORDER BY digest COLLATE "C""#, on: connection)
                .map { try $0.decode((String, String).self) }
        }
    }
}
