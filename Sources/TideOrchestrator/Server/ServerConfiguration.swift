import Foundation
import TideModel
import TidePostgresStore

/// Everything `tide server` can be told.
public struct ServerConfiguration: Sendable {
    public var dataDirectory: String
    /// Where the fleet's state is kept: SQLite in the data directory (the default), or a
    /// PostgreSQL database that several replicas share (`--datastore`).
    public var datastore: Datastore = .sqlite
    public var host: String
    /// 0 picks a free port (tests); the bound port is reported when the server runs.
    public var port: Int
    /// When false, `/api/v1` needs no token (local experiments only).
    public var requireAuth: Bool
    /// How often each device's health is probed; zero turns the monitor off.
    public var probeInterval: Duration
    public var probeTimeout: Duration
    /// Between probes of a suspect device.
    public var quickRecheck: Duration
    /// How long a device that sends heartbeats may stay silent before it is suspect.
    public var heartbeatTimeout: Duration
    /// How long devices known from before a restart have to come back before their first probe;
    /// nil: the heartbeat timeout plus one probe interval. `tide dev` starts its devices with the
    /// server, so it waits longer.
    public var firstProbeDelay: Duration?
    public var healthPolicy: HealthPolicy
    /// How many devices may be found dead on weak evidence per window (`--mass-failure-limit`).
    public var deathBrake = DeathBrake.default
    /// How long registration waits for each of a device's answers.
    public var registrationTimeout: Duration
    /// Largest JSON request body accepted.
    public var maxBodyBytes: Int
    /// The largest bytes input of a run (a multipart upload or a URL the server fetches), and of
    /// a multipart run request's whole body (`--max-run-input-bytes`).
    public var maxRunInputBytes = 8 << 20
    /// The largest module state (linear memory) a planned move carries or a checkpoint stores
    /// (`--max-snapshot-bytes`); a larger step moves without it, and the event says so.
    public var maxSnapshotBytes = 64 << 20
    /// Largest package upload accepted.
    public var maxPackageBytes: Int
    /// Packages to load into an empty registry on start (the repository's `registry/`); nil for none.
    public var bundledRegistry: String?
    /// The DNS-SD service type to browse for devices; nil turns mDNS discovery off.
    public var mdnsServiceType: String?
    /// The fleet's supervisor token: heartbeats must carry it, and it is sent with deploys and
    /// removals to trusted devices only. nil: read from (or created in) `supervisorTokenPath`.
    public var supervisorToken: String?
    /// Unverified devices (self-registered, found over mDNS) take work too; they never get the token.
    public var allowUnverifiedDevices: Bool
    /// Files of trusted publisher keys (`tide key create`'s `.pub`).
    public var trustedKeyFiles: [String]
    /// Package name prefixes that must be signed by a trusted key; `""` means every package.
    public var requireSignedPrefixes: [String]
    /// The base URL devices use to download modules (`http://orchestrator:3000`); nil: the bound
    /// address, which is right only when devices reach the server at that address.
    public var publicURL: String?
    /// How long a device may take to download, check and start its node.
    public var deployTimeout: Duration
    /// Between full reconciliation passes over every deployment (device failures act at once).
    public var reconcileInterval: Duration
    /// nil: work stays where it moved. Otherwise the score gain that makes the reconciler move a
    /// step back (one step per pass).
    public var rebalanceGain: Double?
    /// Most steps one manifest may have (`--max-manifest-steps`).
    public var maxManifestSteps: Int
    /// How long one placement may take, queueing included, before it is answered with 503
    /// (`--plan-time-limit`).
    public var planTimeLimit: Duration
    /// Placements running at once, each on its own thread off the concurrency pool
    /// (`--max-concurrent-plans`), and how many more may queue before 503 (`--max-waiting-plans`).
    public var maxConcurrentPlans: Int
    public var maxWaitingPlans: Int
    /// HTTPS with the fleet CA (the default), with the operator's PKI, or plain HTTP.
    public var transport: ServerTransport
    /// How long the certificate an enrolling device gets is valid.
    public var deviceCertificateValidity: TimeInterval = 90 * 86_400
    /// An HTTPS server accepts devices without a fleet certificate (wasmiot supervisors,
    /// supervisors started with `--token`), reached over plain HTTP (`--plain-http-devices`).
    public var plainHTTPDevices = false
    /// Also serve the device routes over plain HTTP on this port (0: any free one), and point
    /// such devices' module downloads there (`--plain-http-port`): wasmiot supervisors cannot
    /// check the fleet CA. Implies `plainHTTPDevices`.
    public var plainHTTPPort: Int?
    /// `GET /metrics` answers without a token (`--metrics-open`); otherwise it needs an operator
    /// token (the viewer role is enough) like the rest of the API.
    public var metricsOpen = false

    /// This replica's name among those sharing a PostgreSQL datastore (`--replica-id`); nil:
    /// `<hostname>-<port>`. Keep it across restarts: devices are spread over replicas by it.
    public var replicaID: String?
    /// Lease, renewal and liveness timing for several replicas.
    public var cluster = ClusterSettings()

    /// Whether devices without a certificate may join (always on a plain-HTTP server).
    public var acceptsPlainHTTPDevices: Bool {
        transport == .insecureHTTP || plainHTTPDevices || plainHTTPPort != nil
    }

    public init(
        dataDirectory: String, host: String = "127.0.0.1", port: Int = 3000, requireAuth: Bool = true,
        probeInterval: Duration = .seconds(1), probeTimeout: Duration = .milliseconds(800),
        quickRecheck: Duration = .milliseconds(150), heartbeatTimeout: Duration = .milliseconds(1200),
        healthPolicy: HealthPolicy = .default, registrationTimeout: Duration = .seconds(3),
        maxBodyBytes: Int = 1 << 20, maxPackageBytes: Int = 64 << 20, bundledRegistry: String? = nil,
        mdnsServiceType: String? = nil, supervisorToken: String? = nil, publicURL: String? = nil,
        deployTimeout: Duration = .seconds(30), reconcileInterval: Duration = .seconds(5),
        rebalanceGain: Double? = nil, maxManifestSteps: Int = 10_000, planTimeLimit: Duration = .seconds(30),
        maxConcurrentPlans: Int = 2, maxWaitingPlans: Int = 8, allowUnverifiedDevices: Bool = false,
        trustedKeyFiles: [String] = [], requireSignedPrefixes: [String] = [],
        transport: ServerTransport = .fleetCA(extraHosts: [])
    ) {
        self.transport = transport
        self.maxManifestSteps = maxManifestSteps
        self.planTimeLimit = planTimeLimit
        self.maxConcurrentPlans = maxConcurrentPlans
        self.maxWaitingPlans = maxWaitingPlans
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.requireAuth = requireAuth
        self.probeInterval = probeInterval
        self.probeTimeout = probeTimeout
        self.quickRecheck = quickRecheck
        self.heartbeatTimeout = heartbeatTimeout
        self.healthPolicy = healthPolicy
        self.registrationTimeout = registrationTimeout
        self.maxBodyBytes = maxBodyBytes
        self.maxPackageBytes = maxPackageBytes
        self.bundledRegistry = bundledRegistry
        self.mdnsServiceType = mdnsServiceType
        self.supervisorToken = supervisorToken
        self.allowUnverifiedDevices = allowUnverifiedDevices
        self.trustedKeyFiles = trustedKeyFiles
        self.requireSignedPrefixes = requireSignedPrefixes
        self.publicURL = publicURL
        self.deployTimeout = deployTimeout
        self.reconcileInterval = reconcileInterval
        self.rebalanceGain = rebalanceGain
    }

    public var databasePath: String { dataDirectory + "/tide.sqlite" }
    public var tokenPath: String { dataDirectory + "/" + OperatorToken.fileName }
    public var supervisorTokenPath: String { dataDirectory + "/" + OperatorToken.supervisorFileName }
}

/// The database behind a server.
public enum Datastore: Sendable, Equatable, CustomStringConvertible {
    /// `tide.sqlite` in the data directory.
    case sqlite
    case postgres(PostgresURL)

    /// `sqlite` or `postgres://user:password@host:port/database[?sslmode=...]`; the message of a
    /// bad value never repeats it (it may hold a password).
    public init(parsing text: String) throws(ServerError) {
        if text == "sqlite" {
            self = .sqlite
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw ServerError("--datastore (or TIDE_DATASTORE) must be \"sqlite\" or a postgres:// URL")
        }
        do {
            self = .postgres(try PostgresURL(text))
        } catch {
            throw ServerError("--datastore: \(error.description)")
        }
    }

    /// For logs and status: never the password.
    public var description: String {
        switch self {
        case .sqlite: "sqlite"
        case .postgres(let url): url.description
        }
    }
}
