/// How large one deployment node (`POST /deploy`) may be. Every limit is checked by
/// `DeploymentNode.decode(_:limits:)` before anything is downloaded or instantiated; the defaults
/// fit any real pipeline a device runs and keep a hostile node from using more than a few MB.
public struct DeploymentNodeLimits: Sendable, Equatable {
    /// The node's JSON, in bytes (`tide supervisor --max-node-bytes`).
    public var maxBytes: Int
    /// Nesting of JSON arrays and objects.
    public var maxDepth: Int
    /// Bytes of any one JSON string or key, as sent (escapes count as sent).
    public var maxStringBytes: Int
    /// Modules in the node (`tide supervisor --max-node-modules`).
    public var maxModules: Int
    /// Functions a module declares in `endpoints`, `instructions` or `mounts`
    /// (`tide supervisor --max-node-functions`).
    public var maxFunctionsPerModule: Int
    /// Parameters of one endpoint's request.
    public var maxParametersPerFunction: Int
    /// Deployment files of one module (`urls.other`, `sha256.other`).
    public var maxFilesPerModule: Int
    /// Mounts of one function, all three stages together.
    public var maxMountsPerFunction: Int
    /// Dependencies of one module.
    public var maxDependenciesPerModule: Int

    public init(
        maxBytes: Int = 1 << 20, maxDepth: Int = 32, maxStringBytes: Int = 4096, maxModules: Int = 64,
        maxFunctionsPerModule: Int = 64, maxParametersPerFunction: Int = 32, maxFilesPerModule: Int = 32,
        maxMountsPerFunction: Int = 32, maxDependenciesPerModule: Int = 32
    ) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxModules = maxModules
        self.maxFunctionsPerModule = maxFunctionsPerModule
        self.maxParametersPerFunction = maxParametersPerFunction
        self.maxFilesPerModule = maxFilesPerModule
        self.maxMountsPerFunction = maxMountsPerFunction
        self.maxDependenciesPerModule = maxDependenciesPerModule
    }
}
