import TideModel
import TideWasm

/// Checks a package's files against its manifest and the registry: files present, module valid,
/// declared functions exported with the declared types, bytes ABI, dependencies published and
/// their imports satisfied. Pure: the lookup is the only outside input.
public struct PackageValidator: Sendable {
    public var inspectionOptions: WasmInspectionOptions

    public init(inspectionOptions: WasmInspectionOptions = WasmInspectionOptions()) {
        self.inspectionOptions = inspectionOptions
    }

    /// Validates files as uploaded, package.yaml among them.
    public func validate(
        files: [String: [UInt8]], dependencies: some DependencyLookup
    ) throws(PackageValidationError) -> ValidatedPackage {
        guard let yaml = files[PackageManifest.fileName] else {
            throw PackageValidationError(problems: [PackageProblem(
                .manifestMissing, "the package has no \(PackageManifest.fileName) at its top level")])
        }
        let manifest: PackageManifest
        do {
            manifest = try PackageManifest(yaml: yaml)
        } catch {
            throw PackageValidationError(problems: error.lines.map { PackageProblem(.manifestInvalid, $0) })
        }
        return try validate(manifest: manifest, files: files, dependencies: dependencies)
    }

    public func validate(
        manifest: PackageManifest, files: [String: [UInt8]], dependencies lookup: some DependencyLookup
    ) throws(PackageValidationError) -> ValidatedPackage {
        var problems: [PackageProblem] = []
        var warnings: [String] = []

        let missing = manifest.namedPaths.filter { files[$0] == nil }
        if !missing.isEmpty {
            problems.append(PackageProblem(.filesMissing, "missing files named in package.yaml: "
                + missing.joined(separator: ", ")))
        }
        let named = Set(manifest.namedPaths + [PackageManifest.fileName])
        for extra in files.keys.sorted() where !named.contains(extra) {
            warnings.append("\(extra) is not named in package.yaml and is ignored")
        }

        var info: WasmModuleInfo?
        if let bytes = files[manifest.module] {
            do {
                info = try WasmInspector(options: inspectionOptions).inspect(bytes)
            } catch {
                problems.append(PackageProblem(
                    .moduleInvalid, "\(manifest.module) is not a valid WebAssembly module: \(error.message)"))
            }
        }
        if let info {
            let exports = ModuleExports(info: info, modulePath: manifest.module)
            problems += exports.functionProblems(manifest.functions)
            problems += exports.bytesProblems(manifest.functions)
        }

        problems += Self.resultLabelProblems(manifest, files: files)

        let resolution = DependencyCheck(manifest: manifest, lookup: lookup)
        problems += resolution.problems
        if let info {
            problems += resolution.importProblems(info.imports, modulePath: manifest.module)
            warnings += resolution.unusedDependencyWarnings(info.imports, modulePath: manifest.module)
        }

        guard problems.isEmpty, let info, let moduleBytes = files[manifest.module] else {
            throw PackageValidationError(problems: problems)
        }
        let dependencyNames = Set(manifest.dependencies.map(\.name))
        let imports = info.imports.map { ClassifiedImport($0, dependencies: dependencyNames) }
        let capabilities = Set(imports.filter { $0.provider == .host }.map(\.qualifiedName)).sorted()
        let digests = named.sorted().compactMap { path in
            files[path].map { PackageFileDigest(path: path, contents: $0) }
        }
        return ValidatedPackage(
            manifest: manifest,
            module: ModuleSummary(path: manifest.module, size: moduleBytes.count, info: info),
            files: digests,
            imports: imports,
            hostCapabilities: capabilities,
            checkedDependencyVersions: resolution.newestMatching.mapValues(\.version),
            warnings: warnings)
    }

    /// Each `result-labels` file, when uploaded (a missing one is `files-missing`), holds usable labels.
    static func resultLabelProblems(_ manifest: PackageManifest, files: [String: [UInt8]]) -> [PackageProblem] {
        var problems: [PackageProblem] = []
        for function in manifest.functions {
            guard let name = function.resultLabels, let file = manifest.file(named: name), let bytes = files[file.path] else {
                continue
            }
            do {
                _ = try ResultLabels(parsing: bytes)
            } catch {
                problems.append(PackageProblem(
                    .resultLabelsInvalid, "\(file.path), the result labels of \(function.name), \(error.message)"))
            }
        }
        return problems
    }
}
