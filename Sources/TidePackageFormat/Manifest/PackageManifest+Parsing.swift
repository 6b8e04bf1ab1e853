import TideModel
import TideYAML
import Yams

extension PackageManifest {
    /// Parses and checks package.yaml text; the error lists every problem found, in document order.
    public init(yaml text: String) throws(PackageManifestError) {
        let root: Node
        do {
            root = try BoundedYAML.document(
                text, detailed: true, whenEmpty: "the file is empty; it needs at least name, version, module and functions")
        } catch {
            throw PackageManifestError(issues: [error])
        }
        var reader = YAMLReader()
        let manifest = reader.manifest(root)
        guard let manifest, reader.issues.isEmpty else {
            throw PackageManifestError(issues: reader.issues)
        }
        self = manifest
    }

    /// Parses package.yaml bytes, which must be UTF-8.
    public init(yaml bytes: [UInt8]) throws(PackageManifestError) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PackageManifestError(issues: [ManifestIssue(line: nil, path: "", message: "the file is not UTF-8 text")])
        }
        try self.init(yaml: text)
    }
}

extension YAMLReader {
    mutating func manifest(_ root: Node) -> PackageManifest? {
        guard let all = entries(of: root, at: "", expecting: "fields such as \"name: fibo\"") else { return nil }
        let fields = allowedEntries(all, allowed: ManifestRules.topLevelKeys, at: "", suggesting: true)
        let line = root.line

        var name: String?
        var version: SemanticVersion?
        var description: String?
        var module: String?
        var functions: [PackageFunction]?
        var files: [PackageFile] = []
        var dependencies: [DeclaredDependency] = []

        for field in fields {
            let value = field.value
            switch field.key {
            case "name": name = packageName(value, at: "name")
            case "version": version = semanticVersion(value)
            case "description": description = self.description(value, at: "description")
            case "module": module = relativePath(value, at: "module")
            case "functions": functions = self.functions(value)
            case "files": files = self.files(value) ?? []
            case "dependencies":
                let declaredName = fields.first { $0.key == "name" }?.value.scalar?.string
                dependencies = self.dependencies(value, of: declaredName) ?? []
            default: break
            }
        }
        for key in ["name", "version", "module", "functions"] where !fields.contains(where: { $0.key == key }) {
            let hint = key == "functions" ? "; declare at least one exported function Tide may call" : ""
            report(line, key, "required field is missing\(hint)")
        }
        checkPathsAreDistinct(module: module, files: files, fields: fields)
        if let functions { checkResultLabelsAreFiles(functions, files: files, fields: fields) }

        guard let name, let version, let module, let functions else { return nil }
        return PackageManifest(
            name: name, version: version, description: description, module: module,
            functions: functions, files: files, dependencies: dependencies)
    }

    private mutating func packageName(_ node: Node, at path: String) -> String? {
        text(node, at: path, where: ManifestRules.isPackageName) {
            "\"\($0)\" is not a valid package name; \(ManifestRules.packageNameRule)"
        }
    }

    /// Text that passes `isValid`; other text is reported with `problem`'s message.
    mutating func text(
        _ node: Node, at path: String, where isValid: (String) -> Bool, otherwise problem: (String) -> String
    ) -> String? {
        guard let text = text(node, at: path) else { return nil }
        guard isValid(text) else {
            report(node, path, problem(text))
            return nil
        }
        return text
    }

    private mutating func semanticVersion(_ node: Node) -> SemanticVersion? {
        guard let text = text(node, at: "version") else { return nil }
        do {
            return try SemanticVersion(parsing: text)
        } catch {
            report(node, "version", "\"\(text)\" is not a semantic version such as 1.0.0: \(error.reason)")
            return nil
        }
    }

    mutating func relativePath(_ node: Node, at path: String) -> String? {
        guard let text = text(node, at: path) else { return nil }
        switch PackagePath.normalize(text) {
        case .success(let normalized):
            return normalized
        case .failure(let problem):
            report(node, path, "\"\(text)\" is not a relative path inside the package: \(problem)")
            return nil
        }
    }

    private mutating func description(_ node: Node, at path: String) -> String? {
        if node.isNull { return nil }
        guard let text = text(node, at: path) else { return nil }
        guard text.count <= ManifestRules.maximumDescriptionLength else {
            report(node, path, "is \(text.count) characters long; the limit is \(ManifestRules.maximumDescriptionLength)")
            return nil
        }
        return text
    }

    /// Each `result-labels` names one of `files` (a file whose own entry is broken was reported there).
    private mutating func checkResultLabelsAreFiles(_ functions: [PackageFunction], files: [PackageFile], fields: [YAMLEntry]) {
        let functionsNode = fields.first { $0.key == "functions" }?.value
        let fileNames = Set(files.map(\.name))
        let declared = (fields.first { $0.key == "files" }?.value.mapping?.keys.compactMap(\.string)) ?? []
        for function in functions {
            guard let labels = function.resultLabels, !fileNames.contains(labels), !declared.contains(labels) else { continue }
            let line = functionsNode?.mapping?[function.name]?.mapping?["result-labels"]?.line
            let choice = declared.isEmpty ? "the package declares no files" : "declared files: \(declared.joined(separator: ", "))"
            report(line, "functions.\(function.name).result-labels", "\"\(labels)\" is not one of the package's files; \(choice)")
        }
    }

    private mutating func checkPathsAreDistinct(module: String?, files: [PackageFile], fields: [YAMLEntry]) {
        guard let filesNode = fields.first(where: { $0.key == "files" })?.value,
              case .mapping(let mapping) = filesNode else { return }
        var owners: [String: String] = [:]
        if let module { owners[module] = "module" }
        owners[PackageManifest.fileName] = "package.yaml itself"
        for file in files {
            let line = mapping[file.name].flatMap { $0.mapping?["path"]?.line }
            if let owner = owners[file.path] {
                report(line, "files.\(file.name).path", "\"\(file.path)\" is already used by \(owner)")
            } else {
                owners[file.path] = "files.\(file.name)"
            }
        }
    }
}
