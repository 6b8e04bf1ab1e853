import ArgumentParser
import AsyncHTTPClient
import Foundation
import TideModel
import NIOCore
import TideOrchestrator

/// `tide-bench deploy`: a `tide server` process pushes deployments to a simulated fleet (1,000
/// devices by default, one helper process, loopback only); times `POST /api/v1/deployments` of
/// one manifest with a step pinned to every device, and of as many single-step deployments at once.
struct DeployBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Deploy push at scale: one manifest pinned across a simulated fleet, timed until every device acknowledged.",
        discussion: """
            Starts the simulated devices in this process (each on its own address 127.77.x.y; they register, \
            answer their description and /health, and take POST /deploy: they download and verify every \
            module but run no Wasm), then `tide server` as a child process with the bundled registry. Each \
            trial applies a fresh deployment with wait=true, checks that it is active and that every device \
            received exactly one node, reads the server's events to split the time into phases, and removes \
            it. Prints JSON; progress goes to stderr unless --json is given. Use a release build.
            """)

    @Option(help: "Simulated devices; the manifest pins one step to each.") var devices = 1000
    @Option(help: "Deploys of the one manifest to time (each a fresh deployment, removed afterwards).") var trials = 5
    @Option(help: "Rounds of one single-step deployment per device, applied concurrently; 0 skips this variant.")
    var concurrentTrials = 3
    @Option(help: "Rolling updates of the one manifest, 10% of the devices at a time, each followed by one aborted after three stages and reverted; 0 skips this variant.")
    var rolloutTrials = 1
    @Option(help: ArgumentHelp(
        "Downloads skipped when a blob was fetched before: none (every node downloads its module), device (each device caches by digest, as a Tide supervisor does), process (one cache for the whole fleet).",
        valueName: "mode"))
    var blobCache: SimulatedDeployAgent.BlobCache = .none
    @Option(help: ArgumentHelp("The bundled registry the server loads (it must hold fibo 1.1).", valueName: "dir"))
    var registry = "registry"
    @Option(help: ArgumentHelp("The server's --deploy-timeout.", valueName: "seconds")) var deployTimeout = 30.0
    @Flag(inversion: .prefixedNo, help: "Price the server's dominant operations on the returned deployment (JSON encoding, store writes, description decoding) in this process.")
    var costs = true
    @Flag(help: "Print only the JSON report (no progress lines on stderr).") var json = false
    @Flag(help: "Run twice in this invocation: over plain HTTP, then with the server on HTTPS (fleet CA) and the simulated devices enrolled (HTTPS with a fleet certificate, pushes over mutual TLS); report both and the ratios of server CPU and wall time.")
    var tls = false

    static let goalMilliseconds = 2000.0

    func validate() throws {
        guard (1...60_000).contains(devices) else { throw ValidationError("--devices must be 1-60,000") }
        guard trials >= 1, concurrentTrials >= 0, rolloutTrials >= 0 else {
            throw ValidationError("--trials must be at least 1, --concurrent-trials and --rollout-trials at least 0")
        }
        guard deployTimeout > 0 else { throw ValidationError("--deploy-timeout must be > 0") }
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registry, isDirectory: &directory), directory.boolValue else {
            throw ValidationError("no registry directory at \(registry); run from the repository root or pass --registry <dir>")
        }
    }

    func run() async throws {
        do {
            let plain = try await variant(tls: false)
            guard tls else { return print(try TideJSON.text(plain)) }
            let secure = try await variant(tls: true)
            print(try TideJSON.text(DeployBenchmarkReport.TLSComparison(plain: plain, mutualTLS: secure)))
        } catch let error as DeployBenchmarkError {
            throw BenchFailure(error.description)
        }
    }

    /// One whole run: a fresh data directory, simulated fleet and server, over plain HTTP or TLS.
    private func variant(tls: Bool) async throws -> DeployBenchmarkReport {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let fleetTLS = tls ? try DeployBenchmarkFleetCA.prepare(in: directory) : nil

        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        // Every simulated device downloads over its own connection, as separate devices would.
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: devices + 16)
        if let fleetTLS { configuration.tlsConfiguration = fleetTLS.trust }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let outcome: Result<DeployBenchmarkReport, any Error>
        do {
            outcome = .success(try await measure(client: client, directory: directory, fleetTLS: fleetTLS))
        } catch {
            outcome = .failure(error)
        }
        try? await client.shutdown()
        return try outcome.get()
    }

    private func measure(client: HTTPClient, directory: String, fleetTLS: DeployBenchmarkFleetCA?) async throws -> DeployBenchmarkReport {
        // Enrolled devices are never sent the supervisor token; token devices check it.
        let supervisorToken = UUID().uuidString
        let agent = SimulatedDeployAgent(token: fleetTLS == nil ? supervisorToken : nil, cache: blobCache, client: client)
        let port = 43_000 + Int.random(in: 0..<2000)
        let fleet = try await SimulatedFleet.start(count: devices, port: port, agent: agent, tls: fleetTLS?.deviceContext)
        let outcome: Result<DeployBenchmarkReport, any Error>
        do {
            outcome = .success(try await measure(
                fleet: fleet, agent: agent, client: client, directory: directory, token: supervisorToken, tls: fleetTLS != nil))
        } catch {
            outcome = .failure(error)
        }
        await fleet.shutdown()
        return try outcome.get()
    }

    private func measure(
        fleet: SimulatedFleet, agent: SimulatedDeployAgent, client: HTTPClient, directory: String, token: String, tls: Bool
    ) async throws -> DeployBenchmarkReport {
        let registryPath = URL(fileURLWithPath: registry).standardizedFileURL.path
        // Every device's single-step deployment is applied at once: the placement queue must hold them all.
        let settings = [
            "--no-mdns", "--registry", registryPath, "--supervisor-token", "<token>", "--deploy-timeout", "\(deployTimeout)",
            "--max-waiting-plans", "\(devices)",
        ]
        if tls {
            // Enrolled devices cannot register by address: they are put in the inventory as if
            // their first heartbeat had registered them.
            try DeployBenchmarkFleetCA.enroll(fleet, in: directory)
        }
        let server = try ServerProcess.start(arguments: [
            "server", "--data-dir", directory, "--port", "0", "--log-level", "notice",
        ] + (tls ? [] : ["--insecure-http"]) + settings.map { $0 == "<token>" ? token : $0 })
        defer { stop(server) }
        guard let operatorToken = try OperatorToken.read(at: directory + "/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token in \(directory)")
        }
        let api = DeployBenchmarkAPI(base: "\(tls ? "https" : "http")://127.0.0.1:\(server.port)", token: operatorToken, client: client)

        progress(tls ? "waiting for \(devices) enrolled simulated devices" : "registering \(devices) simulated devices")
        let registration = tls ? try await waitAlive(fleet, api: api, since: .now) : try await register(fleet, api: api)
        let trials = DeployBenchmarkTrials(api: api, members: fleet.members, agent: agent)
        let manifest = DeployBenchmarkTrials.manifest(name: "bench-deploy-plan", members: fleet.members)
        progress("plan dry run")
        let plan = try await trials.planDryRun(manifest)

        var single: [DeployBenchmarkReport.ManifestTrial] = []
        var answered = ByteBuffer()
        let cpuBefore = server.cpuSeconds()
        for trial in 0..<self.trials {
            let (result, body) = try await trials.oneManifest(trial: trial)
            progress("one manifest, trial \(trial + 1): \(Int(result.wallMilliseconds)) ms (server \(Int(result.serverMilliseconds)) ms)")
            single.append(result)
            answered = body
        }
        let serverCPU = (server.cpuSeconds() - cpuBefore) / Double(self.trials)
        var concurrent: [DeployBenchmarkReport.ConcurrentTrial] = []
        for trial in 0..<concurrentTrials {
            let result = try await trials.concurrentSingleSteps(trial: trial)
            progress("\(devices) single-step deployments at once, trial \(trial + 1): \(Int(result.wallMilliseconds)) ms")
            concurrent.append(result)
        }

        var rollouts: [DeployBenchmarkRollout.Trial] = []
        for trial in 0..<rolloutTrials {
            let result = try await DeployBenchmarkRollout(api: api, members: fleet.members).run(trial: trial)
            progress(
                "rolling update in \(result.stages) stages, trial \(trial + 1): done in \(Int(result.doneWallMilliseconds)) ms, "
                    + "aborted after \(result.abortedAfterStages) stages and reverted in \(Int(result.abortToRevertedMilliseconds)) ms")
            rollouts.append(result)
        }

        var costs: DeployBenchmarkCosts?
        if self.costs {
            progress("pricing the deployment's encoding and store writes")
            costs = try DeployBenchmarkCosts.measure(
                deploymentJSON: Array(answered.readableBytesView), members: fleet.members, directory: directory)
        }

        let oneManifest = Self.variant(
            "one manifest, \(devices) steps pinned one per device, POST /api/v1/deployments with wait=true", single,
            wall: \.wallMilliseconds, server: \.serverMilliseconds)
        let concurrentVariant = concurrent.isEmpty ? nil : Self.variant(
            "\(devices) single-step deployments, one per device, applied concurrently with wait=true", concurrent,
            wall: \.wallMilliseconds, server: \.serverMilliseconds)
        var goals = ["oneManifestUnder2s": oneManifest.wallP50Milliseconds < Self.goalMilliseconds]
        if let concurrentVariant { goals["concurrentUnder2s"] = concurrentVariant.wallP50Milliseconds < Self.goalMilliseconds }
        return DeployBenchmarkReport(
            transport: tls ? "https, devices enrolled (mutual TLS)" : "http", devices: devices, blobCache: blobCache.rawValue,
            downloadsCached: blobCache != .none, serverCPUSecondsPerManifestTrial: serverCPU,
            serverSettings: settings.joined(separator: " ") + " (probes and heartbeat timeouts at their defaults)",
            registrationSeconds: registration, manifestBytes: manifest.utf8.count, planDryRun: plan, oneManifest: oneManifest,
            concurrentSingleSteps: concurrentVariant, rollout: rolloutTrials == 0 ? nil : rollouts, costs: costs, goalMilliseconds: Self.goalMilliseconds, goals: goals)
    }

    /// Registers every device (50 at a time) and waits until the server lists all of them alive; seconds taken.
    private func register(_ fleet: SimulatedFleet, api: DeployBenchmarkAPI) async throws(DeployBenchmarkError) -> Double {
        let started = ContinuousClock.now
        let members = fleet.members
        let port = fleet.port
        let failures = await withTaskGroup(of: DeployBenchmarkError?.self) { group in
            for chunk in stride(from: 0, to: members.count, by: 50) {
                let slice = members[chunk..<min(members.count, chunk + 50)]
                group.addTask {
                    for member in slice {
                        do throws(DeployBenchmarkError) { try await api.register(member, port: port) } catch { return error }
                    }
                    return nil
                }
            }
            var failures: [DeployBenchmarkError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let failure = failures.first { throw failure }
        return try await waitAlive(fleet, api: api, since: started)
    }

    /// Waits until the server lists every simulated device alive; seconds since `started`.
    private func waitAlive(_ fleet: SimulatedFleet, api: DeployBenchmarkAPI, since started: ContinuousClock.Instant)
        async throws(DeployBenchmarkError) -> Double
    {
        let members = fleet.members
        let deadline = ContinuousClock.now + .seconds(60)
        var alive = 0
        while ContinuousClock.now < deadline {
            alive = try await api.aliveDevices(prefix: "sim-")
            if alive == members.count { return (ContinuousClock.now - started).inSeconds }
            try? await Task.sleep(for: .milliseconds(200))
        }
        throw .check("only \(alive) of \(members.count) simulated devices are alive 60 s after registering")
    }

    private static func variant<Trial: Encodable>(
        _ description: String, _ trials: [Trial], wall: KeyPath<Trial, Double>, server: KeyPath<Trial, Double>
    ) -> DeployBenchmarkReport.Variant<Trial> {
        let walls = trials.map { $0[keyPath: wall] }.sorted()
        let servers = trials.map { $0[keyPath: server] }.sorted()
        return DeployBenchmarkReport.Variant(
            description: description, trials: trials, wallP50Milliseconds: Percentile.of(walls, 0.5),
            wallMinMilliseconds: walls.first ?? 0, wallMaxMilliseconds: walls.last ?? 0,
            serverP50Milliseconds: Percentile.of(servers, 0.5))
    }

    /// SIGTERM, then SIGKILL after 10 s: a server whose graceful shutdown hangs must not hang the benchmark.
    private func stop(_ server: ServerProcess) {
        let process = server.process
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning {
            progress("the server did not stop within 10 s of SIGTERM; killing it")
            kill(process.processIdentifier, SIGKILL)
        }
        server.stop()
    }

    private func progress(_ line: String) {
        guard !json else { return }
        FileHandle.standardError.write(Data("bench deploy: \(line)\n".utf8))
    }
}

extension SimulatedDeployAgent.BlobCache: ExpressibleByArgument {}
