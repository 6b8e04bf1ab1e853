/// A data file of a package (an ML model, a lookup table), served under its name.
public struct PackageFile: Sendable, Hashable, Codable {
    public static let defaultMediaType = "application/octet-stream"

    /// The name used in URLs.
    public var name: String
    /// The canonical relative path inside the package.
    public var path: String
    public var mediaType: String

    public init(name: String, path: String, mediaType: String = PackageFile.defaultMediaType) {
        self.name = name
        self.path = path
        self.mediaType = mediaType
    }
}
