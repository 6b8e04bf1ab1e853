import Crypto
import Foundation

/// Downloaded binaries and data files, stored once by SHA-256 under `<data-dir>/blobs/`.
public struct BlobCache: Sendable {
    public let root: String

    public init(root: String) throws(SupervisorError) {
        self.root = root
        try DataDirectory.create(root)
    }

    public static func digest(of bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func isDigest(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    public func path(for digest: String) -> String { root + "/" + digest }

    public func contains(_ digest: String) -> Bool {
        Self.isDigest(digest) && FileManager.default.fileExists(atPath: path(for: digest))
    }

    /// Stores `bytes` and returns their digest; an existing blob is kept as is.
    @discardableResult
    public func store(_ bytes: [UInt8]) throws(SupervisorError) -> String {
        let digest = Self.digest(of: bytes)
        guard !contains(digest) else { return digest }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path(for: digest)), options: .atomic)
        } catch {
            throw .internalFailure("cannot store a downloaded file: \(error.localizedDescription)")
        }
        return digest
    }

    /// The blob's bytes, checked against its name, so a corrupted cache entry is never run.
    public func load(_ digest: String) throws(SupervisorError) -> [UInt8] {
        guard Self.isDigest(digest), let data = FileManager.default.contents(atPath: path(for: digest)) else {
            throw .internalFailure("the cached file \(digest.prefix(12)) is missing")
        }
        let bytes = [UInt8](data)
        guard Self.digest(of: bytes) == digest else {
            try? FileManager.default.removeItem(atPath: path(for: digest))
            throw .internalFailure("the cached file \(digest.prefix(12)) was corrupted and has been removed")
        }
        return bytes
    }
}
