import TideModel
import TideResolver

/// Builds an in-memory registry from `[package: [version: [dependency: range]]]`.
func registry(_ packages: [String: [String: [String: String]]], yanked: [String: [String]] = [:]) throws -> InMemoryPackageProvider {
    var provider = InMemoryPackageProvider()
    for (name, versions) in packages.sorted(by: { $0.key < $1.key }) {
        for (version, dependencies) in versions.sorted(by: { $0.key < $1.key }) {
            try provider.add(name, version, dependencies, yanked: yanked[name]?.contains(version) ?? false)
        }
    }
    return provider
}

func requirements(_ pairs: [String: String]) throws -> [PackageDependency] {
    try pairs.sorted { $0.key < $1.key }.map { try PackageDependency($0.key, $0.value) }
}

/// Resolves and returns either the chosen versions or the explanation text.
func outcome(_ provider: InMemoryPackageProvider, _ root: [String: String]) throws -> Result<[String: String], ResolutionError> {
    do {
        return .success(try Resolver(provider: provider).resolve(requirements(root)).versions)
    } catch let error as ResolutionError {
        return .failure(error)
    }
}

func explanation(_ provider: InMemoryPackageProvider, _ root: [String: String]) throws -> String? {
    guard case .failure(let error) = try outcome(provider, root) else { return nil }
    return error.description
}
