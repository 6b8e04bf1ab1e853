import TideModel
import TideWasm

/// A published version of a package as dependency checks see it.
public struct PublishedVersion: Sendable, Hashable {
    public var version: SemanticVersion
    /// The module's exported functions by name.
    public var exports: [String: FunctionSignature]
    public var isYanked: Bool

    public init(version: SemanticVersion, exports: [String: FunctionSignature], isYanked: Bool = false) {
        self.version = version
        self.exports = exports
        self.isYanked = isYanked
    }

    public init(_ package: ValidatedPackage, isYanked: Bool = false) {
        self.init(version: package.manifest.version, exports: package.module.functionExports, isYanked: isYanked)
    }
}

/// Where the validator finds the packages a manifest depends on (the store, or a fixed catalog).
public protocol DependencyLookup: Sendable {
    /// Every published version of `package`, yanked ones included and marked; nil when the
    /// registry does not know the package.
    func publishedVersions(of package: String) -> [PublishedVersion]?
}

/// A fixed set of published versions by package name.
public struct DependencyCatalog: DependencyLookup {
    public var packages: [String: [PublishedVersion]]

    public init(_ packages: [String: [PublishedVersion]] = [:]) {
        self.packages = packages
    }

    public static let empty = DependencyCatalog()

    public func publishedVersions(of package: String) -> [PublishedVersion]? {
        packages[package]
    }
}
