import TideModel

/// The contents of a package's `package.yaml`, checked against every rule of the package format.
/// Lists keep the order of the YAML file.
public struct PackageManifest: Sendable, Hashable, Codable {
    public static let fileName = "package.yaml"

    public var name: String
    public var version: SemanticVersion
    public var description: String?
    /// The canonical relative path of the Wasm binary.
    public var module: String
    public var functions: [PackageFunction]
    public var files: [PackageFile]
    public var dependencies: [DeclaredDependency]

    public init(
        name: String, version: SemanticVersion, description: String? = nil, module: String,
        functions: [PackageFunction], files: [PackageFile] = [], dependencies: [DeclaredDependency] = []
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.module = module
        self.functions = functions
        self.files = files
        self.dependencies = dependencies
    }

    public func function(named name: String) -> PackageFunction? {
        functions.first { $0.name == name }
    }

    public func file(named name: String) -> PackageFile? {
        files.first { $0.name == name }
    }

    public func dependency(named name: String) -> DeclaredDependency? {
        dependencies.first { $0.name == name }
    }

    /// The module followed by the data files: every path the package must contain besides package.yaml.
    public var namedPaths: [String] {
        [module] + files.map(\.path)
    }
}
