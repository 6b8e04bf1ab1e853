import TideModel

/// A deployment node checked for everything that can be checked without the network: safe names,
/// URLs, digests, dependencies that exist and form no cycle, mounts that name known files.
public struct DeploymentPlan: Sendable, Equatable {
    public struct PlannedFile: Sendable, Equatable {
        public var mount: String
        public var url: String
        public var sha256: String?
    }

    public struct PlannedModule: Sendable, Equatable {
        public var name: String
        public var binaryURL: String
        public var binarySHA256: String?
        public var dependencies: [String]
        public var files: [PlannedFile]
    }

    public let id: String
    public let generation: Int
    /// Dependencies before their dependents.
    public let modules: [PlannedModule]
    public let node: DeploymentNode

    public init(_ node: DeploymentNode) throws(SupervisorError) {
        id = try SafeName.check(node.deploymentId, as: "deploymentId")
        generation = node.generation ?? 0
        guard generation >= 0 else { throw .deployFailed("generation must be at least 0, got \(generation)") }
        guard !node.modules.isEmpty else { throw .deployFailed("the deployment \(id) lists no modules") }
        var byName: [String: PlannedModule] = [:]
        for entry in node.modules {
            let name = try SafeName.check(entry.name, as: "module name")
            guard byName[name] == nil else { throw .deployFailed("module \(name) is listed twice") }
            byName[name] = try Self.plan(entry, name: name, mounts: node.mounts?[name])
        }
        for module in byName.values {
            for dependency in module.dependencies where byName[dependency] == nil {
                throw .deployFailed("module \(module.name) depends on \(dependency), which this deployment does not include")
            }
        }
        for (module, functions) in node.endpoints ?? [:] {
            guard byName[module] != nil else { throw .deployFailed("endpoints name module \(module), which is not deployed") }
            for function in functions.keys { _ = try SafeName.check(function, as: "function name") }
        }
        modules = try Self.order(byName, declared: node.modules.map(\.name))
        self.node = node
    }

    public func module(_ name: String) -> PlannedModule? { modules.first { $0.name == name } }

    public func endpoint(module: String, function: String) -> DeploymentNode.Endpoint? {
        node.endpoints?[module]?[function]
    }

    public func instruction(module: String, function: String) -> DeploymentNode.Instruction? {
        node.instructions?.modules?[module]?[function]
    }

    public func mounts(module: String, function: String) -> DeploymentNode.MountStages {
        node.mounts?[module]?[function] ?? DeploymentNode.MountStages()
    }

    public var state: DeploymentState { DeploymentState(id: id, generation: generation) }

    private static func plan(
        _ entry: DeploymentNode.ModuleEntry, name: String, mounts: [String: DeploymentNode.MountStages]?
    ) throws(SupervisorError) -> PlannedModule {
        guard isHTTPURL(entry.urls.binary) else {
            throw .deployFailed("module \(name): urls.binary must be an http or https URL")
        }
        let digests = entry.sha256
        if let binary = digests?.binary {
            guard BlobCache.isDigest(binary) else {
                throw .deployFailed("module \(name): sha256 must be 64 lowercase hexadecimal digits")
            }
        }
        var files: [PlannedFile] = []
        for (mount, url) in (entry.urls.other ?? [:]).sorted(by: { $0.key < $1.key }) {
            _ = try SafeName.check(mount, as: "mount name")
            guard isHTTPURL(url) else { throw .deployFailed("module \(name): urls.other.\(mount) must be an http or https URL") }
            let digest = digests?.other[mount]
            if let digest, !BlobCache.isDigest(digest) {
                throw .deployFailed("module \(name): sha256.other.\(mount) must be 64 lowercase hexadecimal digits")
            }
            files.append(PlannedFile(mount: mount, url: url, sha256: digest))
        }
        for mount in (digests?.other ?? [:]).keys where entry.urls.other?[mount] == nil {
            throw .deployFailed("module \(name): sha256.other names \(mount), which urls.other does not list")
        }
        for (function, stages) in mounts ?? [:] {
            _ = try SafeName.check(function, as: "function name")
            for mount in stages.execution + stages.deployment + stages.output {
                _ = try SafeName.check(mount.path, as: "mount name")
            }
            for mount in stages.deployment where entry.urls.other?[mount.path] == nil {
                throw .deployFailed(
                    "module \(name), function \(function): deployment mount \(mount.path) has no URL in urls.other")
            }
        }
        var dependencies: [String] = []
        for dependency in entry.dependencies ?? [] {
            let checked = try SafeName.check(dependency, as: "dependency name")
            guard checked != name else { throw .deployFailed("module \(name) depends on itself") }
            dependencies.append(checked)
        }
        return PlannedModule(
            name: name, binaryURL: entry.urls.binary, binarySHA256: digests?.binary, dependencies: dependencies,
            files: files)
    }

    /// Depth-first topological order that keeps the declared order among independent modules.
    private static func order(_ modules: [String: PlannedModule], declared: [String]) throws(SupervisorError)
        -> [PlannedModule]
    {
        var result: [PlannedModule] = []
        var done: Set<String> = []
        var visiting: [String] = []
        func visit(_ name: String) throws(SupervisorError) {
            if done.contains(name) { return }
            if let start = visiting.firstIndex(of: name) {
                let cycle = (visiting[start...] + [name]).joined(separator: " -> ")
                throw .deployFailed("the module dependencies form a cycle: \(cycle)")
            }
            guard let module = modules[name] else { return }
            visiting.append(name)
            for dependency in module.dependencies { try visit(dependency) }
            visiting.removeLast()
            done.insert(name)
            result.append(module)
        }
        for name in declared { try visit(name) }
        return result
    }

    static func isHTTPURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return (lower.hasPrefix("http://") || lower.hasPrefix("https://")) && text.count > 8
    }
}

/// What a heartbeat and the description report per deployment.
public struct DeploymentState: Sendable, Codable, Equatable {
    public var id: String
    public var generation: Int
    public init(id: String, generation: Int) {
        self.id = id
        self.generation = generation
    }
}
