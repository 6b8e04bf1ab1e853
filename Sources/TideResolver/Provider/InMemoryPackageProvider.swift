import TideModel

/// A `PackageProvider` over values held in memory (tests, offline indexes, synthetic registries).
public struct InMemoryPackageProvider: PackageProvider, Sendable {
    struct Release: Sendable, Hashable {
        var dependencies: [PackageDependency]
        var yanked: Bool
    }

    private var packages: [String: [SemanticVersion: Release]] = [:]

    public init() {}

    /// Adds (or replaces) one version of a package.
    public mutating func add(
        _ name: String, _ version: SemanticVersion,
        dependencies: [PackageDependency] = [], yanked: Bool = false
    ) {
        packages[name, default: [:]][version] = Release(dependencies: dependencies, yanked: yanked)
    }

    /// Convenience for tests and fixtures: `add("a", "1.0.0", ["b": "^1.0"])`.
    public mutating func add(
        _ name: String, _ version: String, _ dependencies: [String: String] = [:], yanked: Bool = false
    ) throws {
        let parsedVersion = try SemanticVersion(parsing: version)
        var parsed: [PackageDependency] = []
        for (dependency, range) in dependencies.sorted(by: { $0.key < $1.key }) {
            parsed.append(PackageDependency(dependency, try VersionRange(parsing: range)))
        }
        add(name, parsedVersion, dependencies: parsed, yanked: yanked)
    }

    /// Marks a published version as yanked (or not); unknown versions are ignored.
    public mutating func setYanked(_ name: String, _ version: SemanticVersion, _ yanked: Bool = true) {
        packages[name]?[version]?.yanked = yanked
    }

    /// Package names in sorted order.
    public var packageNames: [String] { packages.keys.sorted() }

    /// Number of package versions.
    public var versionCount: Int { packages.values.reduce(0) { $0 + $1.count } }

    /// Number of dependency edges over all versions.
    public var dependencyCount: Int {
        packages.values.reduce(0) { total, versions in
            total + versions.values.reduce(0) { $0 + $1.dependencies.count }
        }
    }

    public func versions(of package: String) -> [SemanticVersion] {
        guard let versions = packages[package] else { return [] }
        return versions.keys.sorted()
    }

    public func dependencies(of package: String, version: SemanticVersion) -> [PackageDependency] {
        packages[package]?[version]?.dependencies ?? []
    }

    public func isYanked(_ package: String, version: SemanticVersion) -> Bool {
        packages[package]?[version]?.yanked ?? false
    }
}
