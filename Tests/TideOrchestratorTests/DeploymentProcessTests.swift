import Foundation
import Synchronization
import Testing
import TideModel
@testable import TideTesting

/// Deployments end to end: the orchestrator pushes nodes to real `tide supervisor` processes,
/// which download the modules from it and run them in WasmKit.
@Suite("Deployments on supervisor processes", .serialized, .stopsWhatItStarts)
struct DeploymentProcessTests {
    static let token = "deploy-test-token-0123456789"

    struct Fleet {
        let server: TestServer
        let devices: [String: (process: ChildProcess, id: DeviceID, dataDirectory: String)]
        /// Supervisors a test restarted; stopped with the fleet.
        let restarted = Restarted()

        final class Restarted: Sendable {
            let processes = Mutex<[ChildProcess]>([])
        }

        func url(_ name: String) -> String { "http://127.0.0.1:\(devices[name]?.process.port ?? 0)" }
        func id(_ name: String) -> DeviceID { devices[name]?.id ?? DeviceID("missing") }

        /// Starts supervisor `name` again with its data directory and port: a reboot.
        func restart(_ name: String) async throws -> ChildProcess {
            guard let device = devices[name] else { throw HarnessError("no supervisor \(name)") }
            let process = try await DeploymentProcessTests.supervisor(
                name, directory: device.dataDirectory, orchestrator: server.baseURL, port: device.process.port)
            restarted.processes.withLock { $0.append(process) }
            return process
        }

        func stop() async {
            for device in devices.values { device.process.stop() }
            for process in restarted.processes.withLock({ $0 }) { process.stop() }
            await server.stop()
        }

        /// Applies a manifest and returns the status and the answer. With the monitor on, a heartbeat
        /// late on a loaded machine can make a device suspect for a moment, and a step that needs it
        /// unplaceable (nothing is stored then): such an answer is retried for up to 10 s.
        func apply(_ yaml: String) async throws -> (status: Int, body: String, deployment: Deployment?) {
            let deadline = ContinuousClock.now + .seconds(10)
            while true {
                let answer = try await server.request(.POST, "/api/v1/deployments", body: yaml, contentType: "application/yaml")
                if answer.status == 422, answer.body.contains("is suspect") || answer.body.contains("are suspect"),
                    ContinuousClock.now < deadline
                {
                    try await Task.sleep(for: .milliseconds(200))
                    continue
                }
                return (answer.status, answer.body, try? TideJSON.decoder().decode(Deployment.self, from: Data(answer.body.utf8)))
            }
        }

        func run(_ name: String, _ inputs: String = "{}") async throws -> RunResult {
            let answer = try await server.request(.POST, "/api/v1/deployments/\(name)/run", body: #"{"inputs": \#(inputs)}"#)
            guard answer.status == 200 else { throw HarnessError("run \(name): \(answer.status) \(answer.body)") }
            return try TideJSON.decoder().decode(RunResult.self, from: Data(answer.body.utf8))
        }

        /// Whether the device still serves `path` (a deployment's function).
        func serves(_ device: String, _ path: String) async throws -> Bool {
            try await HTTPProbe.post(url(device) + path + "?param0=1&wait=true", json: "{}").status != 404
        }
    }

    /// A server with the bundled registry and supervisors labelled `role: <name>`.
    /// `probeInterval` zero keeps the health monitor off: a killed device stays alive in the inventory.
    static func fleet(
        _ names: [String], deployTimeout: Duration = .seconds(10), probeInterval: Duration = .zero,
        reconcileInterval: Duration = .seconds(5), rebalanceGain: Double? = nil, supervisorArguments: [String: [String]] = [:]
    ) async throws -> Fleet {
        // With the monitor off, detection is not under test: a heartbeat late on a loaded machine
        // must not make a device suspect (and so skipped by placement) in the middle of a test.
        let server = try await TestServer.start(
            probeInterval: probeInterval, heartbeatTimeout: probeInterval == .zero ? .seconds(10) : .milliseconds(1500),
            bundledRegistry: Repository.registry, supervisorToken: Self.token, deployTimeout: deployTimeout,
            reconcileInterval: reconcileInterval, rebalanceGain: rebalanceGain)
        var processes: [String: (ChildProcess, String)] = [:]
        for name in names {
            let directory = TemporaryDirectory.make()
            processes[name] = (
                try await supervisor(name, directory: directory, orchestrator: server.baseURL, extra: supervisorArguments[name] ?? []),
                directory
            )
        }
        guard try await eventually(timeout: .seconds(20), { try await server.client.devices(status: .alive).count == names.count }) else {
            throw HarnessError("not every supervisor of \(names) was alive within 20 s: \(try await server.client.devices().map { "\($0.name) \($0.status.rawValue)" })")
        }
        var devices: [String: (ChildProcess, DeviceID, String)] = [:]
        for device in try await server.client.devices() {
            guard let (process, directory) = processes[device.name] else { continue }
            _ = try await server.client.label(device.id, ["role": device.name])
            devices[device.name] = (process, device.id, directory)
        }
        let fleet = Fleet(server: server, devices: devices)
        guard devices.count == names.count else {
            await fleet.stop()
            throw HarnessError("only \(devices.count) of \(names.count) supervisors registered")
        }
        return fleet
    }

    static func supervisor(
        _ name: String, directory: String, orchestrator: String, port: Int? = nil, extra: [String] = []
    ) async throws -> ChildProcess {
        try await ChildProcess.startTide(
            [
                "supervisor", "--port", "{port}", "--name", name, "--data-dir", directory,
                "--orchestrator", orchestrator, "--token", Self.token, "--log-level", "warning",
            ] + extra, port: port)
    }

    /// Runs `body` on a fresh fleet and stops every process it started, also when `body` throws.
    static func withFleet(
        _ names: [String], deployTimeout: Duration = .seconds(10), probeInterval: Duration = .zero,
        reconcileInterval: Duration = .seconds(5), rebalanceGain: Double? = nil, supervisorArguments: [String: [String]] = [:],
        _ body: (Fleet) async throws -> Void
    ) async throws {
        let fleet = try await fleet(
            names, deployTimeout: deployTimeout, probeInterval: probeInterval, reconcileInterval: reconcileInterval,
            rebalanceGain: rebalanceGain, supervisorArguments: supervisorArguments)
        do {
            try await body(fleet)
        } catch {
            await fleet.stop()
            throw error
        }
        await fleet.stop()
    }

    static func chain(name: String = "chain", first: String, second: String) -> String {
        """
        name: \(name)
        steps:
          - name: produce
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: \(first) } }
          - name: keep
            module: sink@1
            function: push
            require: { labels: { role: \(second) } }
        """
    }

    @Test("apply a two-device chain, run it, update it with one move, delete it from every device")
    func lifecycle() async throws {
        try await Self.withFleet(["sup-a", "sup-b", "sup-c"]) { fleet in
            let created = try await fleet.apply(Self.chain(first: "sup-a", second: "sup-b"))
            #expect(created.status == 201, "\(created.body)")
            let deployment = try #require(created.deployment)
            #expect(deployment.status == .active)
            #expect(deployment.generation == 1)
            #expect(deployment.step("produce")?.device == fleet.id("sup-a"))
            #expect(deployment.step("keep")?.device == fleet.id("sup-b"))
            #expect(deployment.steps.allSatisfy { $0.state == .running })
            #expect(deployment.packages.map(\.name) == ["fibo", "sink"])
            #expect(deployment.packages.allSatisfy { $0.moduleDigest.count == 64 })

            let first = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(first.success, "\(first.error ?? "")")
            #expect(first.steps.map(\.step) == ["produce", "keep"])
            #expect(first.steps.map(\.device) == [fleet.id("sup-a"), fleet.id("sup-b")])
            #expect(first.steps.first?.value == .number(55))
            #expect(first.result == .number(1))  // the sink holds one value
            #expect(try await fleet.run("chain", #"{"param0": 12}"#).result == .number(2))

            // Only `keep` changes: it moves to sup-c; `produce` stays (re-wired, not moved).
            let updated = try await fleet.apply(Self.chain(first: "sup-a", second: "sup-c"))
            #expect(updated.status == 200, "\(updated.body)")
            let moved = try #require(updated.deployment)
            #expect(moved.status == .active)
            #expect(moved.generation == 2)
            #expect(moved.step("produce")?.device == fleet.id("sup-a"))
            #expect(moved.plan?.steps.first { $0.step == "produce" }?.kept == true)
            #expect(moved.step("keep")?.device == fleet.id("sup-c"))
            #expect(Set(moved.installed.keys) == [fleet.id("sup-a"), fleet.id("sup-c")])
            #expect(try await fleet.serves("sup-b", "/chain/modules/keep/push") == false)
            let afterMove = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(afterMove.steps.map(\.device) == [fleet.id("sup-a"), fleet.id("sup-c")])
            #expect(afterMove.result == .number(1))  // a fresh sink on sup-c

            // Applying the same manifest again changes nothing: not the devices, not the generation.
            let same = try await fleet.apply(Self.chain(first: "sup-a", second: "sup-c"))
            #expect(same.status == 200, "\(same.body)")
            #expect(same.deployment?.installed == moved.installed)
            #expect(same.deployment?.generation == 2)
            #expect(try await fleet.server.client.deployment("chain").generation == 2)
            let unchanged = try fleet.server.store().events(limit: 1000).last { $0.kind == .deploymentApplied }
            #expect(unchanged?.message == "deployment chain unchanged (generation 2): the same manifest and package versions are active")

            let removed = try await fleet.server.request(.DELETE, "/api/v1/deployments/chain")
            #expect(removed.status == 200, "\(removed.body)")
            let removal = try TideJSON.decoder().decode(DeploymentRemoval.self, from: Data(removed.body.utf8))
            #expect(removal.cleaned == [fleet.id("sup-a"), fleet.id("sup-c")].sorted())
            #expect(removal.unreachable.isEmpty)
            #expect(try await fleet.serves("sup-a", "/chain/modules/produce/fibo") == false)
            #expect(try await fleet.serves("sup-c", "/chain/modules/keep/push") == false)
            #expect(try await fleet.server.request(.GET, "/api/v1/deployments/chain").status == 404)
            #expect(try fleet.server.store().deployments().isEmpty)

            let kinds = try fleet.server.store().events(limit: 1000).map(\.kind)
            #expect(kinds.contains(.deploymentApplied) && kinds.contains(.deploymentStepChanged))
            #expect(kinds.contains(.deploymentStatusChanged) && kinds.contains(.deploymentRemoved))
        }
    }

    @Test("bad manifests are refused with the reason and nothing is stored or pushed")
    func refusals() async throws {
        try await Self.withFleet(["sup-a"]) { fleet in
            let unsatisfiable = try await fleet.apply("name: old\nsteps:\n  - name: f\n    module: fibo@^9\n    function: fibo\n")
            #expect(unsatisfiable.status == 422)
            #expect(errorOf(unsatisfiable.body)?.code == "unsatisfiable")
            #expect(errorOf(unsatisfiable.body)?.message.contains("fibo") == true)

            let unplaceable = try await fleet.apply("name: cam\nsteps:\n  - name: c\n    module: camera-capture@1\n    function: capture\n")
            #expect(unplaceable.status == 422)
            #expect(errorOf(unplaceable.body)?.code == "unplaceable")
            #expect(errorOf(unplaceable.body)?.message.contains("camera.take_image") == true, "\(unplaceable.body)")

            let mistyped = try await fleet.apply("name: typo\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n  - name: m\n    module: stats@1\n    function: mean\n")
            #expect(mistyped.status == 422)
            #expect(errorOf(mistyped.body)?.code == "invalid_manifest")
            #expect(errorOf(mistyped.body)?.message.contains("takes bytes") == true, "\(mistyped.body)")

            let missing = try await fleet.server.request(.POST, "/api/v1/deployments/nothing/run", body: "{}")
            #expect(missing.status == 404)
            #expect(try fleet.server.store().deployments().isEmpty)
            #expect(try await fleet.server.request(.GET, "/api/v1/deployments").body == "[]")
        }
    }

    @Test("a device dead at deploy time: its step moves to another capable device and the pipeline runs")
    func deviceDiesDuringDeploy() async throws {
        try await Self.withFleet(["sup-a", "sup-b"], deployTimeout: .seconds(3)) { fleet in
            // Killed, but not yet detected: the monitor is off in this server.
            fleet.devices["sup-a"]?.process.signal(SIGKILL)
            let yaml = """
                name: survivor
                steps:
                  - name: f
                    module: fibo@^1.1
                    function: fibo
                    prefer: { labels: { role: sup-a }, weight: 20 }
                """
            // The weight keeps a moment of CPU load on a busy machine from outscoring the label.
            let applied = try await fleet.apply(yaml)
            #expect(applied.status == 201, "\(applied.body)")
            let deployment = try #require(applied.deployment)
            #expect(deployment.status == .active)
            #expect(deployment.step("f")?.device == fleet.id("sup-b"))
            #expect(deployment.generation == 2)
            let moves = try fleet.server.store().events(limit: 1000).filter { $0.kind == .deploymentStepMoved }
            #expect(moves.count == 1)
            #expect(moves.first?.message.contains("refused") == true, "\(moves.first?.message ?? "")")
            #expect(try await fleet.run("survivor", #"{"n": 20}"#).result == .number(6765))

            // A step only the dead device may run: the deploy fails and the other device is cleaned.
            let pinned = Self.chain(name: "doomed", first: "sup-a", second: "sup-b")
            let failed = try await fleet.apply(pinned)
            let doomed = try #require(failed.deployment, "\(failed.body)")
            #expect(doomed.status == .failed)
            #expect(doomed.reason?.contains("no device can take over") == true, "\(doomed.reason ?? "")")
            #expect(try await fleet.serves("sup-b", "/doomed/modules/keep/push") == false)
            #expect(doomed.installed.isEmpty)
            let refused = try await fleet.server.request(.POST, "/api/v1/deployments/doomed/run", body: "{}")
            #expect(refused.status == 409)
        }
    }
}
