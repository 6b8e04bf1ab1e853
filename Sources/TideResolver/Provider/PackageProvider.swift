import TideModel

/// Where the resolver learns about packages. Implementations may read memory, an index file or
/// the registry database; each method is called at most once per package (or package version)
/// and resolution, so a provider need not cache.
public protocol PackageProvider: Sendable {
    /// Every published version of the package, in any order; empty when the package is unknown.
    func versions(of package: String) throws -> [SemanticVersion]
    /// The dependencies of one published version.
    func dependencies(of package: String, version: SemanticVersion) throws -> [PackageDependency]
    /// Whether that version was yanked (never chosen unless pinned with `=` by the root).
    func isYanked(_ package: String, version: SemanticVersion) throws -> Bool
}
