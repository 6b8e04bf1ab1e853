import Foundation
import GRDB

/// One published version of a package: its index entry. The package format's details (functions,
/// classified imports, the module summary) travel as JSON in `metadata`, which this layer stores
/// without reading.
public struct PackageVersionRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "package_version"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var name: String
    /// Canonical version text (no build metadata).
    public var version: String
    public var description: String
    /// package.yaml exactly as published.
    public var manifest: String
    /// The validated package as JSON.
    public var metadata: String
    public var moduleDigest: String
    public var moduleSize: Int
    /// Dependency name -> version range text.
    public var dependencies: [String: String]
    /// Host capabilities the module imports (`module.name`), sorted.
    public var hostCapabilities: [String]
    public var yanked: Bool
    public var publishedAt: Date
    /// `PackageSigning` as JSON, when the package was published signed.
    public var signing: String?

    public init(
        name: String, version: String, description: String, manifest: String, metadata: String, moduleDigest: String,
        moduleSize: Int, dependencies: [String: String], hostCapabilities: [String], yanked: Bool = false,
        publishedAt: Date, signing: String? = nil
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.manifest = manifest
        self.metadata = metadata
        self.moduleDigest = moduleDigest
        self.moduleSize = moduleSize
        self.dependencies = dependencies
        self.hostCapabilities = hostCapabilities
        self.yanked = yanked
        self.publishedAt = publishedAt
        self.signing = signing
    }
}

/// A file of a package version: the module or a data file, stored as a content-addressed blob.
public struct PackageFileRecord: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "package_file"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var name: String
    public var version: String
    /// The name in URLs: the module's file name, or a data file's name.
    public var file: String
    /// The path inside the package.
    public var path: String
    public var digest: String
    public var size: Int
    public var mediaType: String
    /// `module` or `data`.
    public var role: String

    public init(name: String, version: String, file: String, path: String, digest: String, size: Int, mediaType: String, role: String) {
        self.name = name
        self.version = version
        self.file = file
        self.path = path
        self.digest = digest
        self.size = size
        self.mediaType = mediaType
        self.role = role
    }
}
