import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import TideModel
import TideOrchestrator
import TidePlacement

/// `tide-bench plan`: the placement curve end to end. A `tide server` process with a simulated
/// fleet answers `POST /api/v1/plan` for pipelines of 500 to 10,000 steps; each size is timed, and
/// `/healthz` is timed while the plans run.
struct PlanBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Time POST /api/v1/plan for pipelines of 500 to 10,000 steps on a real server (goal: 10,000 steps under 2 s).",
        discussion: """
            Starts simulated devices in this process and `tide server` as a child process with the bundled \
            registry, registers the devices, then plans chains of fibo steps (each the input of the next, \
            about 60 bytes a step, as an operator would write them) and the same chains with every step \
            asking for spread. Each plan is timed from request to the last byte of the answer; /healthz is \
            asked every 20 ms meanwhile and its slowest answer reported. Prints JSON. Use a release build.
            """)

    @Option(help: "Simulated devices.") var devices = 8
    @Option(parsing: .upToNextOption, help: "Pipeline lengths to plan.") var steps = [500, 1000, 2000, 5000, 10_000]
    @Option(help: "Plans per length; the median is reported.") var trials = 3
    @Option(help: ArgumentHelp("The bundled registry the server loads (it must hold fibo 1.1).", valueName: "dir"))
    var registry = "registry"

    static let goalMilliseconds = 2000.0

    struct Run: Encodable {
        var steps: Int
        var spread: Bool
        var manifestBytes: Int
        var method: String
        /// End to end: request sent to the last byte of the answer.
        var medianMilliseconds: Double
        var maxMilliseconds: Double
        /// The solver alone, in this process, on the same pipeline and as many idle devices.
        var solverMilliseconds: Double
        var responseBytes: Int
        /// The slowest `/healthz` answer while this length was planned.
        var slowestHealthMilliseconds: Double
    }

    struct Report: Encodable {
        var benchmark = "plan"
        var build = BuildMode.current
        var devices: Int
        var goalMilliseconds = PlanBenchmarkCommand.goalMilliseconds
        var runs: [Run]
    }

    func validate() throws {
        guard (1...1000).contains(devices) else { throw ValidationError("--devices must be 1-1,000") }
        guard trials >= 1, !steps.isEmpty, steps.allSatisfy({ $0 >= 1 }) else {
            throw ValidationError("--trials and every --steps value must be at least 1")
        }
        var directory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: registry, isDirectory: &directory), directory.boolValue else {
            throw ValidationError("no registry directory at \(registry); run from the repository root or pass --registry <dir>")
        }
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString)").path
        let outcome: Result<Report, any Error>
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let fleet = try await SimulatedFleet.start(count: devices, port: 45_000 + Int.random(in: 0..<2000))
            do {
                outcome = .success(try await measure(fleet: fleet, client: client, directory: directory))
            } catch {
                outcome = .failure(error)
            }
            await fleet.shutdown()
        } catch {
            outcome = .failure(error)
        }
        try? FileManager.default.removeItem(atPath: directory)
        try? await client.shutdown()
        switch outcome {
        case .success(let report): print(try TideJSON.text(report))
        case .failure(let error as DeployBenchmarkError): throw BenchFailure(error.description)
        case .failure(let error): throw error
        }
    }

    private func measure(fleet: SimulatedFleet, client: HTTPClient, directory: String) async throws -> Report {
        let registryPath = URL(fileURLWithPath: registry).standardizedFileURL.path
        let largest = steps.max() ?? 0
        let server = try ServerProcess.start(arguments: [
            "server", "--insecure-http", "--data-dir", directory, "--port", "0", "--log-level", "notice", "--no-mdns", "--registry", registryPath,
            "--max-manifest-steps", "\(max(10_000, largest))", "--max-body-bytes", "\(max(1 << 20, largest * 80))",
            "--plan-time-limit", "300",
        ])
        defer { server.stop() }
        guard let token = try OperatorToken.read(at: directory + "/" + OperatorToken.fileName) else {
            throw BenchFailure("the benchmark server wrote no operator token in \(directory)")
        }
        let api = DeployBenchmarkAPI(base: "http://127.0.0.1:\(server.port)", token: token, client: client)
        for member in fleet.members { try await api.register(member, port: fleet.port) }
        let deadline = ContinuousClock.now + .seconds(30)
        while try await api.aliveDevices(prefix: "sim-") < fleet.members.count {
            guard ContinuousClock.now < deadline else { throw BenchFailure("the simulated devices did not all become alive within 30 s") }
            try await Task.sleep(for: .milliseconds(100))
        }
        var runs: [Run] = []
        for spread in [false, true] {
            for count in steps {
                runs.append(try await time(count, spread: spread, api: api))
                FileHandle.standardError.write(Data("planned \(count) steps\(spread ? " (spread)" : ""): \(runs.last?.medianMilliseconds ?? 0) ms\n".utf8))
            }
        }
        return Report(devices: fleet.members.count, runs: runs)
    }

    private func time(_ count: Int, spread: Bool, api: DeployBenchmarkAPI) async throws -> Run {
        let manifest = Self.manifest(steps: count, spread: spread)
        let health = HealthWatch(api: api)
        let watching = Task { await health.watch() }
        defer { watching.cancel() }
        var times: [Double] = []
        var method = ""
        var responseBytes = 0
        for _ in 0..<trials {
            let started = ContinuousClock.now
            let answer = try await api.send(
                .POST, "/api/v1/plan", body: manifest, contentType: "application/yaml", timeout: .seconds(600))
            times.append((answer.finished - started).inMilliseconds)
            guard answer.status == 200 else { throw DeployBenchmarkError.unexpected("planning \(count) steps", answer) }
            let response: PlanResponse = try api.decode(answer, as: "the plan")
            guard response.plan.steps.count == count else {
                throw BenchFailure("the plan of \(count) steps placed \(response.plan.steps.count)")
            }
            method = response.plan.method
            responseBytes = answer.body.readableBytes
        }
        watching.cancel()
        _ = await watching.value
        times.sort()
        return Run(
            steps: count, spread: spread, manifestBytes: manifest.utf8.count, method: method,
            medianMilliseconds: times[times.count / 2], maxMilliseconds: times.last ?? 0,
            solverMilliseconds: try Self.solverTime(steps: count, spread: spread, devices: devices), responseBytes: responseBytes,
            slowestHealthMilliseconds: await health.slowest)
    }

    /// The solver alone on the same chain over `devices` idle devices.
    static func solverTime(steps count: Int, spread: Bool, devices: Int) throws -> Double {
        let steps = (0..<count).map { index in
            PlacementStep(
                name: "s-\(index)", inputs: index == 0 ? [] : ["s-\(index - 1)"], preferences: StepPreferences(spread: spread))
        }
        let fleet = FleetIndex(FleetSnapshot(devices: (0..<devices).map { index in
            FleetDevice(
                id: DeviceID(String(format: "sim-%05d", index)), status: .alive, interfaces: [], imports: [], memoryBytes: 1 << 30,
                labels: [:], cpuUsage: 0, memoryUsage: 0, placedSteps: 0, damped: false)
        }))
        let started = ContinuousClock.now
        _ = try PlacementSolver().solve(PlacementRequest(deployment: "bench-plan", steps: steps), fleet: fleet)
        return (ContinuousClock.now - started).inMilliseconds
    }

    /// A chain of `count` fibo steps, each fed by the one before.
    static func manifest(steps count: Int, spread: Bool) -> String {
        var text = "name: bench-plan-\(count)\nsteps:\n"
        text.reserveCapacity(count * 70)
        for index in 0..<count {
            text += "  - name: s-\(index)\n    module: fibo@^1.1\n    function: fibo\n"
            if spread { text += "    prefer: {spread: true}\n" }
        }
        return text
    }
}

/// Asks `/healthz` every 20 ms and keeps the slowest answer.
private actor HealthWatch {
    let api: DeployBenchmarkAPI
    private(set) var slowest = 0.0

    init(api: DeployBenchmarkAPI) { self.api = api }

    func watch() async {
        while !Task.isCancelled {
            let started = ContinuousClock.now
            guard (try? await api.send(.GET, "/healthz", operator: false, timeout: .seconds(30))) != nil else { return }
            slowest = max(slowest, (ContinuousClock.now - started).inMilliseconds)
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
