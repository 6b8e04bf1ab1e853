import TideModel
import TideWasm

/// Each dependency's published versions in range, and the checks of imports against the newest one.
struct DependencyCheck {
    private(set) var problems: [PackageProblem] = []
    /// The newest non-yanked version in range, for each dependency that has one.
    private(set) var newestMatching: [String: PublishedVersion] = [:]
    private let dependencies: [DeclaredDependency]

    init(manifest: PackageManifest, lookup: some DependencyLookup) {
        dependencies = manifest.dependencies
        for dependency in manifest.dependencies {
            guard let versions = lookup.publishedVersions(of: dependency.name) else {
                problems.append(PackageProblem(.dependencyUnknown, "dependency \(dependency.name) is not in the registry"))
                continue
            }
            let available = versions.filter { !$0.isYanked }.sorted { $0.version < $1.version }
            guard let newest = available.last(where: { dependency.range.contains($0.version) }) else {
                let published = available.isEmpty ? "none" : available.map(\.version.description).joined(separator: ", ")
                problems.append(PackageProblem(.dependencyNoMatchingVersion,
                    "dependency \(dependency.name) \(dependency.range) matches no published version (published: \(published))"))
                continue
            }
            newestMatching[dependency.name] = newest
        }
    }

    func importProblems(_ imports: [WasmImport], modulePath: String) -> [PackageProblem] {
        imports.compactMap { wasmImport in
            guard dependencies.contains(where: { $0.name == wasmImport.module }) else { return nil }
            guard let signature = wasmImport.functionSignature else {
                return PackageProblem(.dependencyImportNotAFunction,
                    "import \(wasmImport.qualifiedName): \(EntityKind(wasmImport.kind).withArticle) cannot be imported "
                    + "from dependency \(wasmImport.module); only functions can")
            }
            guard let published = newestMatching[wasmImport.module] else { return nil }
            let provider = "\(wasmImport.module) \(published.version)"
            guard let exported = published.exports[wasmImport.name] else {
                let names = published.exports.keys.sorted()
                let list = names.isEmpty ? "it exports no functions" : "exports: " + names.joined(separator: ", ")
                return PackageProblem(.dependencyImportMissing,
                    "import \(wasmImport.qualifiedName) \(signature.clausesForMessages): \(provider) does not export "
                    + "\(wasmImport.name) (\(list))")
            }
            guard exported == signature else {
                return PackageProblem(.dependencyImportMismatch,
                    "import \(wasmImport.qualifiedName): \(modulePath) imports \(signature.clausesForMessages) "
                    + "but \(provider) exports \(exported.clausesForMessages)")
            }
            return nil
        }
    }

    func unusedDependencyWarnings(_ imports: [WasmImport], modulePath: String) -> [String] {
        let used = Set(imports.map(\.module))
        return dependencies.filter { !used.contains($0.name) }.map {
            "dependency \($0.name) is declared but \(modulePath) imports nothing from it"
        }
    }
}
