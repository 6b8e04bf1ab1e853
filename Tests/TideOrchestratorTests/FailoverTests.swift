import Foundation
import Testing
import TideClient
import TideModel
import TideStore
@testable import TideTesting

/// Automatic redeployment with real supervisor processes and the health monitor on.
@Suite("Failover", .serialized, .stopsWhatItStarts)
struct FailoverTests {
    typealias Fleet = DeploymentProcessTests.Fleet

    /// first (sup-a) -> middle (sup-b, may move anywhere but sup-a and sup-c) -> last (sup-c).
    /// Label preferences in these tests weigh 20: with the default 1, a moment of CPU load on a busy
    /// machine outscored them (the device was in fact the other one).
    static func pipeline(_ fleet: Fleet) -> String {
        """
        name: pipe
        steps:
          - name: first
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: sup-a } }
          - name: middle
            module: fibo@^1.1
            function: fibo
            require: { avoid: [\(fleet.id("sup-a")), \(fleet.id("sup-c"))] }
            prefer: { labels: { role: sup-b }, weight: 20 }
          - name: last
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: sup-c } }
        """
    }

    /// Runs the pipeline until it succeeds with `middle` off `avoiding`; returns the run and how long it took.
    static func runUntilMoved(_ fleet: Fleet, avoiding device: DeviceID, timeout: Duration = .seconds(30)) async throws
        -> (run: RunResult?, elapsed: Duration)
    {
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            if let run = try? await fleet.run("pipe", #"{"n": 6}"#), run.success,
                let middle = run.steps.first(where: { $0.step == "middle" })?.device, middle != device
            {
                return (run, ContinuousClock.now - started)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (nil, ContinuousClock.now - started)
    }

    @Test("SIGKILL, then SIGSTOP, of the middle device: the pipeline runs again through a new placement; returning devices lose their stale instance")
    func middleDeviceFails() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c", "sup-d"], probeInterval: .seconds(1)) { fleet in
            let applied = try await fleet.apply(Self.pipeline(fleet))
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            #expect(applied.deployment?.step("middle")?.device == fleet.id("sup-b"))
            let before = try await fleet.run("pipe", #"{"n": 6}"#)
            #expect(before.result == .number(10946))  // fib(fib(fib(6))) = fib(fib(8)) = fib(21)

            // SIGKILL: the only candidate left for `middle` is sup-d.
            fleet.devices["sup-b"]?.process.signal(SIGKILL)
            let (afterKill, killElapsed) = try await Self.runUntilMoved(fleet, avoiding: fleet.id("sup-b"))
            let moved = try #require(afterKill, "the pipeline did not run again within 30 s")
            #expect(moved.result == .number(10946))
            #expect(moved.steps.map(\.device) == [fleet.id("sup-a"), fleet.id("sup-d"), fleet.id("sup-c")])
            #expect(killElapsed < .seconds(20))
            // The run can pass through the new wiring before the server has recorded the last
            // push's answer: wait for the deployment to settle before reading its record.
            #expect(try await eventually(timeout: .seconds(10)) {
                let deployment = try await fleet.server.client.deployment("pipe")
                return deployment.status == .active && deployment.generation > 1
                    && deployment.steps.allSatisfy { $0.state == .running }
            })
            let deployment = try await fleet.server.client.deployment("pipe")
            #expect(deployment.status == .active)
            #expect(deployment.generation > 1)
            let events = try fleet.server.store().events(limit: 1000)
            let move = events.first { $0.kind == .deploymentStepMoved }
            #expect(move?.message.contains("step middle moves from sup-b (\(fleet.id("sup-b"))) to sup-d (\(fleet.id("sup-d")))") == true)
            #expect(move?.message.contains("dead") == true, "\(move?.message ?? "")")
            let statuses = events.filter { $0.kind == .deploymentStatusChanged }.compactMap { $0.details?["status"]?.stringValue }
            #expect(statuses.suffix(2) == ["degraded", "active"])
            let recovered = events.last { $0.kind == .deploymentStatusChanged }
            #expect(recovered?.message.contains("ms degraded") == true, "\(recovered?.message ?? "")")
            #expect((recovered?.details?["previousForMs"]?.numberValue ?? 60_000) < 30_000)
            // Only the moved step and the step feeding it were pushed again: sup-c kept generation 1.
            #expect(deployment.installed[fleet.id("sup-c")]?.generation == 1)
            #expect((deployment.installed[fleet.id("sup-a")]?.generation ?? 0) > 1)

            // sup-b comes back with its persisted (now stale) node; the server deletes it.
            _ = try await fleet.restart("sup-b")
            #expect(try await eventually(timeout: .seconds(8)) {
                try await !fleet.serves("sup-b", "/pipe/modules/middle/fibo")
            })
            #expect(try await fleet.server.client.deployment("pipe").step("middle")?.device == fleet.id("sup-d"))

            // SIGSTOP of sup-d: middle moves back to sup-b (alive again); after SIGCONT sup-d is cleaned.
            fleet.devices["sup-d"]?.process.signal(SIGSTOP)
            // A run in flight when sup-d stopped goes on once middle has moved (RunFailoverTests).
            let (afterStop, stopElapsed) = try await Self.runUntilMoved(fleet, avoiding: fleet.id("sup-d"), timeout: .seconds(40))
            if afterStop == nil {
                let state = try await fleet.server.client.deployment("pipe")
                let devices = try await fleet.server.client.devices().map { "\($0.name) \($0.status) damped \($0.dampedUntil.map { "\($0)" } ?? "-")" }
                let events = try fleet.server.store().events(limit: 1000).suffix(25).map(\.message)
                Issue.record("after SIGSTOP: \(state.status) \(state.reason ?? "") \(state.steps) devices: \(devices) events: \(events.joined(separator: "\n"))")
            }
            let back = try #require(afterStop, "the pipeline did not run again within 40 s of SIGSTOP")
            #expect(back.steps.map(\.device) == [fleet.id("sup-a"), fleet.id("sup-b"), fleet.id("sup-c")])
            #expect(stopElapsed < .seconds(30))
            fleet.devices["sup-d"]?.process.signal(SIGCONT)
            #expect(try await eventually(timeout: .seconds(8)) {
                try await !fleet.serves("sup-d", "/pipe/modules/middle/fibo")
            })
            #expect(try await fleet.run("pipe", #"{"n": 6}"#).result == .number(10946))
        }
    }

    @Test("no capable device left: degraded with the reason, active again once a device qualifies")
    func noCapableDevice() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            _ = try await fleet.server.client.label(fleet.id("sup-b"), ["special": "yes"])
            let applied = try await fleet.apply("name: lonely\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    require: { labels: { special: \"yes\" } }\n")
            #expect(applied.deployment?.step("f")?.device == fleet.id("sup-b"), "\(applied.body)")

            fleet.devices["sup-b"]?.process.signal(SIGKILL)
            #expect(try await eventually(timeout: .seconds(8)) {
                let deployment = try await fleet.server.client.deployment("lonely")
                return deployment.status == .degraded && deployment.reason?.contains("special") == true
            })
            let degraded = try await fleet.server.client.deployment("lonely")
            #expect(degraded.reason?.contains("retried whenever the fleet changes") == true, "\(degraded.reason ?? "")")
            let refused = try await fleet.run("lonely", #"{"n": 5}"#)
            #expect(!refused.success)

            _ = try await fleet.server.client.label(fleet.id("sup-a"), ["special": "yes"])
            #expect(try await eventually(timeout: .seconds(8)) {
                let deployment = try await fleet.server.client.deployment("lonely")
                return deployment.status == .active && deployment.step("f")?.device == fleet.id("sup-a")
            })
            #expect(try await fleet.run("lonely", #"{"n": 5}"#).result == .number(5))
        }
    }

    @Test("with --rebalance, a step moves back to its preferred device once it returns")
    func rebalance() async throws {
        try await DeploymentProcessTests.withFleet(
            ["sup-a", "sup-b"], probeInterval: .seconds(1), reconcileInterval: .seconds(1), rebalanceGain: 0.5) { fleet in
            let applied = try await fleet.apply("name: home\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    prefer: { labels: { role: sup-a }, weight: 20 }\n")
            #expect(applied.deployment?.step("f")?.device == fleet.id("sup-a"), "\(applied.body)")
            fleet.devices["sup-a"]?.process.signal(SIGKILL)
            #expect(try await eventually(timeout: .seconds(8)) {
                let deployment = try await fleet.server.client.deployment("home")
                return deployment.status == .active && deployment.step("f")?.device == fleet.id("sup-b")
            })
            _ = try await fleet.restart("sup-a")
            #expect(try await eventually(timeout: .seconds(10)) {
                let deployment = try await fleet.server.client.deployment("home")
                return deployment.status == .active && deployment.step("f")?.device == fleet.id("sup-a")
            })
            let moves = try fleet.server.store().events(limit: 1000).filter { $0.kind == .deploymentStepMoved }
            #expect(moves.last?.message.contains("rebalance") == true, "\(moves.map(\.message))")
            #expect(try await fleet.run("home", #"{"n": 10}"#).steps.first?.device == fleet.id("sup-a"))
            #expect(try await eventually(timeout: .seconds(5)) { try await !fleet.serves("sup-b", "/home/modules/f/fibo") })
        }
    }

    @Test("a supervisor that keeps dying and returning is damped: shown by tide device show, no new work while others can take it")
    func flappingSupervisor() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            var current = fleet.devices["sup-a"]?.process
            let flapper = fleet.id("sup-a")
            for _ in 0..<2 {
                current?.signal(SIGKILL)
                #expect(try await eventually(timeout: .seconds(5)) { try await fleet.server.client.device(flapper).status == .dead })
                current = try await fleet.restart("sup-a")
                #expect(try await eventually(timeout: .seconds(5)) { try await fleet.server.client.device(flapper).status == .alive })
            }
            #expect(try await fleet.server.client.device(flapper).dampedUntil != nil)
            let shown = try await TideProcess.run([
                "device", "show", flapper.rawValue, "--server", fleet.server.baseURL, "--data-dir", fleet.server.dataDirectory,
            ])
            #expect(shown.stdout.lowercased().contains("damped"), "\(shown.stdout)")

            let applied = try await fleet.apply("name: steady\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    prefer: { labels: { role: sup-a } }\n")
            let deployment = try #require(applied.deployment, "\(applied.body)")
            #expect(deployment.step("f")?.device == fleet.id("sup-b"))
            let rejection = deployment.plan?.steps.first?.rejected.first { $0.device == flapper }
            #expect(rejection?.reason.singular.contains("damped") == true, "\(String(describing: rejection))")

            // When the flapping device is the only one left, it takes the step rather than nobody.
            fleet.devices["sup-b"]?.process.signal(SIGKILL)
            #expect(try await eventually(timeout: .seconds(6)) {
                let moved = try await fleet.server.client.deployment("steady")
                return moved.status == .active && moved.step("f")?.device == flapper
            })
            #expect(try await fleet.run("steady", #"{"n": 9}"#).result == .number(34))
        }
    }

    @Test("a restarted supervisor restores its node; at the current generation it is kept, not pushed again")
    func supervisorRestart() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            let applied = try await fleet.apply("name: kept\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    require: { labels: { role: sup-b } }\n")
            let before = try #require(applied.deployment?.installed[fleet.id("sup-b")], "\(applied.body)")
            fleet.devices["sup-b"]?.process.signal(SIGKILL)
            _ = try await fleet.restart("sup-b")
            // It serves the restored node by itself, before the server acts.
            #expect(try await fleet.serves("sup-b", "/kept/modules/f/fibo"))
            #expect(try await eventually(timeout: .seconds(8)) {
                let alive = try await fleet.server.client.devices(status: .alive).count
                let status = try await fleet.server.client.deployment("kept").status
                return alive == 2 && status == .active
            })
            try await Task.sleep(for: .seconds(2))  // a few heartbeats and reconcile passes
            let after = try await fleet.server.client.deployment("kept")
            #expect(after.status == .active)
            #expect(after.installed[fleet.id("sup-b")] == before)
            #expect(try await fleet.run("kept", #"{"n": 11}"#).result == .number(89))
        }
    }

    @Test("a supervisor restarted without its node gets it pushed again; the deployment stays active without a status event")
    func lostNodePushedAgain() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"], probeInterval: .seconds(1)) { fleet in
            let applied = try await fleet.apply("name: lost\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    require: { labels: { role: sup-b } }\n")
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            let device = try #require(fleet.devices["sup-b"])
            device.process.signal(SIGKILL)
            try FileManager.default.removeItem(atPath: device.dataDirectory + "/deployments")
            _ = try await fleet.restart("sup-b")
            #expect(try await eventually(timeout: .seconds(15)) { try await fleet.serves("sup-b", "/lost/modules/f/fibo") },
                "the server pushed the node again")
            #expect(try await fleet.run("lost", #"{"n": 11}"#).result == .number(89))
            let statuses = try fleet.server.store().events(limit: 1000).filter { $0.kind == .deploymentStatusChanged }
            let repeats = statuses.filter { $0.details?["previous"]?.stringValue == "active" && $0.details?["status"]?.stringValue == "active" }
            #expect(repeats.isEmpty, "\(repeats.map(\.message))")
            #expect(try await fleet.server.client.deployment("lost").status == .active)
        }
    }

    @Test("SIGTERM stops the server within seconds: the reconciler ends with the graceful shutdown")
    func gracefulStop() async throws {
        let directory = TemporaryDirectory.make()
        let arguments = ["server", "--insecure-http", "--port", "{port}", "--data-dir", directory, "--registry", "none", "--no-mdns", "--log-level", "warning"]
        let server = try await ChildProcess.startTide(arguments, readyPath: "/healthz")
        defer { server.stop() }
        server.signal(SIGTERM)
        let sent = ContinuousClock.now
        while server.process.isRunning, ContinuousClock.now - sent < .seconds(8) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!server.process.isRunning, "tide server did not stop within 8 s of SIGTERM: \(server.output())")
    }

    @Test("SIGKILL of the orchestrator during a deploy: after a restart the deploy finishes, consistently")
    func orchestratorCrash() async throws {
        let directory = TemporaryDirectory.make()
        let token = DeploymentProcessTests.token
        let serverArguments = [
            "server", "--insecure-http", "--port", "{port}", "--data-dir", directory, "--registry", Repository.registry, "--no-mdns",
            "--supervisor-token", token, "--deploy-timeout", "3", "--log-level", "warning",
        ]
        var server = try await ChildProcess.startTide(serverArguments, readyPath: "/healthz")
        let base = "http://127.0.0.1:\(server.port)"
        let operatorToken = try String(contentsOfFile: directory + "/operator.token", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        var supervisors: [String: ChildProcess] = [:]
        defer {
            for process in supervisors.values { process.stop() }
            server.stop()
        }
        for name in ["sup-a", "sup-b"] {
            supervisors[name] = try await DeploymentProcessTests.supervisor(name, directory: TemporaryDirectory.make(), orchestrator: base)
        }
        let client = TideClient(baseURL: base, token: operatorToken)
        #expect(try await eventually(timeout: .seconds(10)) { try await client.devices(status: .alive).count == 2 })
        let devices = try await client.devices()
        let a = try #require(devices.first { $0.name == "sup-a" }).id
        let b = try #require(devices.first { $0.name == "sup-b" }).id

        _ = try await client.label(a, ["role": "sup-a"])
        // sup-a hangs, so the push to it is in flight when the server dies.
        supervisors["sup-a"]?.signal(SIGSTOP)
        let applied = try await HTTPProbe.post(
            base + "/api/v1/deployments?wait=false", json: Self.crashManifest, contentType: "application/yaml",
            token: operatorToken)
        #expect(applied.status == 202, "\(applied.body)")
        try await Task.sleep(for: .milliseconds(300))
        server.signal(SIGKILL)
        try await Task.sleep(for: .milliseconds(100))
        let stored = try TideStore(path: directory + "/tide.sqlite").deployments()
        #expect(stored.map(\.name) == ["crash"])
        #expect(stored.first?.status == .deploying)

        let port = server.port
        server = try await ChildProcess.startTide(serverArguments, port: port, readyPath: "/healthz")
        #expect(try await eventually(timeout: .seconds(15)) { try await client.deployment("crash").status == .active })
        let finished = try await client.deployment("crash")
        #expect(finished.step("f")?.device == b)
        #expect(Set(finished.installed.keys).isSubset(of: [a, b]))
        #expect(try await client.run("crash", inputs: ["n": .number(7)]).result == .number(13))

        // The hung device wakes up; whatever it installed late is removed.
        supervisors["sup-a"]?.signal(SIGCONT)
        #expect(try await eventually(timeout: .seconds(8)) {
            let answer = try await HTTPProbe.post(
                "http://127.0.0.1:\(supervisors["sup-a"]?.port ?? 0)/crash/modules/f/fibo?param0=1&wait=true", json: "{}")
            return answer.status == 404
        })
        #expect(try await eventually(timeout: .seconds(8)) { try await client.deployment("crash").installed[a] == nil })
    }

    /// One step that would rather run on sup-a.
    static let crashManifest = "name: crash\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    prefer: { labels: { role: sup-a } }\n"
}
