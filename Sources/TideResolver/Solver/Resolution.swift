import TideModel

/// One chosen package version.
public struct ResolvedPackage: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var version: SemanticVersion
    /// True only when the root pinned a yanked version with `=`.
    public var yanked: Bool

    public init(name: String, version: SemanticVersion, yanked: Bool = false) {
        self.name = name
        self.version = version
        self.yanked = yanked
    }

    public var description: String { "\(name) \(version)\(yanked ? " (yanked)" : "")" }
}

/// A successful resolution: one version per package reachable from the root, sorted by name.
public struct Resolution: Sendable, Hashable, Codable {
    public var packages: [ResolvedPackage]

    public init(packages: [ResolvedPackage]) {
        self.packages = packages.sorted { $0.name < $1.name }
    }

    public subscript(name: String) -> SemanticVersion? {
        packages.first { $0.name == name }?.version
    }

    /// `name -> version text`, handy for tests and JSON output.
    public var versions: [String: String] {
        Dictionary(uniqueKeysWithValues: packages.map { ($0.name, $0.version.description) })
    }
}
