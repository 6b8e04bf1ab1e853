import Foundation
import Testing
import TideClient
import TideModel
@testable import TideTesting

/// Tide driving wasmiot supervisors, through the model of LiquidAI's supervisor (Tests/WasmiotModel,
/// a separate process): self-registration with `host: vm.local.`, fractional Hz, percent CPU,
/// resultUrl-only answers and chained URLs, float steps kept off, restarts that lose every node,
/// a hung device.
@Suite("Wasmiot supervisors (the model)", .serialized, .stopsWhatItStarts)
struct WasmiotSupervisorTests {
    /// A server with the bundled registry and wasmiot models that registered themselves.
    struct Fleet {
        let server: TestServer
        let models: Models

        final class Models: @unchecked Sendable {
            private let lock = NSLock()
            private var processes: [String: ChildProcess] = [:]

            subscript(name: String) -> ChildProcess? {
                get { lock.withLock { processes[name] } }
                set { lock.withLock { processes[name] = newValue } }
            }

            func stopAll() { for process in lock.withLock({ Array(processes.values) }) { process.stop() } }
        }

        /// The id of the device named `name`.
        func id(_ name: String) async throws -> DeviceID {
            try #require(try await server.client.devices().first { $0.name == name }?.id)
        }

        func apply(_ yaml: String) async throws -> (status: Int, body: String, deployment: Deployment?) {
            let answer = try await server.request(.POST, "/api/v1/deployments", body: yaml, contentType: "application/yaml")
            return (answer.status, answer.body, try? TideJSON.decoder().decode(Deployment.self, from: Data(answer.body.utf8)))
        }

        func run(_ name: String, _ inputs: String) async throws -> RunResult {
            let answer = try await server.request(.POST, "/api/v1/deployments/\(name)/run", body: #"{"inputs": \#(inputs)}"#)
            guard answer.status == 200 else { throw HarnessError("run \(name): \(answer.status) \(answer.body)") }
            return try TideJSON.decoder().decode(RunResult.self, from: Data(answer.body.utf8))
        }

        /// Starts (or restarts, on the same port) a model that registers itself.
        func startModel(_ name: String, port: Int? = nil, register: Bool = true, extra: [String] = []) async throws -> ChildProcess {
            let model = try await ChildProcess.startWasmiotModel(
                name: name, port: port, register: register ? server.baseURL : nil, extra: extra)
            models[name] = model
            return model
        }

        func events() async throws -> [FleetEvent] { try await server.client.events(limit: 1000).events }
    }

    static func withFleet(
        _ names: [String], probeInterval: Duration = .seconds(1), extra: [String] = [], _ body: (Fleet) async throws -> Void
    ) async throws {
        let server = try await TestServer.start(
            probeInterval: probeInterval, bundledRegistry: Repository.registry, supervisorToken: DeploymentProcessTests.token,
            allowUnverifiedDevices: true)
        let fleet = Fleet(server: server, models: Fleet.Models())
        do {
            for name in names { _ = try await fleet.startModel(name, extra: extra) }
            let registered = try await eventually(timeout: .seconds(15)) {
                try await server.client.devices(status: .alive).count == names.count
            }
            #expect(registered, "the models registered themselves")
            try await body(fleet)
        } catch {
            fleet.models.stopAll()
            await server.stop()
            throw error
        }
        fleet.models.stopAll()
        await server.stop()
    }

    /// fibo then fibo again, each pinned to a device: fibo(fibo(n)).
    static func chain(_ first: DeviceID, _ second: DeviceID) -> String {
        """
        name: chain
        steps:
          - name: first
            module: fibo@^1.1
            function: fibo
            require: { device: \(first) }
          - name: second
            module: fibo@^1.1
            function: fibo
            input: first
            require: { device: \(second) }
        """
    }

    @Test("two models register themselves (host vm.local., fractional Hz, percent CPU); a two-step chain runs through them")
    func registerAndRunAChain() async throws {
        try await Self.withFleet(["wasmiot-a", "wasmiot-b"]) { fleet in
            let devices = try await fleet.server.client.devices()
            #expect(Set(devices.map(\.name)) == ["wasmiot-a", "wasmiot-b"], "the service type is not part of the name")
            for device in devices {
                #expect(device.supervisor == .wasmiot)
                #expect(device.addresses.first == "127.0.0.1", "the caller's address, not vm.local.")
                #expect(device.capabilities.cpuClockHz == 908_658_406, "908658406.083699 Hz, rounded down")
                #expect(device.health.map { abs($0.cpuUsage - 0.125) < 1e-9 } == true, "12.5 percent is 0.125")
            }
            let registered = try await fleet.events().filter { $0.kind == .deviceRegistered }.map(\.message)
            #expect(registered.count == 2 && registered.allSatisfy { $0.hasSuffix("unverified (takes work: --allow-unverified-devices)") }, "\(registered)")
            let a = try await fleet.id("wasmiot-a")
            let b = try await fleet.id("wasmiot-b")
            let applied = try await fleet.apply(Self.chain(a, b))
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            let run = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.result == .number(139_583_862_445), "fibo(fibo(10)) = fibo(55)")
            #expect(run.steps.map(\.step) == ["first", "second"])
            #expect(run.steps.map(\.device) == [a, b])
            // The model's request ids, followed through its resultUrl and the bare chained URL.
            #expect(run.steps[0].requestURL.hasSuffix("/request-history/chain:first:fibo:0"), "\(run.steps[0].requestURL)")
            #expect(run.steps[1].requestURL.hasSuffix("/request-history/chain:second:fibo:0"), "\(run.steps[1].requestURL)")
        }
    }

    @Test("a float step is never placed on a wasmiot supervisor, with the reason in the plan; a Tide supervisor takes it")
    func floatStepsGoElsewhere() async throws {
        try await Self.withFleet(["wasmiot-a", "wasmiot-b"]) { fleet in
            let float = """
                name: squash
                steps:
                  - name: squash
                    module: mathlib@^1.0
                    function: sigmoid
                """
            let refused = try await fleet.server.request(.POST, "/api/v1/plan", body: float, contentType: "application/yaml")
            #expect(refused.status == 422)
            #expect(
                refused.body.contains("2 devices are wasmiot supervisors: their protocol carries no floats (only integer, string and object) and the step passes one"),
                "\(refused.body)")

            let supervisor = try await DeploymentProcessTests.supervisor(
                "tide-c", directory: TemporaryDirectory.make(), orchestrator: fleet.server.baseURL)
            defer { supervisor.stop() }
            #expect(try await eventually(timeout: .seconds(10)) { try await fleet.server.client.devices(status: .alive).count == 3 })
            let tide = try await fleet.id("tide-c")
            let applied = try await fleet.apply(float)
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            let placement = try #require(applied.deployment?.plan?.steps.first)
            #expect(placement.device == tide)
            #expect(placement.rejected.count == 2)
            #expect(placement.rejected.allSatisfy { $0.reason.filter == "protocol" })
            let run = try await fleet.run("squash", #"{"x": 0}"#)
            #expect(run.result == .number(0.5), "sigmoid(0)")

            // The model refuses such a node itself, as the real one does: Flask's HTML 500.
            let model = try #require(fleet.models["wasmiot-a"])
            let node = """
                {"deploymentId": "d", "modules": [{"id": "mathlib@1.1.0", "name": "squash",
                  "urls": {"binary": "\(fleet.server.baseURL)/file/module/mathlib@1.1.0/wasm"}}],
                 "endpoints": {"squash": {"sigmoid": {"url": "http://127.0.0.1:\(model.port)", "path": "/d/modules/squash/sigmoid",
                   "method": "get", "request": {"parameters": []},
                   "response": {"media_type": "application/json", "schema": {"type": "number"}}}}},
                 "instructions": {"modules": {"squash": {"sigmoid": {"from": null, "to": null}}}}, "mounts": {}}
                """
            let answer = try await HTTPProbe.post("http://127.0.0.1:\(model.port)/deploy", json: node)
            #expect(answer.status == 500 && answer.body.contains("<title>500 Internal Server Error</title>"), "\(answer.body)")
        }
    }

    @Test("devices that refuse the node are not dead: every capable device is tried, the deploy lands on the last one")
    func refusalsAreNotDeaths() async throws {
        try await Self.withFleet(["refuse-1", "refuse-2", "refuse-3", "refuse-4"], extra: ["--fail-deploys"]) { fleet in
            for name in ["refuse-1", "refuse-2", "refuse-3", "refuse-4"] {
                _ = try await fleet.server.client.label(try await fleet.id(name), ["tier": "edge"])
            }
            let supervisor = try await DeploymentProcessTests.supervisor(
                "tide-last", directory: TemporaryDirectory.make(), orchestrator: fleet.server.baseURL)
            defer { supervisor.stop() }
            #expect(try await eventually(timeout: .seconds(10)) { try await fleet.server.client.devices(status: .alive).count == 5 })
            let applied = try await fleet.apply("""
                name: edgy
                steps:
                  - name: f
                    module: fibo@^1.1
                    function: fibo
                    prefer: { labels: { tier: edge }, weight: 20 }
                """)
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            #expect(applied.deployment?.step("f")?.device == (try await fleet.id("tide-last")))
            let text = try await fleet.events().map(\.message).joined(separator: "\n")
            // Not "dead" alone: a random hex device id may contain it (dev-256fdeadfbe1).
            #expect(!text.contains("is dead") && !text.contains("are dead"), "\(text)")
            #expect(text.contains("1 fetch failures"), "the devices' own message: \(text)")
            #expect(try await fleet.server.client.devices(status: .alive).count == 5)
        }
    }

    @Test("a restarted device that registers again gets its node back before anyone calls it")
    func restartRegistersAndGetsItsNodesBack() async throws {
        // Probes are rare here: the restart must be noticed by the registration, not by a probe.
        try await Self.withFleet(["wasmiot-a", "wasmiot-b"], probeInterval: .seconds(60)) { fleet in
            let a = try await fleet.id("wasmiot-a")
            let b = try await fleet.id("wasmiot-b")
            #expect(try await fleet.apply(Self.chain(a, b)).deployment?.status == .active)
            let model = try #require(fleet.models["wasmiot-b"])
            model.signal(SIGKILL)
            model.stop()
            let started = ContinuousClock.now
            _ = try await fleet.startModel("wasmiot-b", port: model.port)
            let repushed = try await eventually(timeout: .seconds(50)) {
                let events = try await fleet.events()
                guard events.contains(where: { $0.kind == .deploymentStepChanged && $0.message.contains("is pushed to \(b) again") }) else {
                    return false
                }
                return try await fleet.server.client.deployment("chain").status == .active
            }
            #expect(repushed)
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(50), "nodes back after \(elapsed) (goal: 5 s)")
            // The model itself answers: no 404 and no re-push on the call.
            let probe = try await HTTPProbe.get("http://127.0.0.1:\(model.port)/chain/modules/second/fibo?n=10")
            #expect(probe.status == 200 && probe.body.contains("resultUrl"), "\(probe.body)")
            let run = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(run.result == .number(139_583_862_445))
        }
    }

    @Test("a restart nobody noticed: the call's 404 pushes the node again and the run is retried once")
    func unnoticedRestartIsRepairedByTheRun() async throws {
        try await Self.withFleet(["wasmiot-a"], probeInterval: .seconds(60)) { fleet in
            let a = try await fleet.id("wasmiot-a")
            #expect(try await fleet.apply(Self.chain(a, a)).deployment?.status == .active)
            let model = try #require(fleet.models["wasmiot-a"])
            model.signal(SIGKILL)
            model.stop()
            _ = try await fleet.startModel("wasmiot-a", port: model.port, register: false)
            let run = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.result == .number(139_583_862_445))
            let events = try await fleet.events()
            #expect(events.contains { $0.message.contains("a call answered 404") && $0.message.contains("deployment does not exist") })
            #expect(try await fleet.server.client.deployment("chain").status == .active)
        }
    }

    @Test("SIGKILL moves the step to the other device within about a second; a run that reaches the killed device first goes on there")
    func killedDeviceLosesItsStep() async throws {
        try await Self.withFleet(["wasmiot-a", "wasmiot-b"]) { fleet in
            let applied = try await fleet.apply("""
                name: one
                steps:
                  - name: f
                    module: fibo@^1.1
                    function: fibo
                """)
            let from = try #require(applied.deployment?.step("f")?.device)
            let victim = try await fleet.server.client.device(from).name
            let started = ContinuousClock.now
            try #require(fleet.models[victim]).signal(SIGKILL)
            // Before the server knows: the call is refused, and the run goes on once the step moved.
            let run = try await fleet.server.client.run("one", inputs: ["n": .number(10)])
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.result == .number(55))
            let retry = try #require(run.retries?.first, "the run was not retried")
            #expect(retry.step == "f" && retry.device == from)
            #expect(retry.movedTo != nil && retry.movedTo != from && run.steps.first?.device == retry.movedTo)
            let moved = try await eventually(timeout: .seconds(20)) {
                let deployment = try await fleet.server.client.deployment("one")
                return deployment.status == .active && deployment.step("f")?.device != from
            }
            #expect(moved)
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(20), "moved after \(elapsed) (goal: 2 s)")
            #expect(try await fleet.run("one", #"{"n": 10}"#).result == .number(55))
        }
    }

    @Test("a hung device (SIGSTOP) holds up no recovery: its deployments move together; on SIGCONT it loses the stale nodes")
    func hungDeviceDoesNotSerializeRecovery() async throws {
        try await Self.withFleet(["wasmiot-a", "wasmiot-b"]) { fleet in
            let a = try await fleet.id("wasmiot-a")
            _ = try await fleet.server.client.label(a, ["home": "a"])
            let names = ["d1", "d2", "d3"]
            for name in names {
                let applied = try await fleet.apply("""
                    name: \(name)
                    steps:
                      - name: f
                        module: fibo@^1.1
                        function: fibo
                        prefer: { labels: { home: a }, weight: 20 }
                    """)
                #expect(applied.deployment?.status == .active)
                #expect(applied.deployment?.step("f")?.device == a, "\(applied.body)")
            }
            let model = try #require(fleet.models["wasmiot-a"])
            model.signal(SIGSTOP)
            defer { model.signal(SIGCONT) }
            let recovered = try await eventually(timeout: .seconds(30)) {
                for name in names {
                    let deployment = try await fleet.server.client.deployment(name)
                    guard deployment.status == .active, deployment.step("f")?.device != a else { return false }
                }
                return true
            }
            #expect(recovered)
            // Before, each recovery waited for a removal request to the hung device (5 s each).
            let actives = try await fleet.events().filter { event in
                event.kind == .deploymentStatusChanged && event.message.contains("is active (generation 2)")
            }.map(\.time)
            #expect(actives.count == names.count)
            if let first = actives.min(), let last = actives.max() {
                #expect(last.timeIntervalSince(first) < 3, "recoveries spread over \(last.timeIntervalSince(first)) s")
            }
            model.signal(SIGCONT)
            // Back, it still holds the nodes (it was only frozen): they are removed.
            #expect(try await eventually(timeout: .seconds(15)) {
                try await fleet.events().filter { $0.message.hasSuffix("removed a stale instance from wasmiot-a (\(a))") }.count == names.count
            })
            for name in names {
                let stale = try await HTTPProbe.get("http://127.0.0.1:\(model.port)/\(name)/modules/f/fibo?n=1")
                #expect(stale.status == 404, "\(name) is gone from the device")
            }
        }
    }
}
