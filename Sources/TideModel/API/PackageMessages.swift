import Foundation

/// A file of a package version, as the API lists it.
public struct PackageFileInfo: Sendable, Codable, Equatable {
    /// The name in URLs: the module's file name or a data file's name.
    public var file: String
    public var path: String
    /// SHA-256 of the content, lowercase hex; also the download's ETag.
    public var sha256: String
    public var size: Int
    public var mediaType: String
    /// `module` or `data`.
    public var role: String
    /// Where to download it: a path on the Tide server.
    public var url: String

    public init(file: String, path: String, sha256: String, size: Int, mediaType: String, role: String, url: String) {
        self.file = file
        self.path = path
        self.sha256 = sha256
        self.size = size
        self.mediaType = mediaType
        self.role = role
        self.url = url
    }
}

/// A function a package declares (and its module exports).
public struct PackageFunctionInfo: Sendable, Codable, Equatable {
    public struct Parameter: Sendable, Codable, Equatable {
        public var name: String
        public var type: String
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }
    public var name: String
    public var method: String
    public var parameters: [Parameter]
    public var result: String
    public var description: String?

    public init(name: String, method: String, parameters: [Parameter], result: String, description: String?) {
        self.name = name
        self.method = method
        self.parameters = parameters
        self.result = result
        self.description = description
    }
}

/// An import of a package's module and what satisfies it.
public struct PackageImportInfo: Sendable, Codable, Equatable {
    public var module: String
    public var name: String
    /// `function`, `memory`, `table`, `global` or `tag`.
    public var kind: String
    /// `wasi`, `host`, or `dependency:<package>`.
    public var satisfiedBy: String
    /// For a function, its signature in WAT form.
    public var signature: String?

    public init(module: String, name: String, kind: String, satisfiedBy: String, signature: String?) {
        self.module = module
        self.name = name
        self.kind = kind
        self.satisfiedBy = satisfiedBy
        self.signature = signature
    }
}

/// One published version in full.
public struct PackageVersionInfo: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    public var description: String
    public var yanked: Bool
    public var publishedAt: Date
    public var module: PackageFileInfo
    public var dependencies: [String: String]
    /// Capabilities a device must offer to run this module (`module.name`).
    public var hostCapabilities: [String]
    public var functions: [PackageFunctionInfo]
    public var imports: [PackageImportInfo]
    public var files: [PackageFileInfo]
    /// The package's signatures, when it was published signed.
    public var signing: PackageSigning?

    public init(
        name: String, version: String, description: String, yanked: Bool, publishedAt: Date, module: PackageFileInfo,
        dependencies: [String: String], hostCapabilities: [String], functions: [PackageFunctionInfo],
        imports: [PackageImportInfo], files: [PackageFileInfo], signing: PackageSigning? = nil
    ) {
        self.name = name
        self.version = version
        self.description = description
        self.yanked = yanked
        self.publishedAt = publishedAt
        self.module = module
        self.dependencies = dependencies
        self.hostCapabilities = hostCapabilities
        self.functions = functions
        self.imports = imports
        self.files = files
        self.signing = signing
    }
}

/// A package in the list: its versions, newest first.
public struct PackageSummary: Sendable, Codable, Equatable {
    public var name: String
    public var description: String
    /// The newest version that is not yanked, if any.
    public var latest: String?
    public var versions: [String]
    public var yanked: [String]

    public init(name: String, description: String, latest: String?, versions: [String], yanked: [String]) {
        self.name = name
        self.description = description
        self.latest = latest
        self.versions = versions
        self.yanked = yanked
    }
}

/// `GET /api/v1/packages`.
public struct PackageList: Sendable, Codable, Equatable {
    public var packages: [PackageSummary]
    public init(packages: [PackageSummary]) { self.packages = packages }
}

/// `GET /api/v1/packages/{name}`: every version, newest first.
public struct PackageDetail: Sendable, Codable, Equatable {
    public var name: String
    public var versions: [PackageVersionInfo]
    public init(name: String, versions: [PackageVersionInfo]) {
        self.name = name
        self.versions = versions
    }
}

/// `POST /api/v1/resolve`.
public struct ResolveRequest: Sendable, Codable, Equatable {
    /// Package name -> version range.
    public var requirements: [String: String]
    public init(requirements: [String: String]) { self.requirements = requirements }
}

/// One pinned package of a resolution, with what a device needs to fetch it.
public struct PinnedPackage: Sendable, Codable, Equatable {
    public var name: String
    public var version: String
    public var yanked: Bool
    public var moduleDigest: String
    public var moduleURL: String
    public var files: [PackageFileInfo]

    public init(name: String, version: String, yanked: Bool, moduleDigest: String, moduleURL: String, files: [PackageFileInfo]) {
        self.name = name
        self.version = version
        self.yanked = yanked
        self.moduleDigest = moduleDigest
        self.moduleURL = moduleURL
        self.files = files
    }
}

/// The answer of `POST /api/v1/resolve`.
public struct ResolveResponse: Sendable, Codable, Equatable {
    public var packages: [PinnedPackage]
    public init(packages: [PinnedPackage]) { self.packages = packages }
}
