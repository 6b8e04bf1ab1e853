import AsyncHTTPClient
import Foundation
import Testing
import TideClient
import TideModel
import TidePackageFormat
@testable import TideTesting

/// Planned moves of stateful steps (`state: keep`) between real supervisor processes: the state
/// moves with the step, the runs wait and none fails or runs twice; cordons keep new work off.
@Suite("Liquid moves (drain, cordon)", .serialized, .stopsWhatItStarts)
struct LiquidMoveTests {
    typealias Fleet = DeploymentProcessTests.Fleet

    /// One step counting its calls in its instance's memory (the bundled counter), on sup-a.
    static func tally(_ state: String = "keep", function: String = "increment") -> String {
        """
        name: tally
        steps:
          - name: count
            module: counter@1
            function: \(function)
            state: \(state)
            prefer: { labels: { role: sup-a }, weight: 10 }
        """
    }

    static func count(_ result: RunResult) -> Int? {
        result.result?.numberValue.flatMap { Int(exactly: $0) }
    }

    static func stateEvents(_ fleet: Fleet) async throws -> [FleetEvent] {
        try await fleet.server.client.events(limit: 1000).events.filter { $0.kind == .deploymentState }
    }

    @Test("drain of a device running a counter at N: the next call, on the new device, returns N+1")
    func drainCarriesTheCounter() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
            let applied = try await fleet.apply(Self.tally())
            #expect(applied.deployment?.step("count")?.device == fleet.id("sup-a"), "\(applied.body)")
            for expected in 1...5 { #expect(Self.count(try await fleet.run("tally")) == expected) }

            let report = try await fleet.server.client.drainDevice(fleet.id("sup-a"))
            #expect(report.stayed.isEmpty, "\(report)")
            let move = try #require(report.moved.first)
            #expect(move.step == "count" && move.from == fleet.id("sup-a") && move.to == fleet.id("sup-b"), "\(report)")
            #expect(move.state?.outcome == .carried && (move.state?.bytes ?? 0) > 0 && move.state?.digest?.hasPrefix("sha256:") == true, "\(report)")
            // Pre-copied: the whole state went to sup-b before the pause, only the changes in it.
            let changed = try #require(move.state?.changedBytes, "\(report)")
            #expect(changed < (move.state?.bytes ?? 0), "\(report)")

            #expect(Self.count(try await fleet.run("tally")) == 6, "the count went on where it was")
            let deployment = try await fleet.server.client.deployment("tally")
            #expect(deployment.step("count")?.device == fleet.id("sup-b"))
            #expect(try await !fleet.serves("sup-a", "/tally/modules/count/increment"), "the old instance is gone")
            #expect(try await fleet.server.client.device(fleet.id("sup-a")).cordonedAt != nil, "a drained device stays cordoned")
            let carried = try await Self.stateEvents(fleet)
            #expect(carried.count == 1 && carried[0].details?["outcome"] == "carried", "\(carried.map(\.message))")
            #expect(carried.first?.message.contains("tally: step count keeps its state on sup-b") == true, "\(carried.map(\.message))")
            #expect(carried.first?.message.contains("pre-copied, then") == true, "\(carried.map(\.message))")
        }
    }

    @Test("100 or more runs in flight during a drain all succeed, each exactly once")
    func runsDuringADrain() async throws {
        try await Self.withRunsClient { http in
            try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
                try await Self.runsDuring(fleet, http, manifest: Self.tally()) {
                    let report = try await fleet.server.client.drainDevice(fleet.id("sup-a"))
                    #expect(report.moved.first?.state?.outcome == .carried, "\(report)")
                }
            }
        }
    }

    @Test("100 or more runs in flight during a rolling update that moves a stateful step all succeed, each exactly once")
    func runsDuringARollingUpdate() async throws {
        let rolling = Self.tally() + "\nupdate:\n  canary: 1\n  min-healthy-time: 100ms\n"
        try await Self.withRunsClient { http in
            try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
                let toB = rolling.replacingOccurrences(
                    of: "prefer: { labels: { role: sup-a }, weight: 10 }", with: "require: { device: \(fleet.id("sup-b")) }")
                try await Self.runsDuring(fleet, http, manifest: rolling) {
                    let answer = try await fleet.apply(toB)
                    #expect(answer.deployment?.status == .active && answer.deployment?.step("count")?.device == fleet.id("sup-b"), "\(answer.body)")
                }
                let carried = try await Self.stateEvents(fleet)
                #expect(carried.count == 1 && carried.first?.details?["outcome"] == "carried", "\(carried.map(\.message))")
            }
        }
    }

    /// The runs wait at the server while the state moves, each holding a connection: their
    /// client has room for all of them, and the move goes through another one.
    private static func withRunsClient(_ body: (HTTPClient) async throws -> Void) async throws {
        let http = HTTPClient(configuration: .init(
            timeout: .init(connect: .seconds(60), read: .seconds(120)),
            connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 128)))
        do {
            try await body(http)
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// Applies `manifest` (tally on sup-a), then sends a stream of runs, one every 10 ms, until
    /// `move` (which moves the step to sup-b, started early in it) is over and at least 100 have
    /// started (at most 600), so runs go before, during and after it: all succeed, each counted once.
    private static func runsDuring(
        _ fleet: Fleet, _ http: HTTPClient, manifest: String, move: @escaping @Sendable () async throws -> Void
    ) async throws {
        let applied = try await fleet.apply(manifest)
        #expect(applied.deployment?.status == .active, "\(applied.body)")
        let client = TideClient(baseURL: fleet.server.baseURL, token: fleet.server.token, http: http, timeout: .seconds(120))
        let moved = DrainFlag()
        let moving = Task {
            try await Task.sleep(for: .milliseconds(150))
            do {
                try await move()
                await moved.set()
            } catch {
                await moved.set()
                throw error
            }
        }
        var runs: [Task<RunResult, any Error>] = []
        while runs.count < 600 {
            if runs.count >= 100, await moved.isSet { break }
            runs.append(Task { try await client.run("tally", inputs: [:]) })
            try await Task.sleep(for: .milliseconds(10))
        }
        try await moving.value
        var counts: [Int] = []
        var devices: [DeviceID: Int] = [:]
        for run in runs {
            let result = try await run.value
            #expect(result.success, "\(result.error ?? "")")
            if let count = Self.count(result) { counts.append(count) }
            if let device = result.steps.first?.device { devices[device, default: 0] += 1 }
        }
        // Each call counted once: the counts are 1...N, none twice, none missing.
        #expect(counts.sorted() == Array(1...runs.count), "\(counts.sorted())")
        // Some ran before the move and some after it (else the drain did not overlap them).
        #expect(devices[fleet.id("sup-a"), default: 0] > 0 && devices[fleet.id("sup-b"), default: 0] > 0, "\(devices)")
        #expect(Self.count(try await fleet.run("tally")) == runs.count + 1)
    }

    @Test("a state larger than the new device takes is lost: the step starts fresh there, and the event says why")
    func tooLargeFallsBack() async throws {
        try await DeploymentProcessTests.withFleet(
            ["sup-a", "sup-b"], supervisorArguments: ["sup-b": ["--max-snapshot-bytes", "65536"]]
        ) { fleet in
            let applied = try await fleet.apply(Self.tally(function: "reserve"))
            #expect(applied.deployment?.status == .active, "\(applied.body)")
            let grown = try await fleet.run("tally", #"{"kib": 512}"#)
            let grownKiB = try #require(Self.count(grown), "\(grown)")
            #expect(grownKiB >= 512)

            let report = try await fleet.server.client.drainDevice(fleet.id("sup-a"))
            let state = try #require(report.moved.first?.state, "\(report)")
            #expect(state.outcome == .lost, "\(report)")
            #expect(state.reason?.contains("refused it") == true && state.reason?.contains("65536") == true, "\(state.reason ?? "")")
            // The step runs on sup-b, fresh: its memory is what a new instance has.
            let fresh = try await fleet.run("tally", #"{"kib": 0}"#)
            #expect(fresh.success && (Self.count(fresh) ?? .max) < grownKiB, "\(fresh)")
            let lost = try await Self.stateEvents(fleet)
            #expect(lost.first?.details?["outcome"] == "lost" && lost.first?.message.contains("starts fresh on sup-b") == true,
                "\(lost.map(\.message))")
        }
    }

    @Test("a drain carries the files a stateful step wrote in its own directory: the journal goes on growing on the new device")
    func drainCarriesFiles() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
            let yaml = """
                name: journal
                version: 1.0.0
                description: Appends to journal.txt in its own directory (state that is a file)
                module: journal.wasm
                functions:
                  append:
                    method: post
                    description: Appends n bytes; returns the file's size
                    parameters:
                      - name: n
                        type: i32
                    result: i64
                """
            let tar = try PackageArchive(files: ["package.yaml": Array(yaml.utf8), "journal.wasm": try Fixtures.journal]).tar()
            let published = try await fleet.server.request(.POST, "/api/v1/packages", bytes: tar, contentType: "application/x-tar")
            #expect(published.status == 201, "\(published.body)")
            let applied = try await fleet.apply("""
                name: notes
                steps:
                  - name: log
                    module: journal@1
                    function: append
                    state: keep
                    prefer: { labels: { role: sup-a }, weight: 10 }
                """)
            #expect(applied.deployment?.step("log")?.device == fleet.id("sup-a"), "\(applied.body)")
            #expect(Self.count(try await fleet.run("notes", #"{"n": 1000}"#)) == 1000)
            #expect(Self.count(try await fleet.run("notes", #"{"n": 234}"#)) == 1234)

            let report = try await fleet.server.client.drainDevice(fleet.id("sup-a"))
            #expect(report.moved.first?.to == fleet.id("sup-b") && report.moved.first?.state?.outcome == .carried, "\(report)")
            let after = try await fleet.run("notes", #"{"n": 10}"#)
            #expect(after.steps.first?.device == fleet.id("sup-b"), "\(after)")
            #expect(Self.count(after) == 1244, "the journal moved with the step and grows on: \(after)")
        }
    }

    @Test("a rebalance that moves a stateful step back carries its state, pre-copied")
    func rebalanceCarriesTheCounter() async throws {
        try await DeploymentProcessTests.withFleet(
            ["sup-a", "sup-b"], probeInterval: .seconds(1), reconcileInterval: .seconds(1), rebalanceGain: 0.5
        ) { fleet in
            #expect(try await fleet.apply(Self.tally()).deployment?.step("count")?.device == fleet.id("sup-a"))
            fleet.devices["sup-a"]?.process.signal(SIGKILL)
            #expect(try await eventually(timeout: .seconds(8)) {
                let deployment = try await fleet.server.client.deployment("tally")
                return deployment.status == .active && deployment.step("count")?.device == fleet.id("sup-b")
            })
            // Fresh on sup-b (no checkpoints): 1, 2, 3 there.
            for expected in 1...3 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            _ = try await fleet.restart("sup-a")
            #expect(try await eventually(timeout: .seconds(15)) {
                let deployment = try await fleet.server.client.deployment("tally")
                return deployment.status == .active && deployment.step("count")?.device == fleet.id("sup-a")
            })
            let next = try await fleet.run("tally")
            #expect(next.steps.first?.device == fleet.id("sup-a") && Self.count(next) == 4, "the count came back with the step: \(next)")
            let carried = try await Self.stateEvents(fleet).filter { $0.details?["outcome"] == "carried" }
            #expect(carried.count == 1 && carried.first?.details?["changedBytes"] != nil, "\(carried.map(\.message))")
        }
    }

    /// Publishes counter 1.0.1: the bundled module with a custom section appended, so another
    /// digest (another version) with the same code.
    static func publishCounter101(_ fleet: Fleet) async throws {
        let wasm = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Repository.registry + "/counter/counter.wasm")))
        let name = Array("tide-test".utf8)
        let section: [UInt8] = [0, UInt8(name.count + 1 + 1), UInt8(name.count)] + name + [1]
        let yaml = try String(contentsOfFile: Repository.registry + "/counter/package.yaml", encoding: .utf8)
            .replacingOccurrences(of: "version: 1.0.0", with: "version: 1.0.1")
        let tar = try PackageArchive(files: ["package.yaml": Array(yaml.utf8), "counter.wasm": wasm + section]).tar()
        let answer = try await fleet.server.request(.POST, "/api/v1/packages", bytes: tar, contentType: "application/x-tar")
        #expect(answer.status == 201, "\(answer.body)")
    }

    @Test("an update that moves a stateful step carries its state; one that also changes its version cannot, and says so")
    func updatesThatMove() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b", "sup-c"]) { fleet in
            _ = try await fleet.apply(Self.tally())
            for expected in 1...3 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            let toB = Self.tally().replacingOccurrences(
                of: "prefer: { labels: { role: sup-a }, weight: 10 }", with: "require: { device: \(fleet.id("sup-b")) }")
            let moved = try await fleet.apply(toB)
            #expect(moved.deployment?.step("count")?.device == fleet.id("sup-b"), "\(moved.body)")
            #expect(Self.count(try await fleet.run("tally")) == 4, "the update carried the count")

            try await Self.publishCounter101(fleet)
            let toC = toB.replacingOccurrences(of: "counter@1", with: "counter@=1.0.1")
                .replacingOccurrences(of: fleet.id("sup-b").rawValue, with: fleet.id("sup-c").rawValue)
            let updated = try await fleet.apply(toC)
            #expect(updated.deployment?.step("count")?.device == fleet.id("sup-c"), "\(updated.body)")
            #expect(Self.count(try await fleet.run("tally")) == 1, "another version starts fresh")
            let outcomes = try await Self.stateEvents(fleet).map { ($0.details?["outcome"]?.stringValue ?? "", $0.message) }
            #expect(outcomes.map(\.0).sorted() == ["carried", "lost"], "\(outcomes)")
            let lost = outcomes.first { $0.0 == "lost" }?.1 ?? ""
            #expect(lost.contains("starts fresh on sup-c") && lost.contains("another version"), "\(lost)")
        }
    }

    @Test("an update that changes a device's node but not a stateful step's module keeps the step's state there")
    func redeployInPlace() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
            _ = try await fleet.apply(Self.tally())
            for expected in 1...3 { #expect(Self.count(try await fleet.run("tally")) == expected) }
            // A second step on sup-a: its node changes and is pushed again; count stays there.
            let wider = Self.tally() + """

                  - name: other
                    module: counter@1
                    function: get
                    input: []
                    require: { device: \(fleet.id("sup-a")) }
                """
            let updated = try await fleet.apply(wider)
            #expect(updated.deployment?.step("count")?.device == fleet.id("sup-a"), "\(updated.body)")
            let run = try await fleet.run("tally")
            #expect(run.result?["count"] == .number(4), "\(String(describing: run.result))")
            #expect(try await Self.stateEvents(fleet).isEmpty, "nothing moved")
        }
    }

    @Test("a cordoned device takes no new work, keeps what it runs; uncordoned, it takes work again")
    func cordon() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a", "sup-b"]) { fleet in
            let first = try await fleet.apply(Self.tally())
            #expect(first.deployment?.step("count")?.device == fleet.id("sup-a"), "\(first.body)")
            let cordoned = try await fleet.server.client.cordonDevice(fleet.id("sup-a"))
            #expect(cordoned.cordonedAt != nil)
            #expect(Self.count(try await fleet.run("tally")) == 1, "its step stays and runs")

            let other = try await fleet.apply(Self.tally().replacingOccurrences(of: "name: tally", with: "name: other"))
            #expect(other.deployment?.step("count")?.device == fleet.id("sup-b"), "\(other.body)")
            let plan = try await fleet.server.request(.POST, "/api/v1/plan", body: """
                name: pinned
                steps:
                  - {name: count, module: counter@1, function: get, require: {device: \(fleet.id("sup-a"))}}
                """, contentType: "application/yaml")
            #expect(plan.status == 422 && plan.body.contains("is cordoned (tide device uncordon lets it take work)"), "\(plan.body)")

            let uncordoned = try await fleet.server.client.cordonDevice(fleet.id("sup-a"), false)
            #expect(uncordoned.cordonedAt == nil)
            let again = try await fleet.server.request(.POST, "/api/v1/plan", body: """
                name: pinned
                steps:
                  - {name: count, module: counter@1, function: get, require: {device: \(fleet.id("sup-a"))}}
                """, contentType: "application/yaml")
            #expect(again.status == 200, "\(again.body)")
            let kinds = try await fleet.server.client.events(device: fleet.id("sup-a")).events.map(\.kind)
            #expect(kinds.contains(.deviceCordoned) && kinds.contains(.deviceUncordoned))
        }
    }

    @Test("a drain that cannot move a step leaves it running there and says why")
    func drainWithNowhereToGo() async throws {
        try await DeploymentProcessTests.withFleet(["sup-a"]) { fleet in
            _ = try await fleet.apply(Self.tally())
            #expect(Self.count(try await fleet.run("tally")) == 1)
            let report = try await fleet.server.client.drainDevice(fleet.id("sup-a"))
            #expect(report.moved.isEmpty && report.stayed.count == 1, "\(report)")
            #expect(report.stayed.first?.reason.contains("is being drained") == true, "\(report)")
            #expect(Self.count(try await fleet.run("tally")) == 2, "the step runs on, with its state")
        }
    }
}

/// Set once a drain is over, read by the loop that keeps runs coming until then.
private actor DrainFlag {
    private(set) var isSet = false
    func set() { isSet = true }
}
