import Foundation
import TideModel
import TidePackageFormat
import TideStore

/// A published version as the registry keeps it in memory.
struct RegistryEntry: Sendable {
    var record: PackageVersionRecord
    var package: ValidatedPackage
    var files: [PackageFileRecord]
    var version: SemanticVersion

    var moduleFile: PackageFileRecord? { files.first { $0.role == "module" } }

    static func filesURL(_ name: String, _ version: String) -> String {
        "/api/v1/packages/\(name)/\(version)/files"
    }

    /// The package's signatures, when it was published signed.
    var signing: PackageSigning? {
        record.signing.flatMap { try? JSONDecoder().decode(PackageSigning.self, from: Data($0.utf8)) }
    }

    func info() -> PackageVersionInfo {
        let fileInfos = files.map { file in
            PackageFileInfo(
                file: file.file, path: file.path, sha256: file.digest, size: file.size, mediaType: file.mediaType,
                role: file.role, url: Self.filesURL(record.name, record.version) + "/" + file.file)
        }
        let module = fileInfos.first { $0.role == "module" }
            ?? PackageFileInfo(file: "", path: "", sha256: record.moduleDigest, size: record.moduleSize, mediaType: "application/wasm", role: "module", url: "")
        let functions = package.manifest.functions.map { function in
            PackageFunctionInfo(
                name: function.name, method: function.method.rawValue,
                parameters: function.parameters.map { .init(name: $0.name, type: $0.type.rawValue) },
                result: function.result?.rawValue ?? "none", description: function.description)
        }
        let imports = package.imports.map { item in
            PackageImportInfo(
                module: item.module, name: item.name, kind: item.kind.rawValue,
                satisfiedBy: item.provider.description, signature: item.signature.map { $0.signature.watDescription })
        }
        return PackageVersionInfo(
            name: record.name, version: record.version, description: record.description, yanked: record.yanked,
            publishedAt: record.publishedAt, module: module, dependencies: record.dependencies,
            hostCapabilities: record.hostCapabilities, functions: functions, imports: imports,
            files: fileInfos.filter { $0.role == "data" }, signing: signing)
    }
}
