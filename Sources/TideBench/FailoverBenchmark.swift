import ArgumentParser
import Foundation
import TideModel

/// `tide-bench failover`: a `tide server` and real `tide supervisor` processes on loopback run a
/// three-step pipeline; the device of the middle step is SIGKILLed and the benchmark times until
/// the pipeline runs again through another device. `--soak` instead kills and reboots devices at
/// random for a while and checks that nothing went wrong.
struct FailoverBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "failover",
        abstract: "Failover with real processes: SIGKILL the device of a pipeline step, time until the pipeline runs again elsewhere.",
        discussion: """
            Starts `tide server` (default health and reconcile settings, the bundled registry, no mDNS) and \
            `tide supervisor` processes on 127.0.0.1, labels them role=<name> and deploys `pipe`: first on \
            sup-a, middle anywhere but sup-a and sup-c, last on sup-c (three fibo steps, n=6 gives 10946).

            Default mode (5 supervisors): each trial SIGKILLs the device of `middle` and runs the pipeline \
            (each attempt with --run-timeout, then --pause-ms) until a run succeeds with `middle` elsewhere; \
            the server's events split that time into detection (SIGKILL to dead) and re-placement (dead to \
            active). The killed supervisor is replaced by a fresh one (new data directory and port: a new \
            device), so the pool of capable devices stays the same and no device is damped for flapping.

            --soak SECONDS (6 supervisors): a client runs the pipeline one run after another while, every \
            20-40 s (seeded by --seed), one of the four middle-capable supervisors is SIGKILLed or SIGSTOPped \
            (never while fewer than two of them are alive) and, 5-15 s later, restarted with its data \
            directory and port (a reboot) or continued (SIGCONT). Reports runs and their success rate, the \
            latency that runs retried through a new placement added over clean runs (p50, p99), the longest \
            outage, moves that were not failovers of a failed device, damped devices, and whether the \
            deployment, its placement and the devices are clean at the end.

            Children are started under `setpriv --pdeathsig KILL`, so they die with the benchmark even when \
            it is SIGKILLed (without setpriv they would be left running; the report says which). The working \
            directory (data and logs) is removed afterwards unless --keep is given or something went wrong. \
            Prints JSON; progress goes to stderr unless --json. Use a release build.
            """)

    @Option(help: "Failover trials in the default mode.") var trials = 20
    @Option(help: ArgumentHelp("Run the soak mode for this long instead of trials (the issue asks for 600).", valueName: "seconds"))
    var soak: Int?
    @Option(help: "Seed of the soak's kill schedule (default: random; the report gives it).") var seed: UInt64?
    @Option(help: ArgumentHelp(
        "How long the client waits for one pipeline run (default 2; with --soak 70: a run may wait up to 60 s for a step to move).",
        valueName: "seconds"))
    var runTimeout: Double?
    @Option(help: ArgumentHelp("Pause after a failed run (and between soak runs).", valueName: "ms")) var pauseMs = 50
    @Option(help: ArgumentHelp("A trial fails when the pipeline has not run again after this long.", valueName: "seconds"))
    var giveUp = 60
    @Option(help: ArgumentHelp("The bundled registry the server loads (it must hold fibo 1.1).", valueName: "dir"))
    var registry = "registry"
    @Flag(help: "Keep the working directory (server and supervisor data and logs).") var keep = false
    @Flag(help: "Print only the JSON report (no progress lines on stderr).") var json = false

    static let goalMilliseconds = 3000.0

    /// `--run-timeout`, or its default for the mode.
    var runSeconds: Double { runTimeout ?? (soak == nil ? 2 : 70) }

    func validate() throws {
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
        if let soak, soak < 30 { throw ValidationError("--soak must be at least 30 seconds (the first kill comes after 20-40 s)") }
        guard runTimeout.map({ $0 > 0 }) ?? true, pauseMs >= 0, giveUp >= 5 else {
            throw ValidationError("--run-timeout must be > 0, --pause-ms >= 0 and --give-up at least 5")
        }
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registry, isDirectory: &directory), directory.boolValue else {
            throw ValidationError("no registry directory at \(registry); run from the repository root or pass --registry <dir>")
        }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-failover-\(UUID().uuidString)").path
        let fleet = FailoverBenchmarkFleet(directory: directory, registry: URL(fileURLWithPath: registry).standardizedFileURL.path)
        let outcome: Result<(json: String, problems: Bool), FailoverBenchmarkError>
        do throws(FailoverBenchmarkError) {
            outcome = .success(try await measure(fleet))
        } catch {
            outcome = .failure(error)
        }
        await fleet.stopAll()
        switch outcome {
        case .success(let (report, problems)):
            if keep || problems {
                progress("data and logs kept in \(directory)")
            } else {
                try? FileManager.default.removeItem(atPath: directory)
            }
            print(report)
        case .failure(let error):
            throw BenchFailure("\(error)\nthe servers' data and logs are kept in \(directory)")
        }
    }

    private func measure(_ fleet: FailoverBenchmarkFleet) async throws(FailoverBenchmarkError) -> (json: String, problems: Bool) {
        if !FailoverBenchmarkSpawner.shared.childrenDieWithBenchmark {
            progress("no setpriv on this machine: if the benchmark is killed, its child processes keep running")
        }
        progress("starting tide server")
        let api = try await fleet.startServer()
        let names = ["sup-a", "sup-b", "sup-c", "sup-d", "sup-e"] + (soak == nil ? [] : ["sup-f"])
        for name in names {
            progress("starting supervisor \(name)")
            try await fleet.addSupervisor(name)
        }
        guard let a = await fleet.supervisor("sup-a"), let c = await fleet.supervisor("sup-c") else {
            throw .child("sup-a or sup-c did not start")
        }
        let deployment = try await api.apply(Self.manifest(avoiding: [a.id, c.id]))
        guard deployment.status == .active else {
            throw .neverRecovered(
                "the pipeline deployment is \(deployment.status.rawValue), not active: \(deployment.reason ?? "no reason given")",
                evidence: await api.evidence())
        }
        let first = await api.run(timeout: .seconds(30))
        guard first.success else {
            throw .neverRecovered("the first run of the pipeline failed: \(first.failure ?? "") \(first.detail ?? "")", evidence: await api.evidence())
        }
        let settings = await fleet.serverSettings.filter { $0 != "<token>" && $0 != "--supervisor-token" }.joined(separator: " ")
            + " (everything else at its default)"
        if let soak {
            let runner = FailoverBenchmarkSoakRunner(
                fleet: fleet, api: api, seconds: soak, seed: seed ?? UInt64.random(in: 0...UInt64.max),
                runTimeout: .milliseconds(Int(runSeconds * 1000)), pause: .milliseconds(pauseMs), settings: settings,
                progress: progress)
            return try await runner.run(initial: deployment)
        }
        let trials = FailoverBenchmarkTrials(
            fleet: fleet, api: api, runTimeout: .milliseconds(Int(runSeconds * 1000)), pause: .milliseconds(pauseMs),
            giveUp: .seconds(giveUp), progress: progress)
        let results = try await trials.run(self.trials)
        let recovery = FailoverBenchmarkReport.Figures(results.map(\.recoveryMilliseconds))
        let report = FailoverBenchmarkReport(
            supervisors: names.count, serverSettings: settings, runTimeoutMilliseconds: runSeconds * 1000,
            pauseMilliseconds: Double(pauseMs), childrenDieWithBenchmark: FailoverBenchmarkSpawner.shared.childrenDieWithBenchmark,
            recovery: recovery, detection: .init(results.compactMap(\.detectionMilliseconds)),
            replacement: .init(results.compactMap(\.replacementMilliseconds)), goalP99Milliseconds: Self.goalMilliseconds,
            goalMet: recovery.p99Milliseconds <= Self.goalMilliseconds, trials: results)
        return (try Self.encode(report), false)
    }

    /// first on sup-a, middle anywhere but sup-a and sup-c, last on sup-c.
    static func manifest(avoiding devices: [DeviceID]) -> String {
        """
        name: \(FailoverBenchmarkAPI.deployment)
        steps:
          - name: first
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: sup-a } }
          - name: middle
            module: fibo@^1.1
            function: fibo
            require: { avoid: [\(devices.map(\.rawValue).joined(separator: ", "))] }
          - name: last
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: sup-c } }
        """
    }

    static func encode(_ report: some Encodable) throws(FailoverBenchmarkError) -> String {
        do { return try TideJSON.text(report) } catch { throw .child("cannot encode the report: \(error)") }
    }

    private var progress: @Sendable (String) -> Void {
        let quiet = json
        return { line in
            guard !quiet else { return }
            FileHandle.standardError.write(Data("bench failover: \(line)\n".utf8))
        }
    }
}
