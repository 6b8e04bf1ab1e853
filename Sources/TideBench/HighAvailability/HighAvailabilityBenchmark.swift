import ArgumentParser
import AsyncHTTPClient
import Foundation
import TideHTTP
import TideModel

/// `tide-bench ha` (issue 19): three `tide server` replicas on one PostgreSQL database and a
/// simulated fleet that heartbeats to them; times leader failover and a device crash while a
/// replica is down, and measures API throughput and PostgreSQL load with one and three replicas.
struct HighAvailabilityBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ha",
        abstract: "High availability: leader SIGKILL to reconciliation, device crash with a replica down, API throughput with 1 and 3 replicas.",
        discussion: """
            Creates a fresh database through --datastore (an admin URL whose role may CREATE DATABASE; run \
            through scripts/postgres-env and pass $TIDE_TEST_POSTGRES), starts --devices simulated devices in \
            this process (each on its own 127.77.x.y address; they answer /health and their description and \
            take POST /deploy without running Wasm; each answer closes its connection unless --devices-keep-alive), and three `tide server` \
            replicas (r1-r3, fixed ports, --lease-ttl) as child processes. The devices are registered through \
            the replicas in turn, each heartbeating from then on every --heartbeat-interval, device i first to \
            replica i mod 3, moving to the next URL after two failed heartbeats and to the replica an answer \
            names as the device's watcher, as supervisors given every replica's URL do (heartbeats.movesToWatcher). \
            The heartbeats go over 64 kept-open connections per replica, pipelined, 1,024 devices' at a time \
            (a slow answer stretches the interval of the devices behind it instead of piling up requests). Steady run (--steady-seconds): heartbeats only; their rate and latency, the events \
            written (none is expected), replica CPU and PostgreSQL load.

            Leader trials: SIGKILL the leader, poll the survivors until one leads with reconcilingSince after \
            the kill; restart the killed replica (same id, port, data) and wait until all three are listed. \
            Crash trials: with a one-step deployment placed, SIGKILL a replica that does not lead, crash the \
            device running the step (its listener closes, heartbeats stop) and time until the deployment is \
            active with the step running on another device that received the node (and, from the events, until \
            the device was dead and the step moved: crashTrials[].deadMilliseconds, movedMilliseconds; \
            watchedByReplicaDown says whether the replica that was down had watched the device, and \
            deviceCrashWatchedByReplicaDown / deviceCrashWatchedByALiveReplica give the figures of each group). \
            Throughput: --concurrency \
            clients for --load-seconds on GET /api/v1/devices and on label changes, spread over 3 replicas, \
            then over 1 (the other two stopped), with pg_stat_database deltas and pg_stat_activity \
            connections. Prints JSON (also to --json-out); progress on stderr unless --json. Use a release build.
            """)

    @Option(help: "Admin PostgreSQL URL (default: $TIDE_TEST_POSTGRES); the benchmark creates and drops its own database.")
    var datastore: String?
    @Option(help: "Simulated devices.") var devices = 10_000
    @Option(help: "Leader failover trials.") var trials = 20
    @Option(help: "Device crash trials (each with a replica down).") var crashTrials = 5
    @Option(help: ArgumentHelp("The replicas' --lease-ttl.", valueName: "seconds")) var leaseTTL = 3.0
    @Option(help: ArgumentHelp("Between heartbeats of each simulated device.", valueName: "seconds")) var heartbeatInterval = 1.0
    @Option(help: ArgumentHelp(
        "The replicas' --heartbeat-timeout (default: theirs, 1.2 s, with a heartbeat each second; 1.2 x --heartbeat-interval for longer intervals).",
        valueName: "seconds"))
    var heartbeatTimeout: Double?
    @Option(help: ArgumentHelp("The replicas' --log-level (their logs are in the working directory; see --keep).", valueName: "level"))
    var replicaLogLevel = "notice"
    @Option(help: "Concurrent API clients in the throughput runs.") var concurrency = 8
    @Option(help: ArgumentHelp("Length of each throughput run.", valueName: "seconds")) var loadSeconds = 10.0
    @Option(help: ArgumentHelp("Length of the steady run (heartbeats only, nothing failing) before the trials.", valueName: "seconds"))
    var steadySeconds = 20.0
    @Option(help: ArgumentHelp("A trial fails when nothing recovered after this long.", valueName: "seconds")) var giveUp = 60
    @Option(help: ArgumentHelp("The bundled registry the replicas load (it must hold fibo 1.1).", valueName: "dir"))
    var registry = "registry"
    @Option(help: ArgumentHelp("Also write the JSON report to this file.", valueName: "file")) var jsonOut: String?
    @Flag(help: ArgumentHelp(
        "The simulated devices keep connections open between requests, as Tide supervisors do (default: each answer closes its connection, as wasmiot supervisors do); this process then needs 4 x --devices + 2,048 open files."))
    var devicesKeepAlive = false
    @Flag(help: "Keep the working directory (replica data and logs).") var keep = false
    @Flag(help: "Print only the JSON report (no progress lines on stderr).") var json = false

    static let leaderGoalMilliseconds = 5000.0
    static let crashGoalMilliseconds = 3000.0

    func validate() throws {
        guard (1...60_000).contains(devices) else { throw ValidationError("--devices must be 1-60,000") }
        guard trials >= 1, crashTrials >= 0 else { throw ValidationError("--trials must be at least 1, --crash-trials at least 0") }
        guard (heartbeatTimeout ?? 1) > 0 else { throw ValidationError("--heartbeat-timeout must be more than 0") }
        guard leaseTTL >= 0.3, heartbeatInterval > 0, concurrency >= 1, loadSeconds > 0, steadySeconds > 0, giveUp >= 5 else {
            throw ValidationError("--lease-ttl >= 0.3, --heartbeat-interval, --load-seconds and --steady-seconds > 0, --concurrency >= 1, --give-up >= 5")
        }
        guard !(datastore ?? ProcessInfo.processInfo.environment["TIDE_TEST_POSTGRES"] ?? "").isEmpty else {
            throw ValidationError("--datastore postgres://... is required (or run through scripts/postgres-env, which sets TIDE_TEST_POSTGRES)")
        }
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registry, isDirectory: &directory), directory.boolValue else {
            throw ValidationError("no registry directory at \(registry); run from the repository root or pass --registry <dir>")
        }
    }

    func run() async throws {
        let admin = datastore ?? ProcessInfo.processInfo.environment["TIDE_TEST_POSTGRES"] ?? ""
        let database = try await HighAvailabilityDatabase.create(admin: admin)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-ha-\(UUID().uuidString)").path
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(2)
        configuration.connectionPool = .init(idleTimeout: ClientConnections.idleTimeout, concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        // Its own connection pool: the heartbeats' connections do not queue the load's requests.
        var loadConfiguration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5)))
        loadConfiguration.connectionPool.idleTimeout = ClientConnections.idleTimeout
        let loadHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: loadConfiguration)
        let outcome: Result<String, any Error>
        do {
            outcome = .success(try await measure(database: database, directory: directory, http: http, loadHTTP: loadHTTP))
        } catch {
            outcome = .failure(error)
        }
        try? await http.shutdown()
        try? await loadHTTP.shutdown()
        await database.drop()
        switch outcome {
        case .success(let report):
            if !keep { try? FileManager.default.removeItem(atPath: directory) }
            if let jsonOut {
                do { try Data((report + "\n").utf8).write(to: URL(fileURLWithPath: jsonOut)) } catch {
                    throw BenchFailure("cannot write \(jsonOut): \(error)")
                }
            }
            print(report)
        case .failure(let error):
            throw BenchFailure("\(error)\nthe replicas' data and logs are kept in \(directory)")
        }
    }

    private func measure(database: HighAvailabilityDatabase, directory: String, http: HTTPClient, loadHTTP: HTTPClient) async throws -> String {
        // A listener per device, the connections the replicas have open to devices at a time
        // (each answer closes its connection; with keep-alive, one per device and replica that
        // probed it or deployed to it lately, and replicas take over each other's devices in the
        // trials), the heartbeats' and the load's connections. libdispatch aborts the process
        // when it cannot open a descriptor, so the estimate errs high.
        let files = UInt64(devices) * (devicesKeepAlive ? 4 : 1) + (devicesKeepAlive ? 0 : UInt64(devices) / 4) + 2048
        guard let limit = FileDescriptorLimit.raise(to: files), limit >= files else {
            throw BenchFailure(
                "\(devices) simulated devices need \(files) open files, and the limit is \(FileDescriptorLimit.current()?.soft ?? 0): "
                    + "raise it (ulimit -n \(files)) or run fewer --devices")
        }
        let supervisorToken = UUID().uuidString
        let agent = SimulatedDeployAgent(token: supervisorToken, cache: .process, client: http)
        progress("starting \(devices) simulated devices")
        let fleet = try await SimulatedFleet.start(
            count: devices, port: 43_000 + Int.random(in: 0..<2000), agent: agent, closeEachConnection: !devicesKeepAlive,
            threads: ProcessInfo.processInfo.activeProcessorCount)
        let settings = [
            "--insecure-http", "--no-mdns", "--registry", URL(fileURLWithPath: registry).standardizedFileURL.path,
            "--datastore", database.url, "--lease-ttl", String(leaseTTL), "--supervisor-token", supervisorToken,
            "--deploy-timeout", "5", "--log-level", replicaLogLevel,
        ] + (replicaHeartbeatTimeout.map { ["--heartbeat-timeout", String($0)] } ?? [])
        let replicas: HighAvailabilityReplicas
        do {
            replicas = try HighAvailabilityReplicas(directory: directory, settings: settings)
        } catch {
            await fleet.shutdown()
            throw error
        }
        let outcome: Result<String, any Error>
        do {
            outcome = .success(try await measure(
                fleet: fleet, agent: agent, replicas: replicas, database: database, http: (http, loadHTTP), settings: settings,
                supervisorToken: supervisorToken))
        } catch {
            outcome = .failure(error)
        }
        await replicas.stopAll()
        await fleet.shutdown()
        return try outcome.get()
    }

    /// Heartbeats further apart than a second need a longer silence before a probe.
    private var replicaHeartbeatTimeout: Double? {
        heartbeatTimeout ?? (heartbeatInterval > 1 ? heartbeatInterval * 1.2 : nil)
    }

    private func measure(
        fleet: SimulatedFleet, agent: SimulatedDeployAgent, replicas: HighAvailabilityReplicas, database: HighAvailabilityDatabase,
        http clients: (fleet: HTTPClient, load: HTTPClient), settings: [String], supervisorToken: String
    ) async throws -> String {
        let http = clients.fleet
        for id in ["r1", "r2", "r3"] {
            progress("starting replica \(id)")
            try await replicas.add(id)
        }
        _ = try await replicas.waitSettled()
        let token = await replicas.operatorToken
        let urls = await replicas.urls
        let heartbeats = try HighAvailabilityHeartbeats(
            urls: urls, interval: .milliseconds(Int(heartbeatInterval * 1000)), token: supervisorToken, agent: agent)
        let beating = Task { await heartbeats.run() }
        defer { beating.cancel() }
        progress("registering \(devices) simulated devices through the replicas")
        let registration = try await register(fleet, urls: urls, token: token, http: http, heartbeats: heartbeats)
        let beatingSince = ContinuousClock.now
        let countedBefore = heartbeats.counts
        try await Task.sleep(for: .seconds(2 * heartbeatInterval + 1))
        let steady = try await measureSteady(heartbeats: heartbeats, replicas: replicas, database: database)
        progress(
            "steady: \(Int(steady.heartbeatsPerSecond)) heartbeats/s (\(Int(steady.heartbeatsOfExpected * 100))% of expected), "
                + "\(steady.events.values.reduce(0, +)) events, \(String(format: "%.2f", steady.replicaCPUCores)) replica cores")

        let trials = HighAvailabilityTrials(
            replicas: replicas, fleet: fleet, agent: agent, heartbeats: heartbeats, giveUp: .seconds(giveUp), progress: progress)
        var leaderTrials: [HighAvailabilityReport.LeaderTrial] = []
        for trial in 0..<self.trials { leaderTrials.append(try await trials.leaderFailover(trial: trial)) }

        var crashTrials: [HighAvailabilityReport.CrashTrial] = []
        if self.crashTrials > 0 {
            progress("deploying a one-step deployment")
            _ = try await trials.deploy()
            for trial in 0..<self.crashTrials { crashTrials.append(try await trials.deviceCrash(trial: trial)) }
        }

        var throughput: [HighAvailabilityReport.Throughput] = []
        let labelled = Array(fleet.members.prefix(200).map(\.id))
        for count in [3, 1] {
            if count == 1 {
                let leader = try await replicas.waitSettled()
                for id in await replicas.running where id != leader {
                    progress("stopping replica \(id) for the one-replica throughput run")
                    await replicas.stop(id)
                }
                _ = try await replicas.waitSettled()
            }
            let running = await replicas.running
            let load = HighAvailabilityLoad(
                urls: await replicas.runningURLs, token: token, http: clients.load, concurrency: concurrency,
                seconds: loadSeconds, database: database, devices: labelled)
            for route in [HighAvailabilityLoad.Route.listDevices, .labelDevice] {
                let result = try await load.measure(route) {
                    var total = 0.0
                    for id in running { total += await replicas.cpuSeconds(id) }
                    return total
                }
                progress("\(route.rawValue), \(count) replica(s): \(Int(result.requestsPerSecond)) requests/s, \(result.failed) failed")
                throughput.append(result)
            }
        }
        beating.cancel()
        await heartbeats.close()
        let beatingFor = (ContinuousClock.now - beatingSince).inSeconds
        let sent = heartbeats.counts.since(countedBefore)

        var scaling: [String: Double] = [:]
        for route in Set(throughput.map(\.route)) {
            guard let three = throughput.first(where: { $0.route == route && $0.replicas == 3 }),
                let one = throughput.first(where: { $0.route == route && $0.replicas == 1 }), one.requestsPerSecond > 0
            else { continue }
            scaling[route] = three.requestsPerSecond / one.requestsPerSecond
        }
        let leader = HighAvailabilityReport.Figures(leaderTrials.map(\.reconcilingMilliseconds), goal: Self.leaderGoalMilliseconds)
        let crash = Self.figures(crashTrials)
        var goals = ["leaderFailoverP99Under5s": leader.goalMet]
        if let crash { goals["deviceCrashWithReplicaDownP99Under3s"] = crash.goalMet }
        let report = HighAvailabilityReport(
            build: BuildMode.current, devices: devices, replicas: 3, leaseTTLSeconds: leaseTTL,
            serverSettings: settings.map { $0 == supervisorToken ? "<token>" : ($0 == database.url ? "<database>" : $0) }
                .joined(separator: " ") + " (the rest at their defaults)",
            devicesKeepAlive: devicesKeepAlive,
            registrationSeconds: registration, steady: steady, leaderFailover: leader,
            leaderFailoverObserved: .init(leaderTrials.map(\.observedMilliseconds), goal: Self.leaderGoalMilliseconds),
            deviceCrashWhileReplicaDown: crash,
            deviceCrashWatchedByReplicaDown: Self.figures(crashTrials.filter(\.watchedByReplicaDown)),
            deviceCrashWatchedByALiveReplica: Self.figures(crashTrials.filter { !$0.watchedByReplicaDown }),
            throughput: throughput, throughputScaling: scaling,
            heartbeats: .init(
                intervalSeconds: heartbeatInterval, sent: sent.sent, failed: sent.failed, movesToAnotherReplica: sent.moves,
                movesToWatcher: sent.watcherMoves,
                meanMilliseconds: sent.sent == 0 ? 0 : sent.seconds * 1000 / Double(sent.sent), failures: sent.failures,
                ofExpected: Double(sent.sent) / (beatingFor * Double(devices) / heartbeatInterval)),
            leaderTrials: leaderTrials, crashTrials: crashTrials, goals: goals)
        return try TideJSON.text(report)
    }

    /// Heartbeats only, for --steady-seconds: their rate and latency, the events written (none
    /// is expected: nothing fails), replica CPU and PostgreSQL load.
    private func measureSteady(
        heartbeats: HighAvailabilityHeartbeats, replicas: HighAvailabilityReplicas, database: HighAvailabilityDatabase
    ) async throws -> HighAvailabilityReport.Steady {
        progress("steady run: heartbeats only for \(steadySeconds) s")
        let running = await replicas.running
        func cpu() async -> Double {
            var total = 0.0
            for id in running { total += await replicas.cpuSeconds(id) }
            return total
        }
        let lastEvent = try await database.lastEventID()
        let counters = try await database.counters()
        let sent = heartbeats.counts
        let cpuBefore = await cpu()
        let started = ContinuousClock.now
        var connections: [Int] = []
        while ContinuousClock.now < started + .milliseconds(Int(steadySeconds * 1000)) {
            try await Task.sleep(for: .seconds(1))
            if let now = try? await database.counters() { connections.append(now.connections) }
        }
        let wall = (ContinuousClock.now - started).inSeconds
        let after = heartbeats.counts
        let cores = (await cpu() - cpuBefore) / wall
        let postgres = HighAvailabilityReport.Postgres(from: counters, to: try await database.counters(), seconds: wall, connections: connections)
        let count = after.sent - sent.sent
        return HighAvailabilityReport.Steady(
            seconds: wall, heartbeatsPerSecond: Double(count) / wall,
            heartbeatsOfExpected: Double(count) / (wall * Double(devices) / heartbeatInterval), heartbeatsFailed: after.failed - sent.failed,
            heartbeatMeanMilliseconds: count == 0 ? 0 : (after.seconds - sent.seconds) * 1000 / Double(count),
            events: try await database.eventKinds(after: lastEvent), replicaCPUCores: cores, postgres: postgres)
    }

    /// Registers every device through the replicas in turn (32 at a time), each heartbeating from
    /// then on as a supervisor does, and waits until all are alive.
    private func register(
        _ fleet: SimulatedFleet, urls: [String], token: String, http: HTTPClient, heartbeats: HighAvailabilityHeartbeats
    ) async throws -> Double {
        let started = ContinuousClock.now
        let members = fleet.members
        let port = fleet.port
        let apis = urls.map { DeployBenchmarkAPI(base: $0, token: token, client: http) }
        let workers = 32
        let failures = await withTaskGroup(of: String?.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    for index in stride(from: worker, to: members.count, by: workers) {
                        do throws(DeployBenchmarkError) {
                            try await apis[index % apis.count].register(members[index], port: port)
                            await heartbeats.begin(members[index].id, index: index)
                        } catch {
                            return error.description
                        }
                    }
                    return nil
                }
            }
            var failures: [String] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let failure = failures.first { throw BenchFailure("registering the simulated devices: \(failure)") }
        let deadline = ContinuousClock.now + .seconds(120)
        var alive = 0
        while ContinuousClock.now < deadline {
            alive = (try? await apis[0].aliveDevices(prefix: "sim-")) ?? alive
            if alive == members.count { return (ContinuousClock.now - started).inSeconds }
            try? await Task.sleep(for: .milliseconds(500))
        }
        throw BenchFailure("only \(alive) of \(members.count) simulated devices are alive 120 s after registering")
    }

    private var progress: @Sendable (String) -> Void {
        let quiet = json
        return { line in
            guard !quiet else { return }
            FileHandle.standardError.write(Data("bench ha: \(line)\n".utf8))
        }
    }

    static func figures(_ trials: [HighAvailabilityReport.CrashTrial]) -> HighAvailabilityReport.Figures? {
        trials.isEmpty ? nil : HighAvailabilityReport.Figures(trials.map(\.milliseconds), goal: crashGoalMilliseconds)
    }
}
