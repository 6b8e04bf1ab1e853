import Foundation
import PostgresNIO
import Testing
import TidePackageFormat
import TidePostgresStore
import TideStore
@testable import TideTesting

/// Package blobs in PostgreSQL (`SharedBlobStore`): the SQLite store keeps blobs as files and
/// does not conform, so these run on PostgreSQL only.
@Suite("StoreConformance: shared blobs (PostgreSQL)", .enabled(if: StoreBackend.all.contains(.postgres)))
struct StoreConformanceBlobsTests {
    static func withBlobStore(_ body: (PostgresFleetStore, PostgresURL) async throws -> Void) async throws {
        try await PostgresTestDatabase.withFresh { url in
            try await PostgresFleetStore.withStore(url: url, logger: StoreBackend.quietLogger) { store in try await body(store, url) }
        }
    }

    static func blob(_ text: String) -> (digest: String, bytes: [UInt8]) {
        let bytes = Array(text.utf8)
        return (BlobDigest(of: bytes).hex, bytes)
    }

    @Test("blobs are saved, read, listed and deleted; saving again leaves them as they are")
    func saveAndRead() async throws {
        try await Self.withBlobStore { store, _ in
            let module = Self.blob("\0asm module bytes")
            let data = Self.blob("a data file")
            #expect(try await store.blob(module.digest) == nil)
            try await store.saveBlobs([module, data])
            #expect(try await store.blob(module.digest) == module.bytes)
            #expect(try await store.blob(data.digest) == data.bytes)
            #expect(try await store.blobDigests() == [module.digest, data.digest].sorted())
            try await store.saveBlobs([module, module])
            try await store.saveBlobs([])
            #expect(try await store.blobDigests().count == 2)
            let empty = Self.blob("")
            try await store.saveBlobs([empty])
            #expect(try await store.blob(empty.digest) == [])
            try await store.deleteBlob(module.digest)
            try await store.deleteBlob(module.digest)
            #expect(try await store.blob(module.digest) == nil)
            #expect(try await store.blobDigests() == [data.digest, empty.digest].sorted())
        }
    }

    @Test("a blob whose bytes do not hash to its digest, a malformed digest, or a blob over the limit is refused; nothing is saved")
    func refusals() async throws {
        try await Self.withBlobStore { store, _ in
            let good = Self.blob("good")
            let wrong = (digest: Self.blob("other").digest, bytes: Array("not other".utf8))
            let mismatch = await #expect(throws: StoreError.self) { try await store.saveBlobs([good, wrong]) }
            #expect(mismatch?.description == "blob \(wrong.digest) was given bytes that hash to \(BlobDigest(of: wrong.bytes).hex); nothing was saved")
            let afterMismatch = try await store.blobDigests()
            #expect(afterMismatch.isEmpty, "all or nothing: the good blob was not saved either")

            let malformed = await #expect(throws: StoreError.self) { try await store.saveBlobs([(digest: "sha256:" + good.digest, bytes: good.bytes)]) }
            #expect(malformed?.description.contains("is not a blob digest: expected the SHA-256 of the bytes as 64 lowercase hexadecimal digits") == true)

            let large = [UInt8](repeating: 7, count: PostgresFleetStore.maximumBlobSize + 1)
            let tooLarge = await #expect(throws: StoreError.self) { try await store.saveBlobs([(digest: good.digest, bytes: large)]) }
            #expect(tooLarge?.description
                == "blob \(good.digest) is \(PostgresFleetStore.maximumBlobSize + 1) bytes; the limit for a package file is 268435456 bytes")
            let afterAll = try await store.blobDigests()
            #expect(afterAll.isEmpty)
        }
    }

    @Test("a stored blob whose bytes changed is reported as corrupt, naming its digest")
    func corruptOnRead() async throws {
        try await Self.withBlobStore { store, url in
            let blob = Self.blob("module")
            try await store.saveBlobs([blob])
            try await PostgresTestDatabase.withConnection(url) { connection in
                try await connection.query("UPDATE tide_blob SET bytes = 'tampered'::bytea WHERE digest = \(blob.digest)", logger: StoreBackend.quietLogger)
            }
            let error = await #expect(throws: StoreError.self) { _ = try await store.blob(blob.digest) }
            guard case .corrupt(let message) = error else {
                Issue.record("reading a tampered blob gave \(String(describing: error)), not .corrupt")
                return
            }
            #expect(message.hasPrefix("blob \(blob.digest) in table tide_blob hashes to \(BlobDigest(of: Array("tampered".utf8)).hex)"))
        }
    }
}
