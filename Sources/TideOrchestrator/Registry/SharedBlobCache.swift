import TidePackageFormat
import TideStore

/// A replica's blob directory as a cache in front of the datastore's shared blobs (PostgreSQL):
/// a blob is written to the shared store first, the copy every replica reads, then kept locally;
/// a replica that lacks a blob, or holds a local copy that no longer matches its digest, reads it
/// from the shared store (which checks it) and keeps it. With SQLite there is no shared store and
/// the registry uses its `BlobStore` alone.
public struct SharedBlobCache: Sendable {
    public let local: BlobStore
    public let shared: any SharedBlobStore

    public init(local: BlobStore, shared: any SharedBlobStore) {
        self.local = local
        self.shared = shared
    }

    /// Stores `bytes` in the shared store, then in the local cache; returns their digest.
    @discardableResult
    public func put(_ bytes: [UInt8]) async throws(StoreError) -> BlobDigest {
        let digest = BlobDigest(of: bytes)
        try await shared.saveBlobs([(digest: digest.hex, bytes: bytes)])
        try cache(bytes, as: digest)
        return digest
    }

    /// The blob's bytes, nil when neither the cache nor the shared store has it.
    public func read(_ digest: BlobDigest) async throws(StoreError) -> [UInt8]? {
        if let bytes = try? local.read(digest) { return bytes }
        guard let bytes = try await shared.blob(digest.hex) else { return nil }
        try cache(bytes, as: digest)
        return bytes
    }

    /// The path of an intact local copy, fetched from the shared store first when needed; nil
    /// when the blob is nowhere. For serving a file straight from disk.
    public func localPath(for digest: BlobDigest) async throws(StoreError) -> String? {
        if (try? local.verify(digest)) == .intact { return local.path(for: digest) }
        guard try await read(digest) != nil else { return nil }
        return local.path(for: digest)
    }

    /// Deletes the blob from the shared store and the local cache.
    public func remove(_ digest: BlobDigest) async throws(StoreError) {
        try await shared.deleteBlob(digest.hex)
        try? local.remove(digest)
    }

    /// Writes checked bytes to the cache, replacing a local copy that does not match its digest.
    private func cache(_ bytes: [UInt8], as digest: BlobDigest) throws(StoreError) {
        do {
            if (try? local.verify(digest)) != .intact { try local.remove(digest) }
            try local.put(bytes)
        } catch {
            throw .failed(operation: "caching blob \(digest) in \(local.directory)", reason: error.description)
        }
    }
}
