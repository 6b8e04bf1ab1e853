import TideModel
import TideSigning

/// Everything `tide supervisor` can be told.
public struct SupervisorConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests); the bound port is reported when the server runs.
    public var port: Int
    /// The device's name; default: the profile's name, else the host name.
    public var name: String?
    public var dataDirectory: String
    public var profile: DeviceProfile
    /// The orchestrators' base URLs (replicas sharing one database), for heartbeats: the first is
    /// used until it fails, the others are fallbacks; `POST /register` puts its orchestrator first.
    public var orchestratorURLs: [String]
    /// The first of `orchestratorURLs`; setting it replaces them all.
    public var orchestratorURL: String? {
        get { orchestratorURLs.first }
        set { orchestratorURLs = newValue.map { [$0] } ?? [] }
    }
    /// When set, `/deploy`, `DELETE /deploy/...` and `/register` need `Authorization: Bearer <token>`.
    public var token: String?
    public var heartbeatInterval: Duration
    public var limits: ExecutionLimits
    /// Largest JSON body of `/register`.
    public var maxJSONBodyBytes: Int
    /// How large a deployment node may be (its bytes, modules, functions, ...).
    public var nodeLimits: DeploymentNodeLimits
    /// Publisher keys whose signatures this device accepts, and which packages must be signed.
    public var signatures: SignaturePolicy
    /// Largest call body (raw bytes or multipart files).
    /// The largest instance state (linear memory) a snapshot taken or restored here may hold.
    public var maxSnapshotBytes = 64 << 20
    public var maxCallBodyBytes: Int
    /// Largest downloaded binary or data file.
    public var maxDownloadBytes: Int
    public var downloadTimeout: Duration
    /// How long forwarding an output to the next step may take.
    public var chainTimeout: Duration
    /// Chained calls one request may start one after another, counted in `X-Tide-Hops`; a call
    /// past it is refused, which ends a chain that loops across devices.
    public var maxChainHops: Int
    public var historyMaxEntries: Int
    public var historyMaxAge: Duration
    /// How this supervisor is reached, for result URLs (`http://host:port`); default: the request's
    /// Host header, else the bound address.
    public var publicURL: String?
    /// When set, clean start-up pages of the executable and libraries are handed back to the
    /// kernel this long after start (`StartupPageRelease`). Only for a process that is nothing
    /// but a supervisor; nil in `tide dev` and tests, where the process plays other roles.
    public var releaseStartupPagesAfter: Duration?
    /// The CA certificate (PEM file) the orchestrator's HTTPS certificate chains to: the fleet CA
    /// (`<server data-dir>/tls/ca.pem`). nil: the system's CAs.
    public var serverCAFile: String?
    /// Enroll with this orchestrator on first start (`--join`); later starts use the certificate
    /// kept in `<data-dir>/tls/`.
    public var join: JoinSettings?
    /// `GET /metrics` answers anyone (`--metrics-open`); otherwise whoever may deploy here.
    public var metricsOpen = false

    public init(
        host: String = "127.0.0.1", port: Int = 5000, name: String? = nil, dataDirectory: String = ".tide-supervisor",
        profile: DeviceProfile = DeviceProfile(), orchestratorURL: String? = nil, token: String? = nil,
        heartbeatInterval: Duration = .seconds(1), limits: ExecutionLimits = ExecutionLimits(),
        maxJSONBodyBytes: Int = 1 << 20, nodeLimits: DeploymentNodeLimits = DeploymentNodeLimits(),
        signatures: SignaturePolicy = SignaturePolicy(trusted: [], requiredPrefixes: []),
        maxCallBodyBytes: Int = 16 << 20, maxDownloadBytes: Int = 64 << 20,
        downloadTimeout: Duration = .seconds(30), chainTimeout: Duration = .seconds(10),
        maxChainHops: Int = 32, historyMaxEntries: Int = 1000,
        historyMaxAge: Duration = .seconds(3600), publicURL: String? = nil,
        releaseStartupPagesAfter: Duration? = nil, serverCAFile: String? = nil, join: JoinSettings? = nil
    ) {
        self.join = join
        self.serverCAFile = serverCAFile
        self.host = host
        self.port = port
        self.name = name
        self.dataDirectory = dataDirectory
        self.profile = profile
        self.orchestratorURLs = orchestratorURL.map { [$0] } ?? []
        self.token = token
        self.heartbeatInterval = heartbeatInterval
        self.limits = limits
        self.maxJSONBodyBytes = maxJSONBodyBytes
        self.nodeLimits = nodeLimits
        self.signatures = signatures
        self.maxCallBodyBytes = maxCallBodyBytes
        self.maxDownloadBytes = maxDownloadBytes
        self.downloadTimeout = downloadTimeout
        self.chainTimeout = chainTimeout
        self.maxChainHops = maxChainHops
        self.historyMaxEntries = historyMaxEntries
        self.historyMaxAge = historyMaxAge
        self.publicURL = publicURL
        self.releaseStartupPagesAfter = releaseStartupPagesAfter
    }
}
