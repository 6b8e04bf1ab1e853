/// Comparators joined by commas, all of which must hold (`>=1.0.0, <2.0.0`). Empty means `*`.
public struct ComparatorSet: Sendable, Hashable, CustomStringConvertible {
    public let comparators: [VersionComparator]

    public init(_ comparators: [VersionComparator]) {
        self.comparators = comparators
    }

    /// npm's prerelease rule: a prerelease matches only when a comparator of this set names a
    /// prerelease of the same major.minor.patch, so `^1.0.0` never picks `2.0.0-beta`.
    public func contains(_ version: SemanticVersion) -> Bool {
        for comparator in comparators where !comparator.admits(version) {
            return false
        }
        guard version.isPrerelease else { return true }
        return comparators.contains { comparator in
            !comparator.version.prerelease.isEmpty
                && comparator.version.floor.hasSameCore(as: version)
        }
    }

    public var description: String {
        comparators.isEmpty ? "*" : comparators.map(\.description).joined(separator: ", ")
    }
}
