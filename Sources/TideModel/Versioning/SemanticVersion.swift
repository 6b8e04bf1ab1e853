/// A SemVer 2.0 version: `major.minor.patch[-prerelease][+build]`.
///
/// Ordering and equality follow SemVer precedence: numbers compare numerically, a prerelease
/// sorts before its release, and build metadata is ignored (`1.0.0+a == 1.0.0+b`).
public struct SemanticVersion: Sendable {
    public var major: UInt64
    public var minor: UInt64
    public var patch: UInt64
    public var prerelease: [PrereleaseIdentifier]
    public var buildMetadata: [String]

    public init(
        _ major: UInt64, _ minor: UInt64, _ patch: UInt64,
        prerelease: [PrereleaseIdentifier] = [], buildMetadata: [String] = []
    ) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.buildMetadata = buildMetadata
    }

    public init(parsing text: String) throws(SemanticVersionError) {
        self = try SemanticVersionParser.parse(text)
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    /// The same version without prerelease and build metadata.
    public var release: SemanticVersion { SemanticVersion(major, minor, patch) }

    func hasSameCore(as other: SemanticVersion) -> Bool {
        major == other.major && minor == other.minor && patch == other.patch
    }
}

extension SemanticVersion: Hashable {
    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        lhs.hasSameCore(as: rhs) && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }
}

extension SemanticVersion: Comparable {
    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): return lhs.prerelease.lexicographicallyPrecedes(rhs.prerelease)
        }
    }
}

extension SemanticVersion: LosslessStringConvertible {
    public init?(_ description: String) {
        guard let version = try? SemanticVersion(parsing: description) else { return nil }
        self = version
    }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty {
            text += "-" + prerelease.map(\.description).joined(separator: ".")
        }
        if !buildMetadata.isEmpty {
            text += "+" + buildMetadata.joined(separator: ".")
        }
        return text
    }
}

extension SemanticVersion: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try SemanticVersion(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
