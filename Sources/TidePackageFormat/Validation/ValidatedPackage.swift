import TideModel

/// A package that passed every check, with what the store keeps about it.
public struct ValidatedPackage: Sendable, Hashable, Codable {
    public var manifest: PackageManifest
    public var module: ModuleSummary
    /// package.yaml (when given), the module and the data files, sorted by path.
    public var files: [PackageFileDigest]
    public var imports: [ClassifiedImport]
    /// `module.name` of every host import, sorted and without duplicates.
    public var hostCapabilities: [String]
    /// The version of each dependency whose exports the imports were checked against
    /// (the newest published version in range).
    public var checkedDependencyVersions: [String: SemanticVersion]
    /// Things worth telling the publisher that do not stop publishing.
    public var warnings: [String]

    public init(
        manifest: PackageManifest, module: ModuleSummary, files: [PackageFileDigest], imports: [ClassifiedImport],
        hostCapabilities: [String], checkedDependencyVersions: [String: SemanticVersion], warnings: [String]
    ) {
        self.manifest = manifest
        self.module = module
        self.files = files
        self.imports = imports
        self.hostCapabilities = hostCapabilities
        self.checkedDependencyVersions = checkedDependencyVersions
        self.warnings = warnings
    }

    public func file(at path: String) -> PackageFileDigest? {
        files.first { $0.path == path }
    }

    public var moduleDigest: PackageFileDigest? { file(at: manifest.module) }
}
