import TideModel

/// Resolves requirements to one version per package with PubGrub.
///
/// ```swift
/// let resolver = Resolver(provider: provider)
/// let resolution = try resolver.resolve([PackageDependency("camera", "^1.0")])
/// ```
/// Failures are typed: `.unsatisfiable` carries an explanation a person can read.
public struct Resolver: Sendable {
    public let provider: any PackageProvider
    /// How the root is called in explanations ("Because root depends on ...").
    public var rootName: String
    /// Conflicts the search may resolve before it gives up with `.tooComplex`.
    public var conflictLimit: Int

    public init(provider: any PackageProvider, rootName: String = "root", conflictLimit: Int = Resolver.defaultConflictLimit) {
        self.provider = provider
        self.rootName = rootName
        self.conflictLimit = conflictLimit
    }

    public static let defaultConflictLimit = PubGrubSolver.defaultConflictLimit

    public func resolve(_ requirements: [PackageDependency]) throws(ResolutionError) -> Resolution {
        var session = ResolverSession(provider: provider, rootName: rootName, conflictLimit: conflictLimit)
        return try session.resolve(requirements)
    }

    /// Resolves one package version as the root (`name =version`), as the index sweep does.
    public func resolve(package name: String, version: SemanticVersion) throws(ResolutionError) -> Resolution {
        try resolve([PackageDependency(name, .exactly(version))])
    }
}

/// Several resolutions sharing one compiled catalog (the provider is read once per package).
/// `package`: the synthetic registries of TideFixtures check their releases with it.
package struct ResolverSession {
    let catalog: PackageCatalog
    let rootName: String
    let conflictLimit: Int

    package init(provider: any PackageProvider, rootName: String = "root", conflictLimit: Int = Resolver.defaultConflictLimit) {
        catalog = PackageCatalog(provider: provider)
        self.rootName = rootName
        self.conflictLimit = conflictLimit
    }

    package mutating func resolve(
        _ requirements: [PackageDependency], explain: Bool = true
    ) throws(ResolutionError) -> Resolution {
        var solver = PubGrubSolver(catalog: catalog, conflictLimit: conflictLimit)
        do {
            let chosen = try solver.solve(requirements)
            return Resolution(packages: chosen.map { package, index in
                ResolvedPackage(
                    name: catalog.name(package), version: catalog.versions(package)[index],
                    yanked: catalog.isYanked(package, index))
            })
        } catch {
            switch error {
            case .error(let failure):
                throw failure
            case .unsatisfiable(let root):
                guard explain else { throw .unsatisfiable(ResolutionExplanation(lines: [])) }
                var writer = ExplanationWriter(
                    incompatibilities: solver.incompatibilities,
                    formatter: TermFormatter(catalog: catalog, rootName: rootName))
                throw .unsatisfiable(writer.explain(root))
            }
        }
    }
}
