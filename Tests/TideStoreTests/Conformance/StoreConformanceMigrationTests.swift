import Foundation
import Logging
import Testing
import TideModel
import TidePackageFormat
import TidePostgresStore
import TideStore
@testable import TideTesting

/// Moving a single server's SQLite store into PostgreSQL: the snapshot both stores read and
/// write, and `DatastoreMigration`, which `tide datastore migrate` runs.
@Suite("StoreConformance: snapshots and migration to PostgreSQL")
struct StoreConformanceMigrationTests {
    static let postgres = StoreBackend.all.contains(.postgres)

    @Test("the snapshot layout names every table and column of the schema but the blob table")
    func layoutCoversSchema() throws {
        let path = StoreTests.temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        let schema = try TideStore(path: path).schema()
        let copied = schema.columns.filter { !SnapshotLayout.notCopied.contains($0.key) }
        #expect(Set(SnapshotLayout.tables.map(\.name)) == Set(copied.keys))
        for table in SnapshotLayout.tables {
            #expect(table.columnNames.sorted() == copied[table.name], "\(table.name)")
            #expect(Set(table.key).isSubset(of: table.columnNames), "\(table.name)")
        }
    }

    @Test("SQLite: the file read without migrating gives the same snapshot as the open store; every table has rows")
    func sqliteExport() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        let snapshot = try TideStore.exportSnapshot(readingFileAt: source.databasePath)
        #expect(snapshot == (try TideStore(path: source.databasePath).exportSnapshot()))
        #expect(snapshot.tables.map(\.name) == SnapshotLayout.tables.map(\.name))
        for table in snapshot.tables { #expect(!table.rows.isEmpty, "\(table.name) is empty in the fixture") }
        // Values as stored: a device's description byte for byte, times in milliseconds.
        let device = try #require(snapshot.table("device"))
        let description = try #require(device.columns.firstIndex(of: "description"))
        let dampedUntil = try #require(device.columns.firstIndex(of: "damped_until"))
        let stored = try #require(try TideStore(path: source.databasePath).device(DeviceID("a")))
        #expect(device.rows.first?[description] == .text(try DeviceRecord.jsonText(stored.description, column: "description")))
        #expect(device.rows.first?[dampedUntil] == .time(milliseconds: 1_800_000_060_625))
    }

    @Test("SQLite: a missing file, a directory and a file that is not a Tide database are refused in words")
    func sqliteRefusals() throws {
        let directory = URL(fileURLWithPath: StoreTests.temporaryPath()).deletingLastPathComponent().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func message(_ path: String) -> String {
            do {
                _ = try TideStore.exportSnapshot(readingFileAt: path)
                return "no error"
            } catch {
                return error.description
            }
        }
        #expect(message(directory + "/none.sqlite")
            == "cannot open the database at \(directory)/none.sqlite: there is no such file (a server's database is <data-dir>/tide.sqlite)")
        #expect(!FileManager.default.fileExists(atPath: directory + "/none.sqlite"), "nothing is created")
        #expect(message(directory).contains("it is a directory, not a database file"))
        try "not a database at all, just some text that is long enough".write(toFile: directory + "/text", atomically: true, encoding: .utf8)
        #expect(message(directory + "/text") == "cannot open the database at \(directory)/text: it is not a Tide database (file is not a database)")
    }

    @Test("SQLite -> PostgreSQL: every row, id and blob arrives; the export of the copy equals the source; ids continue after the largest",
          .enabled(if: postgres))
    func roundTrip() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        let snapshot = try TideStore.exportSnapshot(readingFileAt: source.databasePath)
        let sourceStore = try TideStore(path: source.databasePath)
        try await PostgresTestDatabase.withFresh { url in
            let report = try await DatastoreMigration.run(
                from: "sqlite:" + source.databasePath, to: Self.text(url), blobs: nil, logger: StoreBackend.quietLogger)
            #expect(report.matches, "\(report.differences)")
            #expect(report.tables.map(\.table) == SnapshotLayout.tables.map(\.name))
            #expect(report.tables.allSatisfy { $0.sourceRows > 0 && $0.sourceRows == $0.targetRows })
            #expect(report.blobs.sourceBlobs == 3 && report.blobs.targetBlobs == 3)
            #expect(report.blobDirectory == source.blobDirectory)
            #expect(!report.target.contains(url.password ?? "-"))

            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { store in
                #expect(try await store.exportSnapshot() == snapshot)
                #expect(try await store.blobDigests() == source.blobs.keys.sorted())
                for (digest, bytes) in source.blobs { #expect(try await store.blob(digest) == bytes) }
                // The records read back through the interface as SQLite gives them.
                #expect(try await store.allDevices() == sourceStore.allDevices())
                #expect(try await store.removedDevices() == sourceStore.removedDevices())
                #expect(try await store.events(afterID: nil, since: nil, device: nil, limit: 100) == sourceStore.events())
                #expect(try await store.packageVersions(named: nil) == sourceStore.packageVersions())
                #expect(try await store.deployments() == sourceStore.deployments())
                #expect(try await store.apiTokens() == sourceStore.apiTokens())
                #expect(try await store.apiTokens().contains { $0.bootstrap })
                #expect(try await store.joinTokens() == sourceStore.joinTokens())
                #expect(try await store.certificate(serial: "01ab") == sourceStore.certificate(serial: "01ab"))
                let audit = try sourceStore.auditEntries(afterID: nil, limit: 100)
                #expect(try await store.auditEntries(afterID: nil, limit: 100) == audit)

                // Event and audit ids continue after the copied ones.
                let largest = try sourceStore.latestEventID()
                #expect(try await store.latestEventID() == largest)
                let next = try await store.append(StoreConformanceTests.event(.deviceRegistered, "b", "after the migration"))
                #expect(next.id > largest)
                let nextAudit = try await store.appendAudit(AuditEntry(
                    id: 0, time: StoreConformanceTests.epoch, token: "tok-1", name: "ci", role: .deployer, method: "GET", path: "/", status: 200))
                #expect(nextAudit.id > (audit.last?.id ?? 0))
            }
        }
    }

    @Test("a server that never stored a package (no blob directory) migrates; a --blobs directory that does not exist is refused",
          .enabled(if: postgres))
    func noBlobDirectory() async throws {
        let path = StoreTests.temporaryPath()
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try TideStore(path: path).append(StoreConformanceTests.event(.deviceRegistered, "a", "the only event"))
        try await PostgresTestDatabase.withFresh { url in
            let error = await #expect(throws: StoreError.self) {
                _ = try await DatastoreMigration.run(
                    from: "sqlite:" + path, to: Self.text(url), blobs: directory + "/typo", logger: StoreBackend.quietLogger)
            }
            #expect(error?.description == "cannot open the database at \(directory)/typo: there is no such blob directory "
                + "(a server keeps its blobs in <data-dir>/blobs; give it with --blobs)")
            try await Self.expectEmpty(url)
            let report = try await DatastoreMigration.run(from: "sqlite:" + path, to: Self.text(url), blobs: nil, logger: StoreBackend.quietLogger)
            #expect(report.matches)
            #expect(report.tables.first { $0.table == "event" }?.targetRows == 1)
            #expect(report.blobs.sourceBlobs == 0 && report.blobs.targetBlobs == 0)
        }
    }

    @Test("a blob file that does not match its name, found after the tables were written, leaves the target empty",
          .enabled(if: postgres))
    func failureMidway() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        let (digest, _) = try #require(source.blobs.first)
        let file = source.blobDirectory + "/sha256/" + digest
        try FileManager.default.removeItem(atPath: file)
        try "tampered".write(toFile: file, atomically: true, encoding: .utf8)
        try await PostgresTestDatabase.withFresh { url in
            let error = await #expect(throws: StoreError.self) {
                _ = try await DatastoreMigration.run(
                    from: "sqlite:" + source.databasePath, to: Self.text(url), blobs: source.blobDirectory, logger: StoreBackend.quietLogger)
            }
            #expect(error?.description == "the database holds data Tide cannot read: the blob file \(file) hashes to "
                + "\(BlobDigest(of: Array("tampered".utf8)).hex), not to its name; nothing was written")
            try await Self.expectEmpty(url)
        }
    }

    @Test("a blob a package names that is not in the blob directory is refused before anything is written", .enabled(if: postgres))
    func missingBlob() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        let elsewhere = source.directory + "/other-blobs"
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try await PostgresTestDatabase.withFresh { url in
            let error = await #expect(throws: StoreError.self) {
                _ = try await DatastoreMigration.run(
                    from: "sqlite:" + source.databasePath, to: Self.text(url), blobs: elsewhere, logger: StoreBackend.quietLogger)
            }
            #expect(error?.description.hasPrefix("2 blob(s) that packages name are not in \(elsewhere), e.g. ") == true, "\(String(describing: error))")
            #expect(error?.description.hasSuffix("(fibo 1.0.0); give the server's blob directory with --blobs; nothing was written") == true)
            try await Self.expectEmpty(url)
        }
    }

    @Test("a target that holds data is refused and left as it was", .enabled(if: postgres))
    func nonEmptyTarget() async throws {
        let source = try await MigrationSource.make()
        defer { source.remove() }
        try await PostgresTestDatabase.withFresh { url in
            let first = try await DatastoreMigration.run(
                from: "sqlite:" + source.databasePath, to: Self.text(url), blobs: nil, logger: StoreBackend.quietLogger)
            #expect(first.matches)
            let before = try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { try await $0.exportSnapshot() }
            let error = await #expect(throws: StoreError.self) {
                _ = try await DatastoreMigration.run(
                    from: "sqlite:" + source.databasePath, to: Self.text(url), blobs: nil, logger: StoreBackend.quietLogger)
            }
            guard case .conflict(let message) = error else {
                Issue.record("a second migration gave \(String(describing: error)), not a conflict")
                return
            }
            #expect(message.hasPrefix("the target database \(url) is not empty (device: 2 rows, device_endpoint: 4 rows, removed_device: 1 rows"))
            #expect(message.hasSuffix("tide_blob: 3 rows); migrate into a new, empty database (createdb), nothing was written"))
            #expect(!message.contains(url.password ?? "-"))
            let after = try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { try await $0.exportSnapshot() }
            #expect(after == before)
        }
    }

    /// The URL with its password, as an operator types it.
    static func text(_ url: PostgresURL) -> String {
        url.description.replacingOccurrences(of: ":***", with: ":" + (url.password ?? ""))
    }

    static func expectEmpty(_ url: PostgresURL, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { store in
            let found = try await store.nonEmptyTables()
            #expect(found.isEmpty, "the target holds \(found)", sourceLocation: sourceLocation)
        }
    }
}
