import Foundation

extension DeploymentNode {
    /// Decodes a node from JSON and checks every limit of `limits` and that no step chains back to
    /// itself on this device; pure, so the supervisor's `/deploy` and the fuzz target share it.
    /// Size, nesting and string lengths are checked before the JSON is parsed, counts right after.
    public static func decode(_ bytes: [UInt8], limits: DeploymentNodeLimits) throws(DeploymentNodeError) -> DeploymentNode {
        guard bytes.count <= limits.maxBytes else {
            throw DeploymentNodeError(
                .tooLarge,
                "the deployment node is \(bytes.count) bytes, more than the limit of \(limits.maxBytes) bytes (tide supervisor --max-node-bytes)")
        }
        switch JSONShapeScan.problem(in: bytes, maxDepth: limits.maxDepth, maxStringBytes: limits.maxStringBytes) {
        case .tooDeep(let offset):
            throw .invalid(
                "the deployment node nests arrays and objects more than \(limits.maxDepth) deep (at byte \(offset)); that is the limit")
        case .stringTooLong(let offset, let prefix):
            throw .invalid(
                "the deployment node has a string longer than the limit of \(limits.maxStringBytes) bytes at byte \(offset) (\"\(prefix)...\")")
        case nil:
            break
        }
        let node: DeploymentNode
        do {
            node = try TideJSON.decoder().decode(DeploymentNode.self, from: Data(bytes))
        } catch {
            throw .invalid("the deployment node is not valid: \(TideJSON.describe(error, in: Data(bytes)))")
        }
        try node.check(limits)
        try node.checkChains()
        return node
    }

    /// Every count limit of `limits`.
    public func check(_ limits: DeploymentNodeLimits) throws(DeploymentNodeError) {
        let modulesOption = "tide supervisor --max-node-modules"
        let functionsOption = "tide supervisor --max-node-functions"
        try Self.limit(modules.count, limits.maxModules, "the node lists", "modules", "modules per node", modulesOption)
        try Self.limit(
            stateful?.count ?? 0, limits.maxModules, "the node lists", "stateful modules", "modules per node", modulesOption)
        for entry in modules {
            let name = entry.name.prefix(64)
            try Self.limit(
                entry.urls.other?.count ?? 0, limits.maxFilesPerModule, "module \(name) lists", "files in urls.other",
                "files per module", nil)
            try Self.limit(
                entry.sha256?.other.count ?? 0, limits.maxFilesPerModule, "module \(name) lists", "digests in sha256.other",
                "files per module", nil)
            try Self.limit(
                entry.dependencies?.count ?? 0, limits.maxDependenciesPerModule, "module \(name) lists", "dependencies",
                "dependencies per module", nil)
            try Self.limit(
                entry.signing?.signatures.count ?? 0, 16, "module \(name) lists", "signatures", "signatures per module", nil)
        }
        let sections: [(String, [String: Int])] = [
            ("endpoints", (endpoints ?? [:]).mapValues(\.count)),
            ("instructions", (instructions?.modules ?? [:]).mapValues(\.count)),
            ("mounts", (mounts ?? [:]).mapValues(\.count)),
        ]
        for (section, functionsByModule) in sections {
            try Self.limit(
                functionsByModule.count, limits.maxModules, "\(section) names", "modules", "modules per node", modulesOption)
            for (module, count) in functionsByModule.sorted(by: { $0.key < $1.key }) {
                try Self.limit(
                    count, limits.maxFunctionsPerModule, "\(section) of module \(module.prefix(64)) list", "functions",
                    "functions per module", functionsOption)
            }
        }
        for (module, functions) in (endpoints ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (function, endpoint) in functions.sorted(by: { $0.key < $1.key }) {
                try Self.limit(
                    endpoint.request?.parameters?.count ?? 0, limits.maxParametersPerFunction,
                    "the endpoint of \(module.prefix(64))/\(function.prefix(64)) lists", "parameters", "parameters per function", nil)
            }
        }
        for (module, functions) in (instructions?.modules ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (function, instruction) in functions.sorted(by: { $0.key < $1.key }) {
                for endpoint in [instruction.from, instruction.to].compactMap({ $0 }) {
                    try Self.limit(
                        endpoint.request?.parameters?.count ?? 0, limits.maxParametersPerFunction,
                        "an instruction of \(module.prefix(64))/\(function.prefix(64)) lists", "parameters",
                        "parameters per function", nil)
                }
            }
        }
        for (module, functions) in (mounts ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (function, stages) in functions.sorted(by: { $0.key < $1.key }) {
                try Self.limit(
                    stages.execution.count + stages.deployment.count + stages.output.count, limits.maxMountsPerFunction,
                    "the mounts of \(module.prefix(64))/\(function.prefix(64)) list", "files", "mounts per function", nil)
            }
        }
    }

    /// `count` within `limit`, else an error such as "the node lists 10000 modules, more than the
    /// limit of 64 modules per node (tide supervisor --max-node-modules)".
    private static func limit(
        _ count: Int, _ limit: Int, _ subject: String, _ things: String, _ limitName: String, _ option: String?
    ) throws(DeploymentNodeError) {
        guard count > limit else { return }
        let how = option.map { " (\($0))" } ?? " (a fixed limit, see docs/operations.md)"
        throw .invalid("\(subject) \(count) \(things), more than the limit of \(limit) \(limitName)\(how)")
    }
}
