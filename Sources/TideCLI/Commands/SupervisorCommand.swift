import ArgumentParser
import Foundation
import Logging
import TideHTTP
import TideModel
import TideSupervisor
import TideSigning
import TideTLS

struct SupervisorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Run the device agent: receive deployments and run their Wasm functions.",
        discussion: """
            Serves the wasmiot device endpoints (description, health, register, deploy, function calls, \
            request history). Deployments persist in <data-dir> and are served again after a restart. \
            With a token, /deploy, DELETE /deploy/<id> and /register need "Authorization: Bearer <token>", \
            and heartbeats carry it: a Tide server refuses heartbeats without its supervisor token. \
            Enrolled instead (--join, once; the certificate is kept in <data-dir>/tls/ and renewed before it \
            expires), the supervisor serves HTTPS with its certificate, takes /deploy and /register only \
            from the orchestrator's certificate, and its heartbeats are authenticated by its certificate. \
            Several orchestrators sharing one database are given comma-separated (--orchestrator \
            https://tide-a:3000,https://tide-b:3000, or the same with --join): heartbeats go to one, and after two failures in a row \
            to the next (logged at info; a warning once every URL has failed in a row), and to the replica that watches this device \
            when a heartbeat answer names one of them; POST /register puts its orchestrator first and \
            keeps the others as fallbacks; enrollment uses the first --join URL that answers. \
            A device profile (YAML) sets the name, labels, simulated peripherals and simulated memory and \
            CPU; see docs/supervisor.md. SIGINT or SIGTERM shut the supervisor down gracefully.
            """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 5000

    @Option(help: "Device name (default: the profile's name, else the host name).")
    var name: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Where the device id, blobs and deployments live.", valueName: "path"))
    var dataDirectory = ".tide-supervisor"

    @Option(help: ArgumentHelp("Device profile (YAML): name, labels, peripherals, simulated memory and CPU.", valueName: "file"))
    var profile: String?

    @Option(help: ArgumentHelp(
        "Orchestrator base URL to send heartbeats to, or the URLs of several orchestrators that share one database, comma-separated: after two failed heartbeats in a row the next is used (POST /register puts its orchestrator first).",
        valueName: "url[,url...]"))
    var orchestrator: String?

    @Option(help: "The fleet's supervisor token (the server's <data-dir>/supervisor.token): sent with heartbeats, required by /deploy and /register (env TIDE_SUPERVISOR_TOKEN).")
    var token: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp(
        "The CA certificate (PEM) the orchestrator's HTTPS certificate chains to: the server's <data-dir>/tls/ca.pem (env TIDE_CA_CERT; default: the system's CAs).",
        valueName: "file"))
    var caCertificate: String?

    @Option(help: ArgumentHelp(
        "Enroll with this orchestrator (https) on first start: the device makes its key, gets a certificate naming its id, and talks mutual TLS from then on. Several orchestrators' URLs, comma-separated, are tried in order; the first that answers enrolls the device, and they are the heartbeat URLs unless --orchestrator is given.",
        valueName: "url[,url...]"))
    var join: String?

    @Option(name: .customLong("join-token"), help: ArgumentHelp(
        "With --join: the token from tide device token create (env TIDE_JOIN_TOKEN).", valueName: "token"))
    var joinToken: String?

    @Option(name: .customLong("ca-fingerprint"), help: ArgumentHelp(
        "With --join: the fleet CA's fingerprint (sha256:...), as tide device token create and the server's log print it; or give --ca-cert.",
        valueName: "fingerprint"))
    var caFingerprint: String?

    @Option(name: .customLong("heartbeat-interval"), help: ArgumentHelp("Seconds from the start of one heartbeat to the start of the next (a slow answer does not space them out); 0 turns them off.", valueName: "seconds"))
    var heartbeatInterval = 1.0

    @Option(name: .customLong("max-memory-pages"), help: "Linear memory a module may use, in 64 KiB pages.")
    var maxMemoryPages = 1024

    @Option(name: .customLong("fuel"), help: "Fuel per call (about one unit per Wasm instruction); 0 for unlimited.")
    var fuel: UInt64 = 4_000_000_000

    @Option(name: .customLong("call-timeout"), help: ArgumentHelp("Seconds a caller waits for a result.", valueName: "seconds"))
    var callTimeout = 30.0

    @Option(name: .customLong("max-concurrent-calls"), help: "Calls running at once; more wait in line.")
    var maxConcurrentCalls = 8

    @Option(name: .customLong("max-node-bytes"), help: "Largest deployment node (POST /deploy), in bytes.")
    var maxNodeBytes = DeploymentNodeLimits().maxBytes

    @Option(name: .customLong("trusted-key"), help: ArgumentHelp(
        "A publisher's public key (tide key create's .pub); signatures in deployments are checked against these. Repeatable.",
        valueName: "file"))
    var trustedKeys: [String] = []

    @Flag(name: .customLong("require-signed"), help: "Run only modules signed by a trusted key (--trusted-key).")
    var requireSigned = false

    @Option(name: .customLong("max-node-modules"), help: "Modules one deployment node may list.")
    var maxNodeModules = DeploymentNodeLimits().maxModules

    @Option(name: .customLong("max-node-functions"), help: "Functions one module of a deployment node may declare.")
    var maxNodeFunctions = DeploymentNodeLimits().maxFunctionsPerModule

    @Option(
        name: .customLong("download-timeout"),
        help: ArgumentHelp("Seconds one download of a deployment (headers and body) may take.", valueName: "seconds"))
    var downloadTimeout = 30.0

    @Option(name: .customLong("max-download-bytes"), help: "Largest binary or data file a deployment may download, in bytes.")
    var maxDownloadBytes = 64 << 20

    @Option(
        name: .customLong("max-snapshot-bytes"),
        help: "Largest module state (linear memory) a snapshot taken or restored here may hold, in bytes (liquid state).")
    var maxSnapshotBytes = 64 << 20

    @Option(name: .customLong("max-chain-hops"), help: "Chained calls one request may start, one after another (X-Tide-Hops).")
    var maxChainHops = 32

    @Flag(help: "Announce the device over mDNS (_webthing._tcp with TXT path, tls, address, and Tide's id and version).")
    var advertise = false

    @Option(name: .customLong("advertise-address"), help: ArgumentHelp("The IPv4 address to announce in TXT address= (default: --host).", valueName: "ip"))
    var advertiseAddress: String?

    @Flag(name: .customLong("metrics-open"), help: "Serve GET /metrics (Prometheus) to anyone. By default it needs what deploying here needs: the supervisor's token, or the orchestrator's certificate once enrolled.")
    var metricsOpen = false

    @Option(
        name: .customLong("release-startup-pages-after"),
        help: ArgumentHelp(
            "Seconds after start to hand back the code pages only starting needed (clean, reloaded on use); 0 keeps them.",
            valueName: "seconds"))
    var releaseStartupPagesAfter = 5.0

    @Option(name: .customLong("log-level"), help: LogSetup.help)
    var logLevel = "info"

    @Flag(name: .customLong("exit-with-parent"), help: "Shut down when the process that started this one exits (tide dev starts its devices so).")
    var exitWithParent = false

    func validate() throws {
        try SecondsOptions.validate([
            ("--heartbeat-interval", heartbeatInterval), ("--call-timeout", callTimeout),
            ("--download-timeout", downloadTimeout), ("--release-startup-pages-after", releaseStartupPagesAfter),
        ])
        try LogSetup.validate(logLevel)
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0-65535") }
        guard heartbeatInterval >= 0 else { throw ValidationError("--heartbeat-interval must be at least 0") }
        guard maxMemoryPages >= 1, maxMemoryPages <= 65536 else { throw ValidationError("--max-memory-pages must be 1-65536") }
        guard callTimeout > 0 else { throw ValidationError("--call-timeout must be more than 0") }
        guard maxConcurrentCalls >= 1 else { throw ValidationError("--max-concurrent-calls must be at least 1") }
        guard maxNodeBytes >= 1024 else { throw ValidationError("--max-node-bytes must be at least 1024") }
        guard maxNodeModules >= 1 else { throw ValidationError("--max-node-modules must be at least 1") }
        guard maxNodeFunctions >= 1 else { throw ValidationError("--max-node-functions must be at least 1") }
        guard downloadTimeout > 0, downloadTimeout <= 3600 else { throw ValidationError("--download-timeout must be more than 0 and at most 3600") }
        guard maxDownloadBytes >= 1 else { throw ValidationError("--max-download-bytes must be at least 1") }
        guard maxSnapshotBytes >= 65_536 else { throw ValidationError("--max-snapshot-bytes must be at least 65536 (one page of memory)") }
        guard maxChainHops >= 1 else { throw ValidationError("--max-chain-hops must be at least 1") }
        guard releaseStartupPagesAfter >= 0 else { throw ValidationError("--release-startup-pages-after must be at least 0") }
        if join != nil {
            _ = try joinURLs()
            guard joinToken ?? ProcessInfo.processInfo.environment["TIDE_JOIN_TOKEN"] != nil else {
                throw ValidationError("--join needs --join-token (or TIDE_JOIN_TOKEN)")
            }
            guard caFingerprint != nil || caCertificate != nil else {
                throw ValidationError("--join needs --ca-fingerprint (tide device token create prints it) or --ca-cert")
            }
            if token != nil { throw ValidationError("an enrolled device proves itself by its certificate: leave out --token with --join") }
        } else if joinToken != nil || caFingerprint != nil {
            throw ValidationError("--join-token and --ca-fingerprint go with --join")
        }
        if let caFingerprint {
            do {
                _ = try CertificateFingerprint(parsing: caFingerprint)
            } catch {
                throw ValidationError(error.message)
            }
        }
        _ = try orchestratorURLs()
    }

    /// `--orchestrator`'s URLs, none when it is not given.
    func orchestratorURLs() throws(ValidationError) -> [String] {
        guard let orchestrator else { return [] }
        do {
            return try ServerURLList(parsing: orchestrator, source: "--orchestrator").urls
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// `--join`'s URLs, none when it is not given.
    func joinURLs() throws(ValidationError) -> [String] {
        guard let join else { return [] }
        do {
            return try ServerURLList(parsing: join, source: "--join", httpsOnly: true).urls
        } catch {
            throw ValidationError(error.message)
        }
    }

    func joinSettings(caFile: String?) throws -> JoinSettings? {
        guard join != nil, let secret = joinToken ?? ProcessInfo.processInfo.environment["TIDE_JOIN_TOKEN"] else { return nil }
        let urls = try joinURLs()
        do {
            return JoinSettings(
                urls: urls, token: secret,
                caFingerprint: try caFingerprint.map { text throws(TLSError) in try CertificateFingerprint(parsing: text) },
                caFile: caFile)
        } catch {
            throw CLIFailure(error.message)
        }
    }

    func run() async throws {
        LogSetup.bootstrap(logLevel, otherwise: .info)
        let logger = Logger(label: "tide.supervisor")
        if let files = FileDescriptorLimit.raise() { logger.debug("open file limit: \(files)") }
        if exitWithParent { ParentWatch.start() }
        let deviceProfile: DeviceProfile
        do {
            deviceProfile = try profile.map { path throws(DeviceProfileError) in try DeviceProfile.load(path: path) } ?? DeviceProfile()
        } catch {
            throw CLIFailure(error.description)
        }
        let keys: [PublisherKey]
        do {
            keys = try PublisherKey.loadAll(trustedKeys)
        } catch {
            throw CLIFailure(error.message)
        }
        if requireSigned, keys.isEmpty {
            throw CLIFailure("--require-signed needs at least one --trusted-key: no module could run")
        }
        let caFile = caCertificate ?? ProcessInfo.processInfo.environment["TIDE_CA_CERT"].flatMap { $0.isEmpty ? nil : $0 }
        let environmentToken = ProcessInfo.processInfo.environment["TIDE_SUPERVISOR_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        var configured = SupervisorConfiguration(
            host: host, port: port, name: name, dataDirectory: dataDirectory, profile: deviceProfile,
            token: token ?? environmentToken,
            heartbeatInterval: .milliseconds(Int64(heartbeatInterval * 1000)),
            limits: ExecutionLimits(
                maxMemoryPages: maxMemoryPages, fuelPerCall: fuel == 0 ? nil : fuel,
                deadline: .milliseconds(Int64(callTimeout * 1000)), maxConcurrentCalls: maxConcurrentCalls),
            nodeLimits: DeploymentNodeLimits(
                maxBytes: maxNodeBytes, maxModules: maxNodeModules, maxFunctionsPerModule: maxNodeFunctions),
            signatures: SignaturePolicy(trusted: keys, requiredPrefixes: requireSigned ? [""] : []),
            maxDownloadBytes: maxDownloadBytes, downloadTimeout: .milliseconds(Int64(downloadTimeout * 1000)),
            maxChainHops: maxChainHops,
            releaseStartupPagesAfter: releaseStartupPagesAfter > 0 ? .milliseconds(Int64(releaseStartupPagesAfter * 1000)) : nil,
            serverCAFile: caFile, join: try joinSettings(caFile: caFile))
        configured.metricsOpen = metricsOpen
        configured.maxSnapshotBytes = maxSnapshotBytes
        configured.orchestratorURLs = try orchestratorURLs()
        let configuration = configured
        let announcement = Announcement()
        defer { announcement.stop() }
        let advertised = advertise ? (advertiseAddress ?? host) : nil
        let dataDirectory = self.dataDirectory
        do {
            try await SupervisorServer(configuration: configuration, logger: logger).run(handleSignals: true) { port in
                guard let address = advertised else { return }
                announcement.start(
                    name: configuration.name ?? deviceProfile.name ?? "tide-supervisor-\(port)", port: port, address: address,
                    dataDirectory: dataDirectory, logger: logger)
            }
        } catch let error as SupervisorError {
            throw CLIFailure(error.message)
        } catch {
            throw CLIFailure("the supervisor stopped: \(error)")
        }
    }
}
