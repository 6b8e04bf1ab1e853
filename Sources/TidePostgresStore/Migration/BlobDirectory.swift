import Foundation
import TidePackageFormat
import TideStore

/// A server's blob directory as `tide server` writes it (`<data-dir>/blobs`, blobs in
/// `sha256/<hex>`), read for a migration: listed with sizes, each file read and checked.
public struct BlobDirectory: Sendable {
    public struct Entry: Sendable, Equatable {
        public var digest: String
        public var size: Int
    }

    public let path: String
    /// Whether a missing `path` is an error: yes for a directory the operator named (more likely a
    /// typo than a server without packages), no for the default beside the database (a server
    /// that never stored a package has none).
    public let mustExist: Bool

    public init(path: String, mustExist: Bool = true) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        self.mustExist = mustExist
    }

    /// The blob directory of the server whose database is `databasePath`: `blobs` beside it.
    public init(besideDatabase databasePath: String) {
        self.init(path: URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("blobs").path, mustExist: false)
    }

    var hashDirectory: String { path + "/sha256" }

    public func file(_ digest: String) -> String { hashDirectory + "/" + digest }

    /// Every blob file, sorted by digest. Files whose names are not digests (unfinished temporary
    /// files) are skipped. A missing `sha256` folder holds no blobs; a missing `path` too, unless
    /// `mustExist`.
    public func entries() throws(StoreError) -> [Entry] {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if !exists && !mustExist { return [] }
        guard exists, isDirectory.boolValue else {
            throw .cannotOpen(path: path, reason: "there is no such blob directory (a server keeps its blobs in <data-dir>/blobs; give it with --blobs)")
        }
        guard FileManager.default.fileExists(atPath: hashDirectory) else { return [] }
        do {
            var entries: [Entry] = []
            for name in try FileManager.default.contentsOfDirectory(atPath: hashDirectory) where BlobDigest(name)?.hex == name {
                let attributes = try FileManager.default.attributesOfItem(atPath: file(name))
                entries.append(Entry(digest: name, size: (attributes[.size] as? NSNumber)?.intValue ?? 0))
            }
            return entries.sorted { $0.digest < $1.digest }
        } catch {
            throw .failed(operation: "listing the blobs in \(hashDirectory)", reason: String(describing: error))
        }
    }

    /// The bytes of a blob, checked against its digest.
    public func read(_ digest: String) throws(StoreError) -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file(digest))))
        } catch {
            throw .failed(operation: "reading blob \(file(digest))", reason: String(describing: error))
        }
        let actual = BlobDigest(of: bytes).hex
        guard actual == digest else {
            throw .corrupt("the blob file \(file(digest)) hashes to \(actual), not to its name; nothing was written")
        }
        return bytes
    }
}
