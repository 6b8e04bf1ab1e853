/// A set of acceptable versions in Cargo/npm syntax: `=1.2.3`, `1.2.3` / `^1.2.3` (caret),
/// `~1.2`, `>=1.0, <2.0`, `*`, and alternatives joined by `||`.
///
/// `description` is canonical (bare versions print as carets, comma plus space inside a set,
/// ` || ` between alternatives) and parses back to an equal range.
public struct VersionRange: Sendable, Hashable {
    /// Alternatives; a version is in the range when it is in any of them.
    public let alternatives: [ComparatorSet]

    public init(_ alternatives: [ComparatorSet]) {
        self.alternatives = alternatives.isEmpty ? [ComparatorSet([])] : alternatives
    }

    public init(parsing text: String) throws(VersionRangeError) {
        self = try VersionRangeParser.parse(text)
    }

    /// `*`: every release version.
    public static let any = VersionRange([ComparatorSet([])])

    /// `=version`.
    public static func exactly(_ version: SemanticVersion) -> VersionRange {
        VersionRange([ComparatorSet([VersionComparator(.exact, PartialVersion(version))])])
    }

    /// `^version`.
    public static func caret(_ version: SemanticVersion) -> VersionRange {
        VersionRange([ComparatorSet([VersionComparator(.caret, PartialVersion(version))])])
    }

    public func contains(_ version: SemanticVersion) -> Bool {
        alternatives.contains { $0.contains(version) }
    }

    /// The version pinned by a range of the single comparator `=major.minor.patch[-pre]`.
    public var exactVersion: SemanticVersion? {
        guard alternatives.count == 1, alternatives[0].comparators.count == 1 else { return nil }
        let comparator = alternatives[0].comparators[0]
        guard comparator.op == .exact else { return nil }
        return comparator.version.full
    }

    public var isAny: Bool {
        alternatives.contains { $0.comparators.isEmpty }
    }
}

extension VersionRange: LosslessStringConvertible {
    public init?(_ description: String) {
        guard let range = try? VersionRange(parsing: description) else { return nil }
        self = range
    }

    public var description: String {
        alternatives.map(\.description).joined(separator: " || ")
    }
}

extension VersionRange: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try VersionRange(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
