import ArgumentParser
import Foundation
import Logging
import TideModel
import TideHTTP
import TideOrchestrator

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the orchestrator: HTTP API, device inventory, discovery, failure detection, package registry.",
        discussion: """
            Serves HTTPS: on first start the server creates a fleet CA and its own certificate in \
            <data-dir>/tls/ (keys 0600) and logs the CA's fingerprint; client commands run beside the data \
            directory trust it by itself, elsewhere give them the CA file (--ca-cert) or compare the fingerprint. \
            --tls-cert/--tls-key/--tls-ca use your own PKI instead; --insecure-http serves plain HTTP. \
            State lives in <data-dir>/tide.sqlite (SQLite, WAL mode), or in PostgreSQL with --datastore, which \
            several replicas share (docs/operations.md, High availability). On first start the server writes an \
            operator token to <data-dir>/operator.token (mode 0600); every /api/v1 request needs it as \
            "Authorization: Bearer <token>". Devices prove they belong to the fleet with the supervisor \
            token (--supervisor-token, else <data-dir>/supervisor.token, created on first start): heartbeats \
            must carry it, and it is sent with deploys to trusted devices only. Devices that enter through \
            an open route (wasmiot self-registration, mDNS) are unverified: listed and watched, but given \
            no work until "tide device approve" or a heartbeat with the token. The wasmiot-compatible \
            /file/... routes stay open because wasmiot supervisors cannot send tokens (docs/security.md). \
            An HTTPS server accepts devices without a fleet certificate (supervisors started with --token, \
            wasmiot supervisors) only with --plain-http-devices; wasmiot supervisors also need \
            --plain-http-port, as they cannot check the fleet CA. Such devices are listed as http://. \
            SIGINT or SIGTERM shut the server down gracefully.
            """
    )

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the database and token live (env TIDE_DATA).", valueName: "path"))
    var dataDirectory: String?

    @Option(name: .customLong("datastore"), help: ArgumentHelp(
        "Where the fleet's state is kept (env TIDE_DATASTORE): \"sqlite\" (default, <data-dir>/tide.sqlite) or postgres://user:password@host:port/database[?sslmode=disable|prefer|require], which several replicas can share (docs/operations.md, High availability).",
        valueName: "url"))
    var datastore: String?

    @Option(name: .customLong("replica-id"), help: ArgumentHelp(
        "This replica's name among those sharing a PostgreSQL datastore (env TIDE_REPLICA_ID; default <hostname>-<port>): 1-64 of A-Z a-z 0-9 . _ -. Keep it across restarts.",
        valueName: "name"))
    var replicaID: String?

    @Option(name: .customLong("lease-ttl"), help: ArgumentHelp(
        "With several replicas: seconds a leader's lease lasts unrenewed, so how long a dead leader holds up reconciliation (renewed every third of it; a replica unheard of for this long is dead).",
        valueName: "seconds"))
    var leaseTTL: Double = 3

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 3000

    @Option(name: .customLong("log-level"), help: LogSetup.help)
    var logLevel = "info"

    @Flag(name: .customLong("insecure-no-auth"), help: "Serve /api/v1 without a token. Local experiments only.")
    var insecureNoAuth = false

    @Flag(name: .customLong("insecure-http"), help: "Serve plain HTTP instead of HTTPS: tokens and deployments travel in clear text. Local experiments only.")
    var insecureHTTP = false

    @Flag(name: .customLong("plain-http-devices"), help: "Accept devices without a fleet certificate (supervisors started with --token, wasmiot supervisors): they are reached over plain HTTP and listed as http://. Without it, an HTTPS server takes only enrolled devices.")
    var plainHTTPDevices = false

    @Option(name: .customLong("plain-http-port"), help: ArgumentHelp(
        "Also serve the device routes (module downloads, wasmiot registration, heartbeats; no /api/v1) over plain HTTP on this port, and point devices without a certificate there: wasmiot supervisors cannot check the fleet CA. 0 picks a free port. Implies --plain-http-devices.",
        valueName: "port"))
    var plainHTTPPort: Int?

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Serve HTTPS with this certificate (PEM, chain allowed) from your own PKI instead of the fleet CA; needs --tls-key and --tls-ca.",
        valueName: "file"))
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("The private key (PEM, unencrypted) of --tls-cert.", valueName: "file"))
    var tlsKey: String?

    @Option(name: .customLong("tls-ca"), help: ArgumentHelp(
        "With --tls-cert: the CA certificate(s) (PEM) that device certificates must chain to.", valueName: "file"))
    var tlsCA: String?

    @Option(name: .customLong("tls-san"), help: ArgumentHelp(
        "Another host name or address clients reach the server by, written into the fleet CA's server certificate; repeatable.",
        valueName: "name"))
    var tlsNames: [String] = []

    @Option(name: .customLong("probe-interval"), help: ArgumentHelp("Seconds between health probes of each device; 0 turns probing off.", valueName: "seconds"))
    var probeInterval = 1.0

    @Option(name: .customLong("probe-timeout"), help: ArgumentHelp("Seconds a health probe may take.", valueName: "seconds"))
    var probeTimeout = 0.8

    @Option(name: .customLong("quick-recheck"), help: ArgumentHelp("Seconds between probes of a suspect device.", valueName: "seconds"))
    var quickRecheck = 0.15

    @Option(name: .customLong("heartbeat-timeout"), help: ArgumentHelp("Seconds of heartbeat silence before a Tide supervisor is probed (and, if the probe fails, dead).", valueName: "seconds"))
    var heartbeatTimeout = 1.2

    @Option(name: .customLong("suspect-after"), help: "Failed probes in a row before a device is suspect.")
    var suspectAfter = 1

    @Option(name: .customLong("dead-after"), help: "Failed probes in a row before a device is dead.")
    var deadAfter = 3

    @Option(
        name: .customLong("mass-failure-limit"),
        help: ArgumentHelp(
            "Devices found dead on timeouts or silence per 10 s before the rest are held at suspect and checked again (default: 20 or 1% of the fleet, whichever is more; 0: no limit). A refused connection is never held.",
            valueName: "count"))
    var massFailureLimit: Int?

    @Option(name: .customLong("max-body-bytes"), help: "Largest JSON request body accepted (413 beyond).")
    var maxBodyBytes = 1 << 20

    @Option(
        name: .customLong("max-run-input-bytes"),
        help: "Largest bytes input of a run (an upload, or a URL the server fetches), and largest multipart run request (413 beyond).")
    var maxRunInputBytes = 8 << 20

    @Option(name: .customLong("max-package-bytes"), help: "Largest package upload accepted (413 beyond).")
    var maxPackageBytes = 64 << 20

    @Option(
        name: .customLong("max-snapshot-bytes"),
        help: "Largest module state (linear memory) a planned move carries or a checkpoint stores, in bytes; a larger step moves without its state, and the event says so.")
    var maxSnapshotBytes = 64 << 20

    @Option(help: ArgumentHelp("Packages to load into an empty registry on start; \"none\" for none.", valueName: "dir"))
    var registry = "registry"

    @Flag(name: .customLong("no-mdns"), help: "Do not browse mDNS for devices.")
    var noMDNS = false

    @Option(name: .customLong("mdns-type"), help: ArgumentHelp("DNS-SD service type that devices announce.", valueName: "type"))
    var mdnsType = "_webthing._tcp"

    @Option(name: .customLong("public-url"), help: ArgumentHelp(
        "The URL devices reach this server at, for module downloads (default: https://<host>:<port>).", valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("supervisor-token"), help: ArgumentHelp(
        "The fleet's supervisor token: heartbeats must carry it, deploys to trusted devices send it (env TIDE_SUPERVISOR_TOKEN; default: <data-dir>/supervisor.token).",
        valueName: "token"))
    var supervisorToken: String?

    @Option(name: .customLong("trusted-key"), help: ArgumentHelp(
        "A publisher's public key (tide key create's .pub) whose signatures the server accepts; repeatable.", valueName: "file"))
    var trustedKeys: [String] = []

    @Flag(name: .customLong("require-signed"), help: "Refuse to publish any package not signed by a trusted key.")
    var requireSigned = false

    @Option(name: .customLong("require-signed-prefix"), help: ArgumentHelp(
        "Refuse to publish packages whose name starts with this unless signed by a trusted key; repeatable.", valueName: "prefix"))
    var requireSignedPrefixes: [String] = []

    @Flag(name: .customLong("allow-unverified-devices"), help: "Give work to devices nobody approved (self-registered, found over mDNS); they never get the supervisor token. Labs only.")
    var allowUnverifiedDevices = false

    @Flag(name: .customLong("metrics-open"), help: "Serve GET /metrics (Prometheus) without a token. By default a scraper needs an operator token; the viewer role is enough.")
    var metricsOpen = false

    @Option(name: .customLong("deploy-timeout"), help: ArgumentHelp(
        "Seconds a device may take to download, check and start its share of a deployment.", valueName: "seconds"))
    var deployTimeout = 30.0

    @Option(name: .customLong("reconcile-interval"), help: ArgumentHelp(
        "Seconds between full passes over every deployment (a dead device is acted on at once).", valueName: "seconds"))
    var reconcileInterval = 5.0

    @Flag(help: "Move work back, one step per reconcile pass, when a fresh placement is clearly better (default: work stays where it moved).")
    var rebalance = false

    @Option(name: .customLong("rebalance-gain"), help: ArgumentHelp(
        "With --rebalance: the plan score gain worth a move (a matched preferred label is 1).", valueName: "score"))
    var rebalanceGain = 0.5

    @Option(name: .customLong("max-manifest-steps"), help: "Most steps one manifest may have (422 beyond).")
    var maxManifestSteps = 10_000

    @Option(name: .customLong("plan-time-limit"), help: ArgumentHelp(
        "Seconds one placement may take, queueing included, before it is answered with 503.", valueName: "seconds"))
    var planTimeLimit = 30.0

    @Option(name: .customLong("max-concurrent-plans"), help: "Placements run at once, each on its own thread.")
    var maxConcurrentPlans = 2

    @Option(name: .customLong("max-waiting-plans"), help: "Placements that may queue for a thread (503 beyond).")
    var maxWaitingPlans = 8

    func validate() throws {
        try SecondsOptions.validate([
            ("--probe-interval", probeInterval), ("--probe-timeout", probeTimeout), ("--quick-recheck", quickRecheck),
            ("--heartbeat-timeout", heartbeatTimeout), ("--deploy-timeout", deployTimeout),
            ("--reconcile-interval", reconcileInterval), ("--plan-time-limit", planTimeLimit), ("--lease-ttl", leaseTTL),
        ])
        guard leaseTTL >= 0.3, leaseTTL <= 600 else { throw ValidationError("--lease-ttl must be 0.3-600 seconds") }
        try LogSetup.validate(logLevel)
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        guard (massFailureLimit ?? 0) >= 0 else { throw ValidationError("--mass-failure-limit must be 0 (no limit) or more") }
        guard probeInterval >= 0, probeTimeout > 0, quickRecheck > 0, heartbeatTimeout > 0 else {
            throw ValidationError("--probe-interval must be >= 0; --probe-timeout, --quick-recheck and --heartbeat-timeout > 0")
        }
        guard maxBodyBytes >= 1024 else { throw ValidationError("--max-body-bytes must be at least 1024") }
        guard maxRunInputBytes >= 1 else { throw ValidationError("--max-run-input-bytes must be at least 1") }
        guard maxSnapshotBytes >= 65_536 else { throw ValidationError("--max-snapshot-bytes must be at least 65536 (one page of memory)") }
        guard maxManifestSteps >= 1, planTimeLimit > 0, maxConcurrentPlans >= 1, maxWaitingPlans >= 0 else {
            throw ValidationError(
                "--max-manifest-steps and --max-concurrent-plans must be >= 1, --plan-time-limit > 0, --max-waiting-plans >= 0")
        }
        guard rebalanceGain > 0 else { throw ValidationError("--rebalance-gain must be > 0") }
        guard deployTimeout > 0, reconcileInterval > 0 else {
            throw ValidationError("--deploy-timeout and --reconcile-interval must be > 0")
        }
        let pki = [tlsCertificate, tlsKey, tlsCA].compactMap { $0 }
        guard pki.isEmpty || pki.count == 3 else {
            throw ValidationError("--tls-cert, --tls-key and --tls-ca go together: give all three, or none for the fleet CA")
        }
        if insecureHTTP, !pki.isEmpty || !tlsNames.isEmpty {
            throw ValidationError("--insecure-http serves plain HTTP; it cannot be combined with --tls-cert, --tls-key, --tls-ca or --tls-san")
        }
        if let plainHTTPPort {
            guard (0...65535).contains(plainHTTPPort), plainHTTPPort != port || port == 0 else {
                throw ValidationError("--plain-http-port must be 0-65535 and not the server's --port \(port)")
            }
            if insecureHTTP { throw ValidationError("--plain-http-port is for HTTPS servers; with --insecure-http every route is plain already") }
        }
        if !pki.isEmpty, !tlsNames.isEmpty {
            throw ValidationError("--tls-san names hosts in the fleet CA's server certificate; with --tls-cert, put them in your certificate")
        }
        if let publicURL {
            guard let url = URL(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil,
                url.path.isEmpty || url.path == "/"
            else {
                throw ValidationError("--public-url must look like http://host:port (no path), not \"\(publicURL)\"")
            }
        }
    }

    var transport: ServerTransport {
        if insecureHTTP { return .insecureHTTP }
        if let tlsCertificate, let tlsKey, let tlsCA {
            return .operatorPKI(certificateFile: tlsCertificate, keyFile: tlsKey, caFile: tlsCA)
        }
        return .fleetCA(extraHosts: tlsNames)
    }

    func run() async throws {
        LogSetup.bootstrap(logLevel, otherwise: .info)
        let logger = Logger(label: "tide.server")
        if let files = FileDescriptorLimit.raise() { logger.debug("open file limit: \(files)") }
        let policy: HealthPolicy
        do {
            policy = try HealthPolicy(suspectAfter: suspectAfter, deadAfter: deadAfter)
        } catch {
            throw CLIFailure(error.message)
        }
        let datastoreText = datastore ?? ProcessInfo.processInfo.environment["TIDE_DATASTORE"].flatMap { $0.isEmpty ? nil : $0 } ?? "sqlite"
        let store: Datastore
        do {
            store = try Datastore(parsing: datastoreText)
        } catch {
            throw CLIFailure(error.message)
        }
        var configuration = ServerConfiguration(
            dataDirectory: dataDirectory ?? ProcessInfo.processInfo.environment["TIDE_DATA"] ?? ".tide",
            host: host, port: port, requireAuth: !insecureNoAuth,
            probeInterval: .milliseconds(Int64(probeInterval * 1000)),
            probeTimeout: .milliseconds(Int64(probeTimeout * 1000)),
            quickRecheck: .milliseconds(Int64(quickRecheck * 1000)),
            heartbeatTimeout: .milliseconds(Int64(heartbeatTimeout * 1000)),
            healthPolicy: policy, maxBodyBytes: maxBodyBytes, maxPackageBytes: maxPackageBytes,
            bundledRegistry: registry == "none" ? nil : registry, mdnsServiceType: noMDNS ? nil : mdnsType,
            supervisorToken: supervisorToken ?? ProcessInfo.processInfo.environment["TIDE_SUPERVISOR_TOKEN"],
            publicURL: publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
            deployTimeout: .milliseconds(Int64(deployTimeout * 1000)),
            reconcileInterval: .milliseconds(Int64(reconcileInterval * 1000)),
            rebalanceGain: rebalance ? rebalanceGain : nil, maxManifestSteps: maxManifestSteps,
            planTimeLimit: .milliseconds(Int64(planTimeLimit * 1000)), maxConcurrentPlans: maxConcurrentPlans,
            maxWaitingPlans: maxWaitingPlans, allowUnverifiedDevices: allowUnverifiedDevices, trustedKeyFiles: trustedKeys,
            requireSignedPrefixes: requireSigned ? [""] : requireSignedPrefixes, transport: transport)
        configuration.datastore = store
        configuration.replicaID = replicaID ?? ProcessInfo.processInfo.environment["TIDE_REPLICA_ID"].flatMap { $0.isEmpty ? nil : $0 }
        configuration.cluster = ClusterSettings(leaseTTL: .milliseconds(Int64(leaseTTL * 1000)))
        configuration.plainHTTPDevices = plainHTTPDevices
        configuration.plainHTTPPort = plainHTTPPort
        configuration.maxRunInputBytes = maxRunInputBytes
        configuration.maxSnapshotBytes = maxSnapshotBytes
        configuration.metricsOpen = metricsOpen
        configuration.deathBrake = DeathBrake.limited(to: massFailureLimit)
        do {
            try await OrchestratorServer(configuration: configuration, logger: logger).run(handleSignals: true)
        } catch let error as ServerError {
            throw CLIFailure(error.message)
        } catch {
            throw CLIFailure("the server stopped: \(error)")
        }
    }
}
