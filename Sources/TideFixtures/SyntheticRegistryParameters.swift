/// The shape of a generated registry.
public struct SyntheticRegistryParameters: Sendable, Hashable, Codable {
    public var name: String
    public var seed: UInt64
    public var packages: Int
    /// Approximate number of package versions.
    public var versions: Int
    /// Approximate number of dependency edges (one per dependency of each version).
    public var edges: Int
    /// Share of releases preceded by a prerelease.
    public var prereleaseRate: Double
    /// Share of versions that are yanked.
    public var yankRate: Double
    /// Share of dependencies that stay on an older major of their target.
    public var lagRate: Double
    /// Share of versions published without checking that their dependencies resolve together
    /// (the others are repaired like an author would); the source of real conflicts.
    public var conflictRate: Double

    public init(
        name: String, seed: UInt64, packages: Int, versions: Int, edges: Int,
        prereleaseRate: Double = 0.04, yankRate: Double = 0.02, lagRate: Double = 0.08,
        conflictRate: Double = 0.1
    ) {
        self.name = name
        self.seed = seed
        self.packages = packages
        self.versions = versions
        self.edges = edges
        self.prereleaseRate = prereleaseRate
        self.yankRate = yankRate
        self.lagRate = lagRate
        self.conflictRate = conflictRate
    }

    /// Named shapes; `medium` is the benchmark's reference (about 350 packages, 2,000 versions,
    /// 15,000 dependency edges).
    public enum Preset: String, Sendable, Hashable, Codable, CaseIterable {
        case small
        case medium
        case large

        public var parameters: SyntheticRegistryParameters {
            switch self {
            case .small: SyntheticRegistryParameters(name: "small", seed: 7, packages: 60, versions: 300, edges: 1_500)
            case .medium: SyntheticRegistryParameters(name: "medium", seed: 42, packages: 350, versions: 2_000, edges: 15_000)
            case .large: SyntheticRegistryParameters(name: "large", seed: 2_024, packages: 1_200, versions: 8_000, edges: 60_000)
            }
        }
    }
}
