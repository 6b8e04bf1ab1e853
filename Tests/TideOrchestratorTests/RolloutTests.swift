import Foundation
import Testing
import TideModel
@testable import TideTesting

/// Updates on real supervisor processes: a failed update goes back to the generation that ran,
/// and an `update` block rolls an update out in stages, with a canary, pause, resume and abort.
@Suite("Updates and rollouts on supervisor processes", .serialized, .stopsWhatItStarts)
struct RolloutTests {
    typealias Fleet = DeploymentProcessTests.Fleet

    /// fibo at `version` whose functions are replaced by `body` (WAT instructions for both).
    static func fibo(_ version: String, module: String) throws -> PackageFixture {
        var fixture = try PackageFixture("fibo@1.1.0", edit: PackageFixture.version(version))
        fixture.files["fibo.wasm"] = try Fixtures.wat(module)
        return fixture
    }

    /// Traps on every call.
    static let trapping = """
        (module
          (func (export "fibo") (param i64) (result i64) unreachable)
          (func (export "fibo_mod") (param i64 i64) (result i64) unreachable))
        """

    /// Traps when instantiated: no device can start it.
    static let unstartable = """
        (module
          (func $boom unreachable)
          (start $boom)
          (func (export "fibo") (param i64) (result i64) (local.get 0))
          (func (export "fibo_mod") (param i64 i64) (result i64) (local.get 0)))
        """

    static func publish(_ fixture: PackageFixture, to fleet: Fleet) async throws {
        let answer = try await fleet.server.request(.POST, "/api/v1/packages", bytes: try fixture.tar(), contentType: "application/x-tar")
        guard answer.status == 201 else { throw HarnessError("publishing failed: \(answer.status) \(answer.body)") }
    }

    /// One independent fibo step per device, `sNN` on the supervisor labelled `role: dNN`.
    static func manifest(devices: Int, range: String, update: String? = nil) -> String {
        var text = "name: wide\nsteps:\n"
        for index in 0..<devices {
            let name = String(format: "%02d", index)
            text += """
                  - name: s\(name)
                    module: fibo@\(range)
                    function: fibo
                    input: []
                    require: { labels: { role: d\(name) } }

                """
        }
        if let update { text += "update:\n" + update.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n" }
        return text
    }

    static func names(_ count: Int) -> [String] { (0..<count).map { String(format: "d%02d", $0) } }

    /// Every event of the deployment `name`, oldest first.
    static func events(_ fleet: Fleet, of name: String) async throws -> [FleetEvent] {
        var events: [FleetEvent] = []
        var since: Int64?
        while true {
            let page = try await fleet.server.client.events(since: since, limit: 500)
            events += page.events
            guard let last = page.events.last?.id, page.events.count == 500 else { break }
            since = last
        }
        return events.filter { $0.details?["deployment"]?.stringValue == name }
    }

    static func generation(of event: FleetEvent) -> Int64? {
        event.details?["generation"]?.numberValue.map { Int64($0) }
    }

    @Test("a failed update goes back to the generation that ran on every device and stays active there")
    func failedUpdateReverts() async throws {
        try await DeploymentProcessTests.withFleet(["a", "b"]) { fleet in
            let first = try await fleet.apply(DeploymentProcessTests.chain(first: "a", second: "b"))
            #expect(first.status == 201 && first.deployment?.status == .active, "\(first.body)")
            let pinned = try #require(first.deployment?.pins.first { $0.step == "produce" }?.version)
            try await Self.publish(try Self.fibo("1.9.0", module: Self.unstartable), to: fleet)

            let update = DeploymentProcessTests.chain(first: "a", second: "b").replacingOccurrences(of: "fibo@^1.1", with: "fibo@^1.9")
            let answer = try await fleet.apply(update)
            let deployment = try #require(answer.deployment, "\(answer.body)")
            #expect(deployment.status == .active, "\(answer.body)")
            #expect(deployment.generation == 3, "the revert is a generation of its own")
            #expect(deployment.pins.first { $0.step == "produce" }?.version == pinned)
            #expect(deployment.reason == nil)
            #expect(deployment.previous == nil)

            // The failed attempt is in the events, with why; nothing was removed.
            let events = try await Self.events(fleet, of: "chain")
            let revert = try #require(events.first { $0.kind == .deploymentRollout })
            #expect(revert.message.contains("the update to generation 2 failed"), "\(revert.message)")
            #expect(revert.message.contains("goes back to generation 1"), "\(revert.message)")
            #expect(!events.contains { $0.kind == .deploymentStatusChanged && $0.details?["status"]?.stringValue == "failed" })
            #expect(!events.contains { $0.kind == .deploymentRemoved })
            let run = try await fleet.run("chain", #"{"n": 10}"#)
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.generation == 3)
        }
    }

    @Test("a rollout over 20 devices whose canary fails its probe run is reverted before the others see it")
    func canaryFailsAndReverts() async throws {
        let count = 20
        try await DeploymentProcessTests.withFleet(Self.names(count)) { fleet in
            let first = try await fleet.apply(Self.manifest(devices: count, range: "~1.0"))
            #expect(first.deployment?.status == .active, "\(first.body)")
            try await Self.publish(try Self.fibo("1.2.0", module: Self.trapping), to: fleet)

            let update = Self.manifest(
                devices: count, range: "^1.2",
                update: "canary: 10%\nmax-parallel: 5\nmin-healthy-time: 0s\ncheck: { run: { n: 10 } }")
            let answer = try await fleet.apply(update)
            let deployment = try #require(answer.deployment, "\(answer.body)")
            #expect(deployment.status == .active, "\(answer.body)")
            #expect(deployment.generation == 3)
            #expect(deployment.pins.allSatisfy { $0.version == "1.0.0" })
            let rollout = try #require(deployment.rollout)
            #expect(rollout.state == .reverted)
            #expect(rollout.canary == 2 && !rollout.canaryPassed && rollout.updated.isEmpty)
            #expect(rollout.message?.contains("the canary (stage 1 of 5) failed: the probe run failed") == true, "\(rollout.message ?? "")")

            // Only the two canary devices ever took generation 2.
            let events = try await Self.events(fleet, of: "wide")
            let tookTwo = Set(events.filter { $0.kind == .deploymentStepChanged && Self.generation(of: $0) == 2 }.compactMap(\.device))
            #expect(tookTwo.count == 2, "\(tookTwo)")
            let run = try await fleet.run("wide", #"{"n": 10}"#)
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.steps.count == count && run.steps.allSatisfy { $0.value == .number(55) })
        }
    }

    @Test("a rollout over 20 devices goes in stages: the canary first, then at most max-parallel at a time, each after the last passed")
    func stagedRolloutKeepsItsOrder() async throws {
        let count = 20
        try await DeploymentProcessTests.withFleet(Self.names(count)) { fleet in
            let first = try await fleet.apply(Self.manifest(devices: count, range: "~1.0"))
            #expect(first.deployment?.status == .active, "\(first.body)")

            let update = Self.manifest(
                devices: count, range: "^1.1",
                update: "canary: 2\nmax-parallel: 25%\nmin-healthy-time: 200ms\ncheck: { run: { n: 10 }, max-error-rate: 0 }")
            let answer = try await fleet.apply(update)
            let deployment = try #require(answer.deployment, "\(answer.body)")
            #expect(deployment.status == .active && deployment.generation == 2, "\(answer.body)")
            #expect(deployment.pins.allSatisfy { $0.version == "1.1.0" })
            let rollout = try #require(deployment.rollout)
            #expect(rollout.state == .done && rollout.stage == 5 && rollout.stages == 5 && rollout.updated.count == count)

            let events = try await Self.events(fleet, of: "wide")
            let starts = events.filter { $0.kind == .deploymentRollout && $0.message.contains("goes to") }
            let stages = starts.map { start in (start.details?["devices"]?.arrayValue ?? []).compactMap(\.stringValue) }
            #expect(stages.map(\.count) == [2, 5, 5, 5, 3], "\(starts.map(\.message))")
            #expect(Set(stages.joined()).count == count, "every device in exactly one stage")
            #expect(starts.first?.details?["canary"] == .bool(true))
            // Each device took generation 2 after its stage began and before the next one did.
            let took = Dictionary(
                events.filter { $0.kind == .deploymentStepChanged && Self.generation(of: $0) == 2 }.compactMap { event in
                    event.device.map { ($0.rawValue, event.id) }
                }) { first, _ in first }
            for (index, devices) in stages.enumerated() {
                let begins = starts[index].id
                let nextBegins = index + 1 < starts.count ? starts[index + 1].id : Int64.max
                for device in devices {
                    let at = try #require(took[device], "\(device) never took generation 2")
                    #expect(at > begins && at < nextBegins, "\(device) took generation 2 outside stage \(index + 1)")
                }
            }
            #expect(events.contains { $0.kind == .deploymentRollout && $0.message.contains("is done: 20 device(s) in 5 stage(s)") })
        }
    }

    @Test("a canary without auto-promote waits; resume finishes the rollout; abort of a paused rollout reverts it")
    func pauseResumeAbort() async throws {
        try await DeploymentProcessTests.withFleet(Self.names(4)) { fleet in
            let first = try await fleet.apply(Self.manifest(devices: 4, range: "~1.0"))
            #expect(first.deployment?.status == .active, "\(first.body)")
            let waiting = "canary: 1\nmax-parallel: 2\nauto-promote: false\nmin-healthy-time: 0s"

            let update = try await fleet.apply(Self.manifest(devices: 4, range: "^1.1", update: waiting))
            let paused = try #require(update.deployment, "\(update.body)")
            #expect(paused.status == .deploying && paused.rollout?.state == .paused, "\(update.body)")
            #expect(paused.rollout?.canaryPassed == true && paused.rollout?.updated.count == 1)
            #expect(paused.rollout?.message?.contains("tide deploy resume wide") == true)
            // Both generations serve runs meanwhile.
            let mixed = try await fleet.run("wide", #"{"n": 10}"#)
            #expect(mixed.success, "\(mixed.error ?? "")")
            // A paused rollout stays paused through reconcile ticks.
            try await Task.sleep(for: .seconds(1))
            #expect(try await fleet.server.client.deployment("wide").rollout?.state == .paused)

            let resumed = try await fleet.server.request(.POST, "/api/v1/deployments/wide/resume")
            #expect(resumed.status == 202, "\(resumed.body)")
            #expect(try await eventually { try await fleet.server.client.deployment("wide").status == .active })
            let done = try await fleet.server.client.deployment("wide")
            #expect(done.rollout?.state == .done && done.generation == 2 && done.rollout?.updated.count == 4)

            let refused = try await fleet.server.request(.POST, "/api/v1/deployments/wide/pause")
            #expect(refused.status == 409, "\(refused.body)")
            #expect(refused.body.contains("no rollout under way to pause"), "\(refused.body)")

            let again = try await fleet.apply(Self.manifest(devices: 4, range: "~1.0", update: waiting))
            #expect(again.deployment?.rollout?.state == .paused && again.deployment?.generation == 3, "\(again.body)")
            let aborted = try await fleet.server.request(.POST, "/api/v1/deployments/wide/abort")
            #expect(aborted.status == 202, "\(aborted.body)")
            #expect(try await eventually { try await fleet.server.client.deployment("wide").rollout?.state == .reverted })
            #expect(try await eventually { try await fleet.server.client.deployment("wide").status == .active })
            let reverted = try await fleet.server.client.deployment("wide")
            #expect(reverted.generation == 4 && reverted.pins.allSatisfy { $0.version == "1.1.0" })
            #expect(reverted.rollout?.message == "the operator aborted the rollout")
            let run = try await fleet.run("wide", #"{"n": 10}"#)
            #expect(run.success && run.generation == 4, "\(run.error ?? "")")
        }
    }

    @Test("two steps pin different versions of one package, on one device, and both run; an update moves one of them")
    func severalVersionsOfOnePackage() async throws {
        try await DeploymentProcessTests.withFleet(["a"]) { fleet in
            let manifest = """
                name: versions
                steps:
                  - name: old
                    module: fibo@~1.0
                    function: fibo
                    input: []
                    require: { labels: { role: a } }
                  - name: new
                    module: fibo@^1.1
                    function: fibo_mod
                    input: []
                    require: { labels: { role: a } }
                """
            let answer = try await fleet.apply(manifest)
            let deployment = try #require(answer.deployment, "\(answer.body)")
            #expect(deployment.status == .active, "\(answer.body)")
            #expect(deployment.pins.map { "\($0.step) \($0.package)@\($0.version)" } == ["old fibo@1.0.0", "new fibo@1.1.0"])
            #expect(deployment.packages.map { "\($0.name)@\($0.version)" } == ["fibo@1.0.0", "fibo@1.1.0"])
            // fibo_mod exists only in 1.1.0: both versions run side by side on the one device.
            let run = try await fleet.run("versions", #"{"n": 10, "m": 7}"#)
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.steps.first { $0.step == "old" }?.value == .number(55))
            #expect(run.steps.first { $0.step == "new" }?.value == .number(6))

            let update = try await fleet.apply(manifest.replacingOccurrences(of: "fibo@~1.0", with: "fibo@^1.1"))
            #expect(update.deployment?.pins.map(\.version) == ["1.1.0", "1.1.0"], "\(update.body)")
            #expect(update.deployment?.packages.count == 1)
            #expect(try await fleet.run("versions", #"{"n": 10, "m": 7}"#).success)
        }
    }

    @Test("steps whose versions import different versions of one package are refused with both named; nothing is stored")
    func conflictingImportsAreRefused() async throws {
        try await DeploymentProcessTests.withFleet(["a"]) { fleet in
            // classifier 1.5.0 imports mathlib ~1.0 (1.0.0); classifier 1.0.0 imports mathlib ^1.0 (1.1.0).
            try await Self.publish(
                try PackageFixture("classifier", edit: { PackageFixture.version("1.5.0")($0).replacingOccurrences(of: "mathlib: ^1.0", with: "mathlib: ~1.0") }),
                to: fleet)
            let manifest = """
                name: scores
                steps:
                  - name: first
                    module: classifier@~1.0
                    function: score
                    input: []
                  - name: second
                    module: classifier@^1.5
                    function: score
                    input: []
                """
            let answer = try await fleet.server.request(.POST, "/api/v1/deployments", body: manifest, contentType: "application/yaml")
            #expect(answer.status == 400, "\(answer.body)")
            #expect(answer.body.contains("steps first and second need mathlib at 1.1.0 and 1.0.0"), "\(answer.body)")
            #expect(try await fleet.server.client.deployments().isEmpty)
        }
    }

    @Test("a canary whose calls fail above max-error-rate is reverted, with the rate in the reason")
    func errorRateRevertsTheCanary() async throws {
        try await DeploymentProcessTests.withFleet(Self.names(3)) { fleet in
            #expect(try await fleet.apply(Self.manifest(devices: 3, range: "~1.0")).deployment?.status == .active)
            try await Self.publish(try Self.fibo("1.2.0", module: Self.trapping), to: fleet)
            let update = Self.manifest(
                devices: 3, range: "^1.2", update: "canary: 1\nmax-parallel: 2\nmin-healthy-time: 5s\ncheck: { max-error-rate: 10% }")
            let applied = try await fleet.server.request(.POST, "/api/v1/deployments?wait=false", body: update, contentType: "application/yaml")
            #expect(applied.status == 202, "\(applied.body)")
            // Traffic while the canary is checked: its step traps.
            #expect(try await eventually {
                try await Self.events(fleet, of: "wide").contains { $0.kind == .deploymentStepChanged && Self.generation(of: $0) == 2 }
            })
            let run = try await fleet.run("wide", #"{"n": 10}"#)
            #expect(!run.success)
            #expect(try await eventually { try await fleet.server.client.deployment("wide").status == .active })
            let reverted = try await fleet.server.client.deployment("wide")
            #expect(reverted.rollout?.state == .reverted && reverted.generation == 3)
            #expect(reverted.rollout?.message?.contains("calls failed on the stage's devices") == true, "\(reverted.rollout?.message ?? "")")
            #expect(try await fleet.run("wide", #"{"n": 10}"#).success)
        }
    }

    @Test("a server stopped in the middle of a rollout neither reverts nor repeats: started again, it goes on to the end")
    func rolloutSurvivesARestart() async throws {
        try await DeploymentProcessTests.withFleet(Self.names(4)) { fleet in
            #expect(try await fleet.apply(Self.manifest(devices: 4, range: "~1.0")).deployment?.status == .active)
            let update = Self.manifest(devices: 4, range: "^1.1", update: "canary: 1\nmax-parallel: 1\nmin-healthy-time: 1500ms")
            let applied = try await fleet.server.request(.POST, "/api/v1/deployments?wait=false", body: update, contentType: "application/yaml")
            #expect(applied.status == 202, "\(applied.body)")
            #expect(try await eventually { (try await fleet.server.client.deployment("wide").rollout?.stage ?? 0) >= 2 })

            await fleet.server.stop()
            let stored = try #require(try fleet.server.store().deployments().first)
            #expect(stored.status == .deploying && stored.rollout?.state == .rolling && stored.generation == 2)
            let restarted = try await TestServer.start(
                probeInterval: .zero, heartbeatTimeout: .seconds(10), bundledRegistry: Repository.registry,
                dataDirectory: fleet.server.dataDirectory, supervisorToken: DeploymentProcessTests.token, port: fleet.server.port)
            defer { Task { await restarted.stop() } }
            #expect(try await eventually(timeout: .seconds(40)) { try await restarted.client.deployment("wide").status == .active })
            let done = try await restarted.client.deployment("wide")
            #expect(done.generation == 2 && done.rollout?.state == .done && done.rollout?.updated.count == 4, "\(String(describing: done.rollout))")
            let events = try await restarted.client.events(limit: 500).events.filter { $0.details?["deployment"]?.stringValue == "wide" }
            let canaries = events.filter { $0.kind == .deploymentRollout && $0.details?["canary"] == .bool(true) && $0.message.contains("goes to") }
            #expect(canaries.count == 1, "the canary is not repeated")
            #expect(!events.contains { $0.kind == .deploymentRollout && $0.message.contains("failed") })
            #expect(try await restarted.client.run("wide", inputs: ["n": .number(10)]).success)
        }
    }
}

