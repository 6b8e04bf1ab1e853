import Foundation
import Testing
import TideModel
import TidePackageFormat
@testable import TideTesting

/// Runs in flight when a step's device fails, with real supervisor processes and the health
/// monitor on: they go on through the step's new placement, unless the step must not run twice.
@Suite("Runs that survive failover", .serialized, .stopsWhatItStarts)
struct RunFailoverTests {
    typealias Fleet = DeploymentProcessTests.Fleet

    /// `hold.tick(ms)`: counts the calls of its instance, sleeps `ms` milliseconds, returns the count.
    static func publishHold(_ fleet: Fleet) async throws {
        let module = try Fixtures.wat(
            """
            (module
              (import "sys" "delay" (func $delay (param i32)))
              (global $count (mut i64) (i64.const 0))
              (func (export "tick") (param $ms i64) (result i64)
                (global.set $count (i64.add (global.get $count) (i64.const 1)))
                (call $delay (i32.wrap_i64 (local.get $ms)))
                (global.get $count)))
            """)
        let yaml = """
            name: hold
            version: 1.0.0
            description: Counts its calls and takes its time
            module: hold.wasm
            functions:
              tick:
                method: get
                description: Sleeps ms milliseconds; returns how many calls this instance ran
                parameters:
                  - name: ms
                    type: i64
                result: i64
            """
        let tar = try PackageArchive(files: ["package.yaml": Array(yaml.utf8), "hold.wasm": module]).tar()
        let answer = try await fleet.server.request(.POST, "/api/v1/packages", bytes: tar, contentType: "application/x-tar")
        #expect(answer.status == 201, "\(answer.body)")
    }

    /// first (sup-a) -> middle (hold.tick on sup-b; may move anywhere but sup-a and sup-c) -> last (sup-c).
    /// With input n, middle sleeps fibo(n) ms; the run's result is fibo(middle's call count).
    static func pipeline(_ fleet: Fleet, idempotent: Bool = true) -> String {
        """
        name: pipe
        steps:
          - name: first
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: sup-a } }
          - name: middle
            module: hold@1
            function: tick
            require: { avoid: [\(fleet.id("sup-a")), \(fleet.id("sup-c"))] }
            prefer: { labels: { role: sup-b } }\(idempotent ? "" : "\n    idempotent: false")
          - name: last
            module: fibo@^1.1
            function: fibo
            require: { labels: { role: sup-c } }
        """
    }

    /// Deploys the pipeline; returns the supervisor that holds middle (sup-b, unless a heartbeat
    /// late on a loaded machine made it suspect at that moment) and the one middle can move to.
    static func deployed(_ fleet: Fleet, idempotent: Bool = true) async throws -> (holder: String, spare: String) {
        try await publishHold(fleet)
        let applied = try await fleet.apply(Self.pipeline(fleet, idempotent: idempotent))
        #expect(applied.deployment?.status == .active, "\(applied.body)")
        let middle = applied.deployment?.step("middle")?.device
        let holder = try #require(["sup-b", "sup-d"].first { fleet.id($0) == middle }, "middle is on \(String(describing: middle))")
        return (holder, holder == "sup-b" ? "sup-d" : "sup-b")
    }

    /// Starts a run whose middle step sleeps `milliseconds` (fibo(n) of its input n).
    static func startRun(_ fleet: Fleet, n: Int) -> Task<RunResult, any Error> {
        let client = fleet.server.client
        return Task { try await client.run("pipe", inputs: ["n": .number(JSONNumber(n))]) }
    }

    @Test("SIGKILL of a step's device during a run: the run goes on through the new placement, and says it was retried")
    func killedDuringRun() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c", "sup-d"], probeInterval: .seconds(1)) { fleet in
            let (holder, spare) = try await Self.deployed(fleet)
            let running = Self.startRun(fleet, n: 16)  // middle sleeps 987 ms
            try await Task.sleep(for: .milliseconds(400))
            fleet.devices[holder]?.process.signal(SIGKILL)
            let run = try await running.value
            #expect(run.success, "\(run.error ?? "")")
            // middle ran once on the spare (its count is 1), and last computed fibo(1).
            #expect(run.result == .number(1))
            #expect(run.steps.map(\.step) == ["first", "middle", "last"])
            #expect(run.steps.map(\.device) == [fleet.id("sup-a"), fleet.id(spare), fleet.id("sup-c")])
            let retry = try #require(run.retries?.first, "the result does not say the run was retried")
            #expect(run.retries?.count == 1)
            #expect(retry.step == "middle")
            #expect(retry.device == fleet.id(holder))
            #expect(retry.movedTo == fleet.id(spare))
            #expect(!retry.error.isEmpty)
        }
    }

    @Test("SIGSTOP of a step's device during a run: the server stops waiting once it knows the device is dead, and the run goes on")
    func frozenDuringRun() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c", "sup-d"], probeInterval: .seconds(1)) { fleet in
            let (holder, spare) = try await Self.deployed(fleet)
            let running = Self.startRun(fleet, n: 16)
            try await Task.sleep(for: .milliseconds(400))
            fleet.devices[holder]?.process.signal(SIGSTOP)
            let run = try await running.value
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.result == .number(1))
            #expect(run.steps.map(\.device) == [fleet.id("sup-a"), fleet.id(spare), fleet.id("sup-c")])
            let retry = try #require(run.retries?.first, "the result does not say the run was retried")
            #expect(retry.step == "middle")
            #expect(retry.device == fleet.id(holder))
            #expect(retry.movedTo == fleet.id(spare))
            // Well within the 60 s a request may take: the run gave up on the holder as it went dead.
            #expect(run.durationMs < 30_000, "\(run.durationMs) ms")
            fleet.devices[holder]?.process.signal(SIGCONT)
        }
    }

    @Test("a step marked idempotent: false whose device dies during its call: the run fails naming it, and it does not run twice")
    func notIdempotent() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c", "sup-d"], probeInterval: .seconds(1)) { fleet in
            let (holder, spare) = try await Self.deployed(fleet, idempotent: false)
            // middle sleeps 2,584 ms: the kill falls inside its call even when the machine is slow to get there.
            let running = Self.startRun(fleet, n: 18)
            try await Task.sleep(for: .milliseconds(1300))
            fleet.devices[holder]?.process.signal(SIGKILL)
            let run = try await running.value
            #expect(!run.success)
            let error = run.error ?? ""
            #expect(error.contains("step middle is marked idempotent: false and may already have run"), "\(error)")
            #expect(error.contains("not retried"), "\(error)")
            #expect(run.retries == nil)
            #expect(!run.steps.contains { $0.device == fleet.id(spare) })

            // Once middle has moved, the next run calls it on the spare for the first time: its count is 1.
            #expect(try await eventually(timeout: .seconds(15)) {
                let deployment = try await fleet.server.client.deployment("pipe")
                return deployment.step("middle")?.device == fleet.id(spare) && deployment.steps.allSatisfy { $0.state == .running }
            })
            let next = try await fleet.server.client.run("pipe", inputs: ["n": .number(1)])
            #expect(next.success, "\(next.error ?? "")")
            #expect(next.steps.first { $0.step == "middle" }?.value == .number(1))
        }
    }

    @Test("a feeding supervisor gives up its hand-off to a frozen next hop once the server moves the step, not after --chain-timeout")
    func handOffEndsWhenNextHopDies() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c", "sup-d"], probeInterval: .seconds(1)) { fleet in
            let (holder, spare) = try await Self.deployed(fleet)
            let frozen = fleet.id(holder)
            fleet.devices[holder]?.process.signal(SIGSTOP)
            defer { fleet.devices[holder]?.process.signal(SIGCONT) }
            let started = ContinuousClock.now
            let running = Self.startRun(fleet, n: 5)
            var deadAfter: Duration?
            while ContinuousClock.now - started < .seconds(30) {
                if try await fleet.server.client.device(frozen).status == .dead {
                    deadAfter = ContinuousClock.now - started
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let dead = try #require(deadAfter, "\(holder) was not marked dead within 30 s")
            let run = try await running.value
            let finishedAfter = ContinuousClock.now - started
            #expect(run.success, "\(run.error ?? "")")
            #expect(run.steps.map(\.device) == [fleet.id("sup-a"), fleet.id(spare), fleet.id("sup-c")])
            let retry = try #require(run.retries?.first, "the result does not say the run was retried")
            #expect(retry.step == "middle")
            #expect(retry.device == frozen)
            #expect(retry.error.contains("the orchestrator moved the next step"), "\(retry.error)")
            // sup-a's own record of the hand-off: ended by the new node, not by its 10 s chain timeout.
            let first = try #require(run.steps.first { $0.step == "first" })
            let entry = try await HTTPProbe.get(first.requestURL)
            #expect(entry.body.contains("the orchestrator moved the next step"), "\(entry.body)")
            #expect(entry.body.contains("\"forwardFailure\""), "\(entry.body)")
            // Loose: the hand-off ended seconds after the server knew, well before the 10 s timeout.
            #expect(finishedAfter - dead < .seconds(8), "the run ended \(finishedAfter - dead) after \(holder) was marked dead")
        }
    }
}
