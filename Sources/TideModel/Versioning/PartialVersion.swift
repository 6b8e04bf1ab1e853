/// The version written in a range comparator, where minor and patch may be left out
/// (`1`, `1.2`, `1.2.3`, `1.2.3-beta`). A prerelease needs all three numbers.
public struct PartialVersion: Sendable, Hashable, CustomStringConvertible {
    public let major: UInt64
    public let minor: UInt64?
    public let patch: UInt64?
    public let prerelease: [PrereleaseIdentifier]

    public init(major: UInt64, minor: UInt64? = nil, patch: UInt64? = nil, prerelease: [PrereleaseIdentifier] = []) {
        self.major = major
        self.minor = patch == nil ? minor : (minor ?? 0)
        self.patch = patch
        self.prerelease = patch == nil ? [] : prerelease
    }

    public init(_ version: SemanticVersion) {
        self.init(major: version.major, minor: version.minor, patch: version.patch, prerelease: version.prerelease)
    }

    /// The lowest version this partial version denotes (missing numbers are 0).
    public var floor: SemanticVersion {
        SemanticVersion(major, minor ?? 0, patch ?? 0, prerelease: prerelease)
    }

    /// The full version, when all three numbers are given.
    public var full: SemanticVersion? {
        patch == nil ? nil : floor
    }

    public var description: String {
        var text = String(major)
        if let minor { text += ".\(minor)" }
        if let patch { text += ".\(patch)" }
        if !prerelease.isEmpty { text += "-" + prerelease.map(\.description).joined(separator: ".") }
        return text
    }
}
