import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import ServiceLifecycle
import TideHTTP
import TideModel
import TidePackageFormat
import TideSigning
import TidePostgresStore
import TideStore

/// `tide server`: the HTTP API, the inventory and the health monitor over one SQLite database.
/// A service: `tide server` runs it alone, `tide dev` beside its supervisors in one group.
public struct OrchestratorServer: TideServer {
    public let configuration: ServerConfiguration
    public let logger: Logger
    public var onRunning: @Sendable (Int) async -> Void = { _ in }

    public init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until its task is cancelled or its service group shuts down, then shuts down gracefully.
    public func run() async throws {
        try prepareDataDirectory()
        switch configuration.datastore {
        case .sqlite:
            let store: TideStore
            do {
                store = try TideStore(path: configuration.databasePath)
            } catch {
                throw ServerError(error.description)
            }
            try await serve(store: store, cluster: .single(replica: try replicaID()), shared: nil)
        case .postgres(let url):
            logger.notice("datastore: PostgreSQL at \(url)")
            let replica = try replicaID()
            do {
                try await PostgresFleetStore.withStore(url: url, logger: logger) { store in
                    try await serve(
                        store: store, cluster: .shared(replica: replica, fenced: store),
                        shared: SharedParts(coordinator: store, blobs: store, wakeups: { store.eventNotifications() }))
                }
            } catch let error as StoreError {
                throw ServerError(error.description)
            }
        }
    }

    /// What replicas on a shared datastore have besides the store.
    struct SharedParts: Sendable {
        let coordinator: any ClusterCoordinator
        let blobs: any SharedBlobStore
        let wakeups: @Sendable () -> AsyncStream<Int64>
    }

    private func replicaID() throws -> ReplicaID {
        let text = configuration.replicaID ?? Self.defaultReplicaID(port: configuration.port)
        do {
            return try ReplicaID(text)
        } catch {
            throw ServerError("--replica-id: \(error)")
        }
    }

    static func defaultReplicaID(port: Int) -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "tide"
        let safe = String(host.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) || $0 == "-" ? Character($0) : "-" }.prefix(40))
        let suffix = port == 0 ? String(UInt32.random(in: 0...UInt32.max), radix: 16) : String(port)
        return (safe.isEmpty ? "tide" : safe) + "-" + suffix
    }

    private func serve(store: any FleetStore, cluster: ClusterState, shared: SharedParts?) async throws {
        let onRunning = self.onRunning
        let hadToken = FileManager.default.fileExists(atPath: configuration.tokenPath)
        let token = try loadToken()
        let fleetToken = try loadSupervisorToken()
        let tls = try ServerTLS.prepare(configuration, logger: logger)
        let scheme = configuration.transport.scheme
        if configuration.allowUnverifiedDevices {
            logger.warning(
                "--allow-unverified-devices: devices that registered themselves or were found over mDNS take work without an operator's approval")
        }

        let bus: EventBus
        let inventory: Inventory
        let registry: PackageRegistry
        let tokens: OperatorTokens
        let signatures = try signaturePolicy()
        let metrics = ServerMetrics()
        do {
            bus = EventBus(latestID: try await store.latestEventID(), followsStore: shared != nil)
            tokens = try await OperatorTokens(store: store, bus: bus, logger: logger)
            if let token {
                if shared != nil, !hadToken, tokens.hasBootstrap {
                    try? FileManager.default.removeItem(atPath: configuration.tokenPath)
                    throw ServerError(
                        "another replica made this datastore's operator token: copy operator.token, supervisor.token and tls/ "
                            + "from its data directory into \(configuration.dataDirectory) before the first start of this replica "
                            + "(docs/operations.md, High availability)")
                }
                try await tokens.adoptBootstrap(secret: token)
            }
            inventory = try await Inventory(
                store: store, events: bus, policy: configuration.healthPolicy, logger: logger,
                unverifiedTakeWork: configuration.allowUnverifiedDevices, metrics: metrics, deathBrake: configuration.deathBrake)
            registry = try await PackageRegistry(
                store: store, blobs: BlobStore(root: configuration.dataDirectory), sharedBlobs: shared?.blobs, events: bus, logger: logger,
                signatures: signatures, metrics: metrics)
        } catch let error as ServerError {
            throw error
        } catch {
            throw ServerError("\(error)")
        }
        if let bundled = configuration.bundledRegistry {
            _ = await BundledRegistry.load(from: bundled, into: registry, logger: logger)
        }

        let client = HTTPClient.forDevices(tls: tls?.client)
        let probe = DeviceProbe(client: client)
        let started = Date()
        if let publicURL = configuration.publicURL { cluster.setURL(publicURL) }
        var registrar = DeviceRegistrar(probe: probe, inventory: inventory, timeout: configuration.registrationTimeout)
        registrar.acceptsPlainHTTP = configuration.acceptsPlainHTTPDevices
        let monitor = HealthMonitor(
            inventory: inventory, probe: probe,
            schedule: ProbeSchedule(
                interval: configuration.probeInterval, quickRecheck: configuration.quickRecheck,
                heartbeatTimeout: configuration.heartbeatTimeout),
            timeout: configuration.probeTimeout,
            firstProbeDelay: configuration.firstProbeDelay ?? configuration.heartbeatTimeout + configuration.probeInterval,
            logger: logger, metrics: metrics, watch: cluster.watchedDevices(flushInterval: configuration.cluster.healthFlushInterval),
            flushInterval: shared == nil ? nil : configuration.cluster.healthFlushInterval)

        let workers = PlacementWorkers(
            concurrent: configuration.maxConcurrentPlans, waiting: configuration.maxWaitingPlans,
            timeLimit: configuration.planTimeLimit, logger: logger)
        let planner = Planner(
            inventory: inventory, registry: registry, workers: workers, maxSteps: configuration.maxManifestSteps,
            allowUnverified: configuration.allowUnverifiedDevices, metrics: metrics)
        let controller: DeploymentController
        do {
            controller = try await DeploymentController(
                store: store, bus: bus, inventory: inventory, planner: planner,
                supervisors: SupervisorClient(client: client, token: fleetToken, mayPush: { cluster.mayLead() }),
                publicURL: configuration.publicURL ?? "\(scheme)://\(configuration.host):\(configuration.port)",
                deployTimeout: configuration.deployTimeout, logger: logger, metrics: metrics, cluster: cluster,
                maxSnapshotBytes: configuration.maxSnapshotBytes)
        } catch {
            throw ServerError(error.description)
        }
        var services: [any Service] = [
            monitor,
            Reconciler(
                controller: controller, store: store, bus: bus, tick: configuration.reconcileInterval,
                settle: configuration.heartbeatTimeout, rebalanceGain: configuration.rebalanceGain, logger: logger,
                cluster: cluster),
            CheckpointKeeper(controller: controller),
        ]
        if let serviceType = configuration.mdnsServiceType {
            services.append(DiscoveryService(inventory: inventory, registrar: registrar, serviceType: serviceType, logger: logger))
        } else {
            logger.info("mDNS discovery is off")
        }

        let enrollment: Enrollment
        do {
            enrollment = try await Enrollment(
                store: store, bus: bus, inventory: inventory, ca: tls?.ca, certificateValidity: configuration.deviceCertificateValidity,
                publisherKeys: Array(signatures.trusted.values), logger: logger)
        } catch {
            throw ServerError(error.description)
        }
        let deviceRoutes = WasmiotDeviceRoutes(
            inventory: inventory, registrar: registrar, maxBodyBytes: configuration.maxBodyBytes, fleetToken: fleetToken,
            enrollment: enrollment, certificatesShown: tls != nil, logger: logger,
            onHeartbeat: { beat in
                guard let reported = beat.deployments else { return }
                await controller.observe(beat.id, running: reported)
            },
            wantsHeartbeat: { beat in beat.deployments.map { controller.isNews(beat.id, running: $0) } ?? false },
            watcherOf: { id in cluster.watcherURL(of: id) })
        let moduleRoutes = WasmiotModuleRoutes(registry: registry)
        if let shared {
            services.append(ClusterKeeper(
                coordinator: shared.coordinator, cluster: cluster, started: started, settings: configuration.cluster, logger: logger))
            services.append(SharedEventFeed(
                store: store, bus: bus,
                refresh: ReplicaRefresh(
                    inventory: inventory, registry: registry, tokens: tokens, enrollment: enrollment, controller: controller,
                    cluster: cluster, logger: logger),
                wakeups: shared.wakeups, pollInterval: configuration.cluster.eventPoll, logger: logger))
        }
        let router = PlainDeviceListener.deviceRouter(deviceRoutes, moduleRoutes, metrics: metrics)
        let clusterRoutes = ClusterRoutes(cluster: cluster, datastore: configuration.datastore)
        clusterRoutes.addReadiness(to: router)
        router.add(middleware: LeaderForwarding(
            cluster: cluster, client: client, maxBodyBytes: max(configuration.maxBodyBytes, configuration.maxRunInputBytes),
            maxAnswerBytes: 64 << 20, timeout: configuration.deployTimeout * 4 + .seconds(60)))
        let scrape = router.group()
        if token != nil, !configuration.metricsOpen { scrape.add(middleware: AuthMiddleware(tokens: tokens)) }
        MetricsRoute(metrics: metrics, inventory: inventory, controller: controller).add(to: scrape)
        // The web dashboard's page and files: public; the data it shows comes from /api/v1.
        DashboardRoutes().add(to: router)
        let api = router.group("api/v1")
        if token != nil { api.add(middleware: AuthMiddleware(tokens: tokens)) }
        TokenRoutes(tokens: tokens, maxBodyBytes: configuration.maxBodyBytes).add(to: api)
        clusterRoutes.addStatus(to: api)
        let enrollmentRoutes = EnrollmentRoutes(enrollment: enrollment, maxBodyBytes: configuration.maxBodyBytes)
        enrollmentRoutes.addTokens(to: api)
        enrollmentRoutes.addEnroll(to: router)
        DeviceRoutes(
            inventory: inventory, registrar: registrar, enrollment: enrollment, maxBodyBytes: configuration.maxBodyBytes,
            controller: controller
        ).add(to: api)
        EventRoutes(store: store, bus: bus).add(to: api)
        PackageRoutes(
            registry: registry, maxPackageBytes: configuration.maxPackageBytes, maxBodyBytes: configuration.maxBodyBytes
        ).add(to: api)
        PlanRoutes(planner: planner, maxBodyBytes: configuration.maxBodyBytes).add(to: api)
        DeploymentRoutes(
            controller: controller, maxBodyBytes: configuration.maxBodyBytes,
            runLimits: RunInputs.Limits(maxInputBytes: configuration.maxRunInputBytes)
        ).add(to: api)
        let wasmiotDeployments = router.group()
        if token != nil { wasmiotDeployments.add(middleware: AuthMiddleware(tokens: tokens)) }
        WasmiotManifestRoutes(
            controller: controller, maxBodyBytes: configuration.maxBodyBytes,
            runLimits: RunInputs.Limits(maxInputBytes: configuration.maxRunInputBytes)
        ).add(to: wasmiotDeployments)

        let logger = self.logger
        let host = configuration.host
        let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        // The plain listener for devices without a certificate; the server reports itself running
        // once that listener is up too, so that every node built from then on points there.
        let plainPorts: AsyncStream<Int>?
        if let plainPort = configuration.plainHTTPPort, tls != nil {
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            plainPorts = ports
            services.append(PlainDeviceListener.application(
                host: host, port: plainPort, deviceRoutes: deviceRoutes, moduleRoutes: moduleRoutes, metrics: metrics, logger: logger,
                onRunning: { port in continuation.yield(port) }))
        } else {
            plainPorts = nil
            if configuration.plainHTTPPort != nil { logger.notice("--plain-http-port is not needed: this server serves plain HTTP already") }
        }
        let server: HTTPServerBuilder
        do {
            // Notices clients that go away, so that their placements stop.
            server = try .tide(tls: tls?.server, additionalChannelHandlers: [ConnectionWatchHandler()])
        } catch {
            throw ServerError("cannot set up TLS: \(error)")
        }
        let app = Application(
            tide: router, server: server, host: host, port: configuration.port, serverName: "tide", services: services,
            logger: logger,
            onRunning: { port in
                if let plainPorts {
                    var next = plainPorts.makeAsyncIterator()
                    // No port: the plain listener could not start, and the server is stopping.
                    guard let plainPort = await next.next() else { return }
                    let url = PlainDeviceListener.baseURL(publicURL: configuration.publicURL, reachableHost: reachable, port: plainPort)
                    await controller.setPlainURL(url)
                    logger.notice("devices without a fleet certificate (wasmiot supervisors) download modules over plain HTTP from \(url); device routes only")
                }
                if configuration.publicURL == nil {
                    let url = "\(scheme)://\(reachable.contains(":") ? "[\(reachable)]" : reachable):\(port)"
                    cluster.setURL(url)
                    await controller.setPublicURL(url)
                    if reachable != host {
                        logger.warning("devices download modules from \(scheme)://\(reachable):\(port), which only devices on this machine reach; set --public-url")
                    }
                }
                let count = await inventory.count
                logger.notice("tide server listening on \(scheme)://\(host):\(port) (\(count) devices, data in \(configuration.dataDirectory))")
                await onRunning(port)
            })

        // The last service listed is told first: the controller knows it is stopping and running
        // placements are cancelled before the HTTP server waits for its requests to finish.
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: NamedListener(app, host: host, port: configuration.port, option: "--port")),
                    .init(service: ShutdownNotice(workers: workers, controller: controller), successTerminationBehavior: .ignore),
                ],
                logger: logger))
        do {
            try await GracefulServiceGroup.run(group)
        } catch {
            await controller.stop()
            await workers.shutdown()
            try? await client.shutdown()
            throw error
        }
        await controller.stop()
        await workers.shutdown()
        try await client.shutdown()
        logger.notice("tide server stopped")
    }

    private func prepareDataDirectory() throws {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServerError("cannot create the data directory \(configuration.dataDirectory): \(error.localizedDescription)")
        }
    }

    /// Trusted publisher keys and which packages must be signed.
    private func signaturePolicy() throws -> SignaturePolicy {
        let keys: [PublisherKey]
        do {
            keys = try PublisherKey.loadAll(configuration.trustedKeyFiles)
        } catch {
            throw ServerError(error.message)
        }
        for key in keys { logger.info("trusted publisher key \(key.name) (\(key.id)) from the given files") }
        if !configuration.requireSignedPrefixes.isEmpty, keys.isEmpty {
            throw ServerError("--require-signed needs at least one --trusted-key: nothing could be published")
        }
        return SignaturePolicy(trusted: keys, requiredPrefixes: configuration.requireSignedPrefixes)
    }

    /// The fleet's supervisor token: as configured, else from (or created in) the data directory.
    private func loadSupervisorToken() throws -> String {
        if let configured = configuration.supervisorToken { return configured }
        let path = configuration.supervisorTokenPath
        do {
            let (token, created) = try OperatorToken.loadOrCreate(at: path, what: "supervisor token")
            if created {
                logger.notice("created the fleet's supervisor token at \(path) (mode 0600); start supervisors with --token set to it")
            }
            return token
        } catch {
            throw ServerError(error.description)
        }
    }

    private func loadToken() throws -> String? {
        guard configuration.requireAuth else {
            logger.warning(
                "AUTHENTICATION IS OFF (--insecure-no-auth): anyone who can reach \(configuration.host):\(configuration.port) controls this fleet")
            return nil
        }
        do {
            let (token, created) = try OperatorToken.loadOrCreate(at: configuration.tokenPath)
            if created {
                logger.notice("created the operator token at \(configuration.tokenPath) (mode 0600); clients on this machine read it from there, others need it in TIDE_TOKEN")
            } else {
                logger.info("operator token: \(configuration.tokenPath)")
            }
            return token
        } catch {
            throw ServerError(error.description)
        }
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
