import AsyncHTTPClient
import Foundation
import Hummingbird
import TideLiquid
import Logging
import ServiceLifecycle
import Synchronization
import TideHTTP
import TideModel
import TideTLS
import NIOSSL
import HummingbirdCore
import HummingbirdTLS

/// `tide supervisor`: the device agent. Serves the wasmiot device endpoints, runs deployed Wasm
/// modules in WasmKit, keeps deployments across restarts and sends heartbeats. A service:
/// `tide supervisor` runs it alone, `tide dev` several beside the server in one group.
public struct SupervisorServer: TideServer {
    public let configuration: SupervisorConfiguration
    public let logger: Logger
    public var onRunning: @Sendable (Int) async -> Void = { _ in }

    public init(configuration: SupervisorConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until its task is cancelled or its service group shuts down, then shuts down gracefully.
    public func run() async throws {
        let configuration = self.configuration
        let onRunning = self.onRunning
        let logger = self.logger
        let directory = try DataDirectory(root: configuration.dataDirectory)
        let id = try DeviceIdentity.loadOrCreate(at: directory.deviceIDPath)
        let name = configuration.name ?? configuration.profile.name ?? ProcessInfo.processInfo.hostName
        let facts = PlatformFacts.detect(profile: configuration.profile)
        let runtime = WasmRuntime(
            hostModules: HostModuleCatalog.modules(for: configuration.profile, logger: logger),
            limits: configuration.limits, logger: logger)

        var enrolled = try DeviceCredentials.load(from: directory)
        if let current = enrolled, current.notValidAfter < Date() {
            logger.warning(
                "the device certificate expired at \(current.notValidAfter); \(configuration.join == nil ? "enroll again with --join and a new join token" : "enrolling again")")
            if configuration.join != nil { enrolled = nil }
        } else if enrolled != nil, configuration.join != nil {
            logger.notice("already enrolled (\(directory.tlsRoot)); --join is not needed any more")
        }
        let keys = try PublisherKeyTrust(local: configuration.signatures, directory: directory)
        if enrolled == nil, let join = configuration.join {
            enrolled = try await Enroller.enroll(join, deviceID: id, directory: directory, keys: keys, logger: logger)
        }
        let credentials = enrolled.map(CredentialHolder.init)
        let scheme = credentials == nil ? "http" : "https"

        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout.connect = .seconds(2)
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        clientConfiguration.connectionPool.idleTimeout = ClientConnections.idleTimeout
        if let enrolled {
            // Downloads and chained calls trust the fleet CA; heartbeats and renewal add the certificate.
            clientConfiguration.tlsConfiguration = try Self.trusting(caPEM: enrolled.caPEM, what: "the fleet CA in \(directory.tlsRoot)")
        } else if let file = configuration.serverCAFile {
            clientConfiguration.tlsConfiguration = try Self.trusting(caFile: file)
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)

        let cache = try BlobCache(root: directory.blobsRoot)
        let metrics = SupervisorMetrics()
        let fetcher = BlobFetcher(
            client: client, cache: cache, timeout: configuration.downloadTimeout, maxBytes: configuration.maxDownloadBytes,
            metrics: metrics)
        let deployer = Deployer(
            runtime: runtime, directory: directory, fetcher: fetcher, nodeLimits: configuration.nodeLimits,
            keys: keys,
            snapshotLimits: SnapshotLimits(maxMemoryBytes: configuration.maxSnapshotBytes),
            logger: logger)
        _ = await deployer.restore()
        let history = RequestHistory(
            directory: directory, maxEntries: configuration.historyMaxEntries, maxAge: configuration.historyMaxAge)
        let calls = CallService(
            deployer: deployer, history: history, runtime: runtime, client: client,
            chainTimeout: configuration.chainTimeout, maxChainHops: configuration.maxChainHops, logger: logger, metrics: metrics)
        let usage = UsageMonitor(simulatedMemoryBytes: configuration.profile.simulatedMemoryBytes)
        let link = OrchestratorLink(
            urls: configuration.orchestratorURLs.isEmpty ? configuration.join?.urls ?? [] : configuration.orchestratorURLs)
        let authority: ControlAuthority =
            credentials != nil ? .serverCertificate : configuration.token.map { .token($0) } ?? .anyone
        let boundPort = Mutex(configuration.port)

        let cores = ProcessInfo.processInfo.activeProcessorCount
        let describe: @Sendable () async -> DescriptionDocument = {
            DescriptionDocument(
                id: id, name: name, profile: configuration.profile, facts: facts, runtime: runtime,
                deployments: await deployer.states, cores: cores)
        }
        let baseURL: @Sendable (Request) -> String = { request in
            if let url = configuration.publicURL { return OrchestratorLink.normalize(url) }
            if let host = request.head.authority, Self.isPlausibleAuthority(host) { return scheme + "://" + host }
            return "\(scheme)://\(configuration.host):\(boundPort.withLock { $0 })"
        }

        let router = Router(context: SupervisorRequestContext.self)
        router.add(middleware: ErrorMiddleware(.supervisor))
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics.registry))
        MetricsRoute(metrics: metrics, deployer: deployer, authority: configuration.metricsOpen ? nil : authority).add(to: router)
        DeviceRoutes(
            describe: describe, usage: usage, link: link, authority: authority,
            maxBodyBytes: configuration.maxJSONBodyBytes
        ).add(to: router)
        DeployRoutes(deployer: deployer, chained: calls.chained, authority: authority, maxBodyBytes: configuration.nodeLimits.maxBytes)
            .add(to: router)
        StateRoutes(
            deployer: deployer, authority: authority,
            limits: SnapshotLimits(maxMemoryBytes: configuration.maxSnapshotBytes), staging: StagedSnapshots()
        ).add(to: router)
        CallRoutes(
            calls: calls, history: history, maxBodyBytes: configuration.maxCallBodyBytes,
            maxFileBytes: configuration.limits.maxBytes, baseURL: baseURL
        ).add(to: router)

        let heartbeat = HeartbeatService(
            link: link, client: client, interval: configuration.heartbeatInterval, token: configuration.token,
            credentials: credentials, keys: keys, logger: logger
        ) {
            Heartbeat(
                id: DeviceID(id), name: name, port: boundPort.withLock { $0 }, sentAt: Date(), health: await usage.health(),
                deployments: await deployer.states.map { .init(id: $0.id, generation: $0.generation) })
        }

        var services: [any Service] = [heartbeat]
        if let credentials {
            services.append(CertificateRenewal(holder: credentials, link: link, keys: keys, deviceID: id, directory: directory, logger: logger))
        }
        if let delay = configuration.releaseStartupPagesAfter {
            services.append(StartupPageReleaseService(delay: delay, logger: logger))
        }
        let host = configuration.host
        let server: HTTPServerBuilder
        do {
            server = try .tide(tls: credentials?.serverConfiguration())
        } catch {
            throw SupervisorError.internalFailure("cannot set up TLS: \(error)")
        }
        let app = Application(
            tide: router, server: server, host: host, port: configuration.port, serverName: "tide-supervisor",
            services: services, logger: logger,
            onRunning: { port in
                boundPort.withLock { $0 = port }
                let peripherals = configuration.profile.peripherals.map(\.name).joined(separator: ", ")
                logger.notice(
                    "tide supervisor \(name) (\(id)) listening on \(scheme)://\(host):\(port); peripherals: \(peripherals.isEmpty ? "none" : peripherals); data in \(configuration.dataDirectory)")
                if configuration.token == nil, credentials == nil {
                    logger.warning("no token (--token or TIDE_SUPERVISOR_TOKEN): anyone who can reach this port can deploy code")
                }
                await onRunning(port)
            })

        do {
            try await GracefulServiceGroup.run(NamedListener(app, host: host, port: configuration.port, option: "--port"), logger: logger)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        logger.notice("tide supervisor stopped")
    }

    /// Trusts the orchestrator by its fleet CA. Fleet certificates name a role, not every address
    /// a device may reach the server by, so host names are not checked; the chain is.
    static func trusting(caFile: String) throws(SupervisorError) -> TLSConfiguration {
        do {
            return try TLSCredentials.trustingClientConfiguration(trustFile: caFile, checkHostname: false)
        } catch {
            throw SupervisorError.badRequest("--ca-cert \(error.message)")
        }
    }

    static func trusting(caPEM: String, what: String) throws(SupervisorError) -> TLSConfiguration {
        do {
            return try TLSCredentials.trustingClientConfiguration(trustPEM: caPEM, checkHostname: false)
        } catch {
            throw SupervisorError.badRequest("\(what): \(error.message)")
        }
    }

    /// `host:port` made of characters a host name or address can have.
    static func isPlausibleAuthority(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 255
            && text.allSatisfy { $0.isLetter || $0.isNumber || ".-:[]_".contains($0) } && text.allSatisfy(\.isASCII)
    }
}
