/// One comparator of a range, such as `^1.2`, `>=1.0.0` or `=2.0.0-rc.1`, with Cargo semantics
/// for partial versions.
public struct VersionComparator: Sendable, Hashable, CustomStringConvertible {
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case exact = "="
        case caret = "^"
        case tilde = "~"
        case greater = ">"
        case greaterOrEqual = ">="
        case less = "<"
        case lessOrEqual = "<="
    }

    public let op: Operator
    public let version: PartialVersion
    /// Lower bound (inclusive when `lowerInclusive`), nil when unbounded.
    let lower: SemanticVersion?
    let lowerInclusive: Bool
    /// Upper bound (inclusive when `upperInclusive`), nil when unbounded.
    let upper: SemanticVersion?
    let upperInclusive: Bool

    public init(_ op: Operator, _ version: PartialVersion) {
        self.op = op
        self.version = version
        let floor = version.floor
        var lower: SemanticVersion? = floor
        var lowerInclusive = true
        var upper: SemanticVersion?
        var upperInclusive = false
        switch op {
        case .exact:
            if version.patch != nil {
                upper = floor
                upperInclusive = true
            } else {
                upper = Self.nextAfterGivenPrecision(version)
            }
        case .caret:
            if version.major > 0 || version.minor == nil {
                upper = Self.bump(major: version.major)
            } else if let minor = version.minor, minor > 0 || version.patch == nil {
                upper = Self.bump(major: 0, minor: minor)
            } else {
                upper = Self.bump(major: 0, minor: 0, patch: version.patch ?? 0)
            }
        case .tilde:
            if let minor = version.minor {
                upper = Self.bump(major: version.major, minor: minor)
            } else {
                upper = Self.bump(major: version.major)
            }
        case .greater:
            if version.patch != nil {
                lowerInclusive = false
            } else {
                lower = Self.nextAfterGivenPrecision(version)
                if lower == nil {
                    lower = floor
                    lowerInclusive = false
                }
            }
        case .greaterOrEqual:
            break
        case .less:
            lower = nil
            upper = floor
        case .lessOrEqual:
            lower = nil
            if version.patch != nil {
                upper = floor
                upperInclusive = true
            } else {
                upper = Self.nextAfterGivenPrecision(version)
            }
        }
        self.lower = lower
        self.lowerInclusive = lowerInclusive
        self.upper = upper
        self.upperInclusive = upperInclusive
    }

    /// Whether `version` lies within the bounds (the prerelease rule is applied by `ComparatorSet`).
    public func admits(_ candidate: SemanticVersion) -> Bool {
        if let lower {
            if lowerInclusive ? candidate < lower : candidate <= lower { return false }
        }
        if let upper {
            if upperInclusive ? candidate > upper : candidate >= upper { return false }
        }
        return true
    }

    public var description: String { op.rawValue + version.description }

    public static func == (lhs: VersionComparator, rhs: VersionComparator) -> Bool {
        lhs.op == rhs.op && lhs.version == rhs.version
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(op)
        hasher.combine(version)
    }

    /// `1.2` -> `1.3.0`, `1` -> `2.0.0`: the first version beyond what the partial version names.
    private static func nextAfterGivenPrecision(_ version: PartialVersion) -> SemanticVersion? {
        if let minor = version.minor {
            return bump(major: version.major, minor: minor)
        }
        return bump(major: version.major)
    }

    private static func bump(major: UInt64) -> SemanticVersion? {
        major == .max ? nil : SemanticVersion(major + 1, 0, 0)
    }

    private static func bump(major: UInt64, minor: UInt64) -> SemanticVersion? {
        minor == .max ? bump(major: major) : SemanticVersion(major, minor + 1, 0)
    }

    private static func bump(major: UInt64, minor: UInt64, patch: UInt64) -> SemanticVersion? {
        patch == .max ? bump(major: major, minor: minor) : SemanticVersion(major, minor, patch + 1)
    }
}
