/// What a publisher signs: a package's name and version, the SHA-256 of its package.yaml, of its
/// module and of every data file, as canonical text. The server rebuilds it at publish from the
/// uploaded bytes; a supervisor rebuilds it from the digests in its deployment node, which it
/// checks against what it downloads.
public struct PackageStatement: Sendable, Equatable {
    public static let header = "tide-package-signature-v1"

    public var name: String
    public var version: String
    public var manifestSHA256: String
    public var moduleSHA256: String
    /// Data file name -> SHA-256.
    public var files: [String: String]

    public init(name: String, version: String, manifestSHA256: String, moduleSHA256: String, files: [String: String]) {
        self.name = name
        self.version = version
        self.manifestSHA256 = manifestSHA256
        self.moduleSHA256 = moduleSHA256
        self.files = files
    }

    /// The bytes signed: one line per fact, data files sorted by name.
    public var bytes: [UInt8] {
        var lines = [
            Self.header, "package \(name) \(version)", "manifest \(manifestSHA256.lowercased())",
            "module \(moduleSHA256.lowercased())",
        ]
        for name in files.keys.sorted() { lines.append("file \(name) \(files[name, default: ""].lowercased())") }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }
}
