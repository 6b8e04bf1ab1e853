#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Content-addressed files under `<root>/blobs/sha256/<hex>`. Writes are atomic (temporary file in
/// the same folder, fsync, rename, fsync of the folder) and idempotent.
public struct BlobStore: Sendable {
    public let root: String
    private static let temporaryPrefix = ".tmp-"

    public init(root: String) {
        self.root = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// `<root>/blobs/sha256`.
    public var directory: String { root + "/blobs/sha256" }

    public func path(for digest: BlobDigest) -> String { directory + "/" + digest.hex }

    public func contains(_ digest: BlobDigest) -> Bool {
        access(path(for: digest), F_OK) == 0
    }

    /// Stores `bytes` and returns their digest; an existing blob with that digest is left as it is.
    @discardableResult
    public func put(_ bytes: [UInt8]) throws(BlobStoreError) -> BlobDigest {
        let digest = BlobDigest(of: bytes)
        if contains(digest) { return digest }
        try createDirectory()
        let temporary = directory + "/" + Self.temporaryPrefix + digest.hex + "-" + randomSuffix()
        try writeSynced(bytes, to: temporary)
        if rename(temporary, path(for: digest)) != 0 {
            let error = BlobStoreError(path: temporary, reason: systemReason("rename"))
            unlink(temporary)
            throw error
        }
        try syncDirectory()
        return digest
    }

    /// The blob's bytes, checked against its digest.
    public func read(_ digest: BlobDigest) throws(BlobStoreError) -> [UInt8] {
        let path = path(for: digest)
        let bytes = try readFile(path)
        let actual = BlobDigest(of: bytes)
        guard actual == digest else {
            throw BlobStoreError(path: path, reason: .corrupted(expected: digest, actual: actual))
        }
        return bytes
    }

    public func verify(_ digest: BlobDigest) throws(BlobStoreError) -> BlobVerification {
        do {
            let bytes = try readFile(path(for: digest))
            let actual = BlobDigest(of: bytes)
            return actual == digest ? .intact : .corrupted(actual: actual)
        } catch where error.reason == .notFound {
            return .missing
        }
    }

    /// Deletes a blob; removing a missing blob is not an error.
    public func remove(_ digest: BlobDigest) throws(BlobStoreError) {
        let path = path(for: digest)
        if unlink(path) != 0 && errno != ENOENT {
            throw BlobStoreError(path: path, reason: systemReason("unlink"))
        }
    }

    /// The digests of every stored blob, sorted; unfinished temporary files are not listed.
    public func allDigests() throws(BlobStoreError) -> [BlobDigest] {
        guard let stream = opendir(directory) else {
            if errno == ENOENT { return [] }
            throw BlobStoreError(path: directory, reason: systemReason("opendir"))
        }
        defer { closedir(stream) }
        var digests: [BlobDigest] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if let digest = BlobDigest(name) { digests.append(digest) }
        }
        return digests.sorted()
    }

    private func createDirectory() throws(BlobStoreError) {
        var path = directory.hasPrefix("/") ? "" : "."
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                throw BlobStoreError(path: path, reason: systemReason("mkdir"))
            }
        }
    }

    private func writeSynced(_ bytes: [UInt8], to path: String) throws(BlobStoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw BlobStoreError(path: path, reason: systemReason("open")) }
        var failure: BlobStoreError?
        var written = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = write(descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = BlobStoreError(path: path, reason: systemReason("write"))
                    return
                }
                written += count
            }
        }
        if failure == nil && fsync(descriptor) != 0 {
            failure = BlobStoreError(path: path, reason: systemReason("fsync"))
        }
        if close(descriptor) != 0 && failure == nil {
            failure = BlobStoreError(path: path, reason: systemReason("close"))
        }
        if let failure {
            unlink(path)
            throw failure
        }
    }

    private func syncDirectory() throws(BlobStoreError) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw BlobStoreError(path: directory, reason: systemReason("open")) }
        defer { close(descriptor) }
        if fsync(descriptor) != 0 {
            throw BlobStoreError(path: directory, reason: systemReason("fsync"))
        }
    }

    private func readFile(_ path: String) throws(BlobStoreError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw BlobStoreError(path: path, reason: errno == ENOENT ? .notFound : systemReason("open"))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { readSome(descriptor, $0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw BlobStoreError(path: path, reason: systemReason("read"))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    private func randomSuffix() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 16)
    }
}

private func systemReason(_ call: String) -> BlobStoreError.Reason {
    .system(call: call, message: String(cString: strerror(errno)))
}

private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
