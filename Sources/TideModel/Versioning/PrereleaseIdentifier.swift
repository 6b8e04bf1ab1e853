/// One dot-separated identifier of a prerelease, such as `alpha` or `1` in `1.0.0-alpha.1`.
public enum PrereleaseIdentifier: Sendable, Hashable, Comparable, CustomStringConvertible {
    case numeric(UInt64)
    case alphanumeric(String)

    public var description: String {
        switch self {
        case .numeric(let value): String(value)
        case .alphanumeric(let text): text
        }
    }

    /// SemVer 2.0 rule 11: numeric identifiers sort numerically and before alphanumeric ones,
    /// alphanumeric identifiers sort by ASCII order.
    public static func < (lhs: PrereleaseIdentifier, rhs: PrereleaseIdentifier) -> Bool {
        switch (lhs, rhs) {
        case (.numeric(let a), .numeric(let b)): a < b
        case (.numeric, .alphanumeric): true
        case (.alphanumeric, .numeric): false
        case (.alphanumeric(let a), .alphanumeric(let b)): Array(a.utf8).lexicographicallyPrecedes(b.utf8)
        }
    }
}
