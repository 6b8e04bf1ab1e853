/// Package blobs (Wasm modules and other package files) kept in the datastore itself, so that
/// every `tide server` replica sharing it reads the same ones with nothing else to run or back up.
/// A blob is named by the SHA-256 of its bytes, as 64 lowercase hexadecimal digits.
///
/// The PostgreSQL store holds them (table `tide_blob`); the SQLite store does not conform: a single
/// server keeps its blobs as files in its data directory. A replica keeps its local blob directory
/// as a cache in front of this store.
public protocol SharedBlobStore: Sendable {
    /// Stores each blob whose digest is not stored yet; an existing digest is left as it is. Every
    /// blob is checked before anything is written: its digest must be the SHA-256 of its bytes,
    /// and its size within the limit for a package file. All or nothing.
    func saveBlobs(_ blobs: [(digest: String, bytes: [UInt8])]) async throws(StoreError)

    /// The blob's bytes, nil when there is none. Bytes that do not hash to `digest` are `.corrupt`.
    func blob(_ digest: String) async throws(StoreError) -> [UInt8]?

    /// Deletes a blob; deleting a missing blob is not an error.
    func deleteBlob(_ digest: String) async throws(StoreError)

    /// The digests of every stored blob, sorted.
    func blobDigests() async throws(StoreError) -> [String]
}
