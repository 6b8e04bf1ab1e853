import TideModel

/// A package whose exports this module imports, with the versions it accepts.
public struct DeclaredDependency: Sendable, Hashable, Codable {
    public var name: String
    public var range: VersionRange

    public init(name: String, range: VersionRange) {
        self.name = name
        self.range = range
    }
}
