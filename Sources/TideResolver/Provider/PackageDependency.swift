import TideModel

/// A dependency on a package within a version range; also used for root requirements.
public struct PackageDependency: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var range: VersionRange

    public init(_ name: String, _ range: VersionRange) {
        self.name = name
        self.range = range
    }

    /// Parses the range text (`PackageDependency("b", "^1.2")`).
    public init(_ name: String, _ range: String) throws(VersionRangeError) {
        self.init(name, try VersionRange(parsing: range))
    }

    public var description: String { "\(name) \(range)" }
}
