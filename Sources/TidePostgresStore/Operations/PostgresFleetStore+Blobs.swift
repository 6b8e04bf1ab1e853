import NIOCore
import PostgresNIO
import TidePackageFormat
import TideStore

// MARK: Shared package blobs

extension PostgresFleetStore: SharedBlobStore {
    /// The largest blob accepted: the registry's limit on a package upload, so any file of a
    /// package the registry accepted fits.
    public static let maximumBlobSize = PackageArchiveLimits().maximumTotalSize

    public func saveBlobs(_ blobs: [(digest: String, bytes: [UInt8])]) async throws(StoreError) {
        for blob in blobs { try Self.checkBlob(digest: blob.digest, bytes: blob.bytes) }
        guard !blobs.isEmpty else { return }
        try await write("saving \(blobs.count) blob(s)") { connection in
            for blob in blobs { try await insertBlob(digest: blob.digest, bytes: blob.bytes, on: connection) }
        }
    }

    public func blob(_ digest: String) async throws(StoreError) -> [UInt8]? {
        let stored = try await read("reading blob \(digest)") { connection in
            try await rows("SELECT bytes FROM tide_blob WHERE digest = \(digest)", on: connection).first?.decode(ByteBuffer.self)
        }
        guard let stored else { return nil }
        let bytes = Array(stored.readableBytesView)
        let actual = BlobDigest(of: bytes).hex
        guard actual == digest else {
            throw .corrupt("blob \(digest) in table tide_blob hashes to \(actual); publish its package again or restore the database")
        }
        return bytes
    }

    public func deleteBlob(_ digest: String) async throws(StoreError) {
        try await write("deleting blob \(digest)") { connection in
            try await run("DELETE FROM tide_blob WHERE digest = \(digest)", on: connection)
        }
    }

    public func blobDigests() async throws(StoreError) -> [String] {
        try await read("listing blobs") { connection in
            try await rows(#"SELECT digest FROM tide_blob ORDER BY digest COLLATE "C""#, on: connection).map { try $0.decode(String.self) }
        }
    }

    /// Refuses a blob whose digest is malformed or not the SHA-256 of its bytes, or that is larger
    /// than `maximumBlobSize`; the size is checked before the bytes are hashed.
    static func checkBlob(digest: String, bytes: [UInt8]) throws(StoreError) {
        guard BlobDigest(digest)?.hex == digest else {
            throw .conflict("\"\(digest)\" is not a blob digest: expected the SHA-256 of the bytes as 64 lowercase hexadecimal digits")
        }
        guard bytes.count <= maximumBlobSize else {
            throw .conflict("blob \(digest) is \(bytes.count) bytes; the limit for a package file is \(maximumBlobSize) bytes")
        }
        let actual = BlobDigest(of: bytes).hex
        guard actual == digest else {
            throw .conflict("blob \(digest) was given bytes that hash to \(actual); nothing was saved")
        }
    }

    /// Inserts a checked blob inside the caller's transaction; an existing digest is left alone.
    func insertBlob(digest: String, bytes: [UInt8], on connection: PostgresConnection) async throws {
        try await run(
            """
            INSERT INTO tide_blob (digest, size, bytes) VALUES (\(digest), \(bytes.count), \(ByteBuffer(bytes: bytes)))
            ON CONFLICT (digest) DO NOTHING
            """, on: connection)
    }
}
