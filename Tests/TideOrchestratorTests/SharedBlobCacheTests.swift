import Foundation
import Testing
import TideOrchestrator
import TidePackageFormat
import TideStore

/// The replica-side cache in front of shared blobs, against an in-memory shared store.
@Suite("shared blob cache")
struct SharedBlobCacheTests {
    actor MemoryBlobs: SharedBlobStore {
        var blobs: [String: [UInt8]] = [:]
        var reads = 0

        func saveBlobs(_ blobs: [(digest: String, bytes: [UInt8])]) async throws(StoreError) {
            for blob in blobs where self.blobs[blob.digest] == nil { self.blobs[blob.digest] = blob.bytes }
        }

        func blob(_ digest: String) async throws(StoreError) -> [UInt8]? {
            reads += 1
            return blobs[digest]
        }

        func deleteBlob(_ digest: String) async throws(StoreError) { blobs[digest] = nil }
        func blobDigests() async throws(StoreError) -> [String] { blobs.keys.sorted() }
    }

    static func directory() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tide-blob-cache-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("a blob put on one replica is read on another from the shared store, then from its own cache")
    func twoReplicas() async throws {
        let first = Self.directory()
        let second = Self.directory()
        defer {
            try? FileManager.default.removeItem(atPath: first)
            try? FileManager.default.removeItem(atPath: second)
        }
        let shared = MemoryBlobs()
        let publisher = SharedBlobCache(local: BlobStore(root: first), shared: shared)
        let reader = SharedBlobCache(local: BlobStore(root: second), shared: shared)
        let bytes = Array("\0asm module".utf8)
        let digest = try await publisher.put(bytes)
        #expect(try await shared.blobDigests() == [digest.hex])
        #expect(BlobStore(root: first).contains(digest))

        #expect(try await reader.read(digest) == bytes)
        #expect(await shared.reads == 1)
        #expect(try await reader.localPath(for: digest) == BlobStore(root: second).path(for: digest))
        #expect(try await reader.read(digest) == bytes)
        #expect(await shared.reads == 1, "the second read comes from the cache")
        #expect(try await reader.read(BlobDigest(of: Array("nowhere".utf8))) == nil)
        #expect(try await reader.localPath(for: BlobDigest(of: Array("nowhere".utf8))) == nil)
    }

    @Test("a local copy that no longer matches its digest is replaced from the shared store")
    func corruptCache() async throws {
        let root = Self.directory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let shared = MemoryBlobs()
        let cache = SharedBlobCache(local: BlobStore(root: root), shared: shared)
        let bytes = Array("data file".utf8)
        let digest = try await cache.put(bytes)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: BlobStore(root: root).path(for: digest)))
        #expect(try await cache.localPath(for: digest) == BlobStore(root: root).path(for: digest))
        #expect(try BlobStore(root: root).read(digest) == bytes)
        try await cache.remove(digest)
        #expect(try await shared.blobDigests().isEmpty)
        #expect(!BlobStore(root: root).contains(digest))
    }
}
