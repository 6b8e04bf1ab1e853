import Logging
import TideStore

/// `tide datastore migrate`: copies a single server's SQLite store and blob files into an empty
/// PostgreSQL database, then reads the copy back and compares it with what was copied.
public enum DatastoreMigration {
    /// The path in `sqlite:PATH`.
    public static func sqlitePath(_ from: String) throws(StoreError) -> String {
        guard from.hasPrefix("sqlite:") else {
            throw .conflict("--from must be sqlite:PATH, the server's <data-dir>/tide.sqlite (e.g. sqlite:/var/lib/tide/tide.sqlite)")
        }
        let path = String(from.dropFirst("sqlite:".count))
        guard !path.isEmpty else { throw .conflict("--from sqlite: names no file; give sqlite:<data-dir>/tide.sqlite") }
        return path
    }

    /// Reads the source (one read transaction; the server may keep running), copies it into the
    /// target in one transaction, and compares. Throws before writing anything when the source
    /// or the target is unusable; returns the comparison, whose `matches` says whether it is equal.
    public static func run(from: String, to: String, blobs: String?, logger: Logger) async throws(StoreError) -> MigrationReport {
        let path = try sqlitePath(from)
        let url = try PostgresURL(to)
        let snapshot = try TideStore.exportSnapshot(readingFileAt: path)
        let directory = blobs.map { BlobDirectory(path: $0) } ?? BlobDirectory(besideDatabase: path)
        _ = try directory.entries()
        do {
            return try await PostgresFleetStore.withStore(url: url, logger: logger) { store in
                let copied = try await store.importSnapshot(snapshot, blobs: directory)
                return MigrationReport(
                    source: "sqlite:" + path, target: url.description, blobDirectory: directory.path, copied: snapshot,
                    readBack: try await store.exportSnapshot(), copiedBlobs: copied, targetBlobs: try await store.blobContentDigests())
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .failed(operation: "migrating to \(url)", reason: String(describing: error))
        }
    }
}
