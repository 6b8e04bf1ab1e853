/// A file of a validated package: where it is, its SHA-256 digest and its size.
public struct PackageFileDigest: Sendable, Hashable, Codable {
    public var path: String
    public var sha256: BlobDigest
    public var size: Int

    public init(path: String, sha256: BlobDigest, size: Int) {
        self.path = path
        self.sha256 = sha256
        self.size = size
    }

    public init(path: String, contents: [UInt8]) {
        self.init(path: path, sha256: BlobDigest(of: contents), size: contents.count)
    }
}
