import Foundation
import PostgresNIO
import Testing
import TideClient
import TideModel
import TidePostgresStore
import TideStore
@testable import TideTesting

/// Three `tide server` replicas on one PostgreSQL (`scripts/postgres-env`), real supervisor
/// processes, and SIGKILL: of the leader in the middle of a deploy, of a replica that watches
/// devices while one of them dies, and a restart of PostgreSQL itself.
@Suite("High availability", .serialized, .stopsWhatItStarts, .enabled(if: PostgresTestDatabase.wanted))
struct HighAvailabilityTests {
    /// One step that would rather run on sup-a.
    static let manifest = "name: ha\nsteps:\n  - name: f\n    module: fibo@^1.1\n    function: fibo\n    prefer: { labels: { role: sup-a } }\n"

    @Test("three replicas: each answers and shows one leader; SIGKILL of the leader mid-deploy: another finishes it, nothing accepted is lost, one generation per device")
    func leaderKilledMidDeploy() async throws {
        try await PostgresTestDatabase.withFresh { database in
            let set = try await ReplicaSet.start(3, database: database)
            defer { set.stop() }
            for name in ["sup-a", "sup-b"] { try await set.startSupervisor(name) }
            #expect(try await eventually(timeout: .seconds(20)) { await set.settled() }, "\(set.logs())")
            for id in set.ids {
                let status = try await set.client(id).cluster()
                #expect(status.replicas.count == 3, "\(id): \(status)")
                #expect(status.replicas.filter(\.leader).count == 1)
                #expect(status.replicas.first(where: \.this)?.id == id)
            }
            let leader = try #require(try await set.leader())
            let follower = try #require(set.ids.first { $0 != leader })
            let client = set.client(follower)
            #expect(try await eventually(timeout: .seconds(15)) { try await client.devices(status: .alive).count == 2 }, "\(set.logs())")
            let devices = try await client.devices()
            let a = try #require(devices.first { $0.name == "sup-a" }).id
            let b = try #require(devices.first { $0.name == "sup-b" }).id
            _ = try await client.label(a, ["role": "sup-a"])

            // sup-a hangs, so the push to it is in flight when the leader dies. The apply goes to
            // a replica that does not lead: it forwards it.
            set.supervisor("sup-a")?.signal(SIGSTOP)
            let applied = try await HTTPProbe.post(
                set.base(follower) + "/api/v1/deployments?wait=false", json: Self.manifest, contentType: "application/yaml",
                token: set.operatorToken)
            #expect(applied.status == 202, "\(applied.body)")
            try await Task.sleep(for: .milliseconds(400))
            let killedAt = ContinuousClock.now
            set.kill(leader)

            let survivors = set.ids.filter { $0 != leader }
            #expect(try await eventually(timeout: .seconds(15)) {
                guard let next = try await set.leader(among: survivors) else { return false }
                return next != leader
            }, "\(set.logs())")
            let takeover = ContinuousClock.now - killedAt
            #expect(takeover < .seconds(15), "takeover took \(takeover)")
            #expect(try await eventually(timeout: .seconds(30)) { try await client.deployment("ha").status == .active }, "\(set.logs())")
            let finished = try await client.deployment("ha")
            #expect(finished.step("f")?.device == b)
            #expect(finished.installed[b]?.generation == finished.generation)
            #expect(Set(finished.installed.keys).isSubset(of: [a, b]))
            #expect(try await client.run("ha", inputs: ["n": .number(7)]).result == .number(13))

            // The hung device wakes; what it installed late is removed by the new leader.
            set.supervisor("sup-a")?.signal(SIGCONT)
            #expect(try await eventually(timeout: .seconds(15)) { try await client.deployment("ha").installed[a] == nil }, "\(set.logs())")

            // Every surviving replica shows the same event log.
            // (Events may still be committed between the reads: equal once they settle.)
            var logs: [[Int64]] = []
            #expect(try await eventually(timeout: .seconds(15)) {
                logs = try await survivors.asyncMap { try await set.client($0).events(tail: 200).events.map(\.id) }
                return Set(logs).count == 1
            }, "\(logs)")
            #expect(logs.first?.isEmpty == false)
        }
    }

    @Test("SIGKILL of a replica while a device it watches dies: the others watch its devices and the step moves")
    func watcherKilledWithItsDevice() async throws {
        try await PostgresTestDatabase.withFresh { database in
            let set = try await ReplicaSet.start(3, database: database)
            defer { set.stop() }
            for name in ["sup-a", "sup-b", "sup-c"] { try await set.startSupervisor(name) }
            #expect(try await eventually(timeout: .seconds(20)) { await set.settled() }, "\(set.logs())")
            let leader = try #require(try await set.leader())
            let client = set.client(leader)
            #expect(try await eventually(timeout: .seconds(15)) { try await client.devices(status: .alive).count == 3 }, "\(set.logs())")
            let replicaIDs = try set.ids.map { try ReplicaID($0) }
            // A device watched by a replica that does not lead, so that the replica and the
            // device die while the leader stays. Ids are random: with 3 devices all fall to the
            // leader about once in 27 runs, so more supervisors start until one does not.
            func notTheLeaders() async throws -> Device? {
                try await client.devices().first { device in
                    Rendezvous.owner(of: device.id.rawValue, among: replicaIDs)?.rawValue != leader
                }
            }
            var found = try await notTheLeaders()
            for extra in 0..<8 where found == nil {
                try await set.startSupervisor("sup-extra-\(extra)")
                #expect(try await eventually(timeout: .seconds(15)) { try await client.devices(status: .alive).count == 4 + extra }, "\(set.logs())")
                found = try await notTheLeaders()
            }
            let watched = try #require(found, "every device is watched by the leader")
            let watcher = try #require(Rendezvous.owner(of: watched.id.rawValue, among: replicaIDs)?.rawValue)
            // Every replica names the watcher in its heartbeat answers, and the supervisor's
            // heartbeats went there (it starts at r1, the first of its URLs).
            for id in set.ids {
                let beat = #"{"id": "\#(watched.id.rawValue)", "health": {"cpuUsage": 0.1, "memoryUsage": 0.1}}"#
                let answer = try await HTTPProbe.post(set.base(id) + "/file/device/heartbeat", json: beat, token: ReplicaSet.supervisorToken)
                #expect(answer.status == 200, "\(answer.body)")
                let ack = try JSONDecoder().decode(HeartbeatAck.self, from: Data(answer.body.utf8))
                #expect(ack.watcher == set.base(watcher), "\(id) answered \(answer.body)")
            }
            if watcher != "r1" {
                let moved = "heartbeats go to \(set.base(watcher)) from now on"
                #expect(
                    try await eventually(timeout: .seconds(10)) { set.supervisor(watched.name)?.output().contains(moved) == true },
                    "\(set.logs())")
            }
            _ = try await client.label(watched.id, ["role": "sup-a"])
            let applied = try await HTTPProbe.post(
                set.base(leader) + "/api/v1/deployments", json: Self.manifest, contentType: "application/yaml", token: set.operatorToken)
            #expect(applied.status == 201 || applied.status == 200, "\(applied.body)")
            #expect(try await client.deployment("ha").step("f")?.device == watched.id)

            // Each replica holds its presence lock, so the others learn of the kill from its session.
            #expect(try await eventually(timeout: .seconds(15)) { try await Self.present(database) == Set(set.ids) })
            let killed = ContinuousClock.now
            set.kill(watcher)
            set.supervisor(watched.name)?.signal(SIGKILL)
            // Goal 3 s (tide-bench ha measures it); 10x here, a hang guard on a loaded machine.
            #expect(try await eventually(timeout: .seconds(30)) {
                let deployment = try await client.deployment("ha")
                return deployment.status == .active && deployment.step("f")?.device != watched.id
            }, "\(set.logs())")
            let moved = ContinuousClock.now - killed
            #expect(moved < .seconds(30), "the step moved after \(moved)")
            #expect(try await client.device(watched.id).status == .dead)
            #expect(try await client.run("ha", inputs: ["n": .number(10)]).result == .number(55))
        }
    }

    @Test("SIGTERM of the leader: it hands the lease on as it stops, and another replica leads long before the lease would run out")
    func leaderStopsCleanly() async throws {
        try await PostgresTestDatabase.withFresh { database in
            // A 60 s lease: a takeover within 30 s (10x the 3 s goal) can only be the hand-over.
            let set = try await ReplicaSet.start(2, database: database, leaseTTL: 60)
            defer { set.stop() }
            #expect(try await eventually(timeout: .seconds(30)) { await set.settled() }, "\(set.logs())")
            let leader = try #require(try await set.leader())
            let other = try #require(set.ids.first { $0 != leader })
            let stopped = ContinuousClock.now
            set.replicas[leader]?.signal(SIGTERM)
            #expect(try await eventually(timeout: .seconds(20)) { set.replicas[leader]?.process.isRunning == false }, "\(set.logs())")
            #expect(try await eventually(timeout: .seconds(30)) {
                let status = try await set.client(other).cluster()
                return status.leading && status.replicas.map(\.id) == [other]
            }, "\(set.logs())")
            #expect(ContinuousClock.now - stopped < .seconds(50))
            #expect(set.replicas[leader]?.output().contains("replica \(leader) handed its lease on and left the cluster") == true, "\(set.logs())")
        }
    }

    @Test("PostgreSQL restarted under three replicas: they reconnect, lose nothing, and deploy again")
    func databaseRestart() async throws {
        let restart = try #require(ProcessInfo.processInfo.environment["TIDE_TEST_POSTGRES_RESTART"], "run through scripts/postgres-env")
        try await PostgresTestDatabase.withFresh { database in
            let set = try await ReplicaSet.start(3, database: database)
            defer { set.stop() }
            try await set.startSupervisor("sup-a")
            #expect(try await eventually(timeout: .seconds(20)) { await set.settled() }, "\(set.logs())")
            let client = set.client("r2")
            #expect(try await eventually(timeout: .seconds(15)) { try await client.devices(status: .alive).count == 1 })
            let applied = try await HTTPProbe.post(
                set.base("r1") + "/api/v1/deployments", json: Self.manifest, contentType: "application/yaml", token: set.operatorToken)
            #expect(applied.status == 201 || applied.status == 200, "\(applied.body)")
            let before = try await client.events(tail: 1000).events.map(\.id)

            #expect(try await Self.restartPostgres(restart), "the restart did not finish within a minute")

            #expect(try await eventually(timeout: .seconds(30)) {
                for id in set.ids where await !HTTPProbe.answers(set.base(id) + "/readyz") { return false }
                return try await set.leader() != nil
            }, "\(set.logs())")
            let after = try await client.events(tail: 1000).events.map(\.id)
            #expect(Set(before).isSubset(of: Set(after)))
            #expect(try await client.deployment("ha").status == .active)
            // Their presence connections are back too, and the locks taken again.
            #expect(try await eventually(timeout: .seconds(30)) { try await Self.present(database) == Set(set.ids) }, "\(set.logs())")
            let again = try await HTTPProbe.post(
                set.base("r3") + "/api/v1/deployments", json: Self.manifest.replacingOccurrences(of: "name: ha", with: "name: ha2"),
                contentType: "application/yaml", token: set.operatorToken)
            #expect(again.status == 201 || again.status == 200, "\(again.body)")
            #expect(try await client.run("ha2", inputs: ["n": .number(7)]).result == .number(13))
        }
    }
}

extension HighAvailabilityTests {
    /// The replicas that record holding their presence lock and hold it.
    static func present(_ database: PostgresURL) async throws -> Set<String> {
        var ids: Set<String> = []
        try await PostgresTestDatabase.withConnection(database) { connection in
            ids = Set(try await connection.query(
                """
                SELECT id FROM tide_replica r WHERE presence AND EXISTS (
                    SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2
                    AND objid = (hashtext(r.id) & 2147483647)::int8::oid
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
                """, logger: PostgresTestDatabase.quietLogger
            ).collect().map { try $0.decode(String.self) })
        }
        return ids
    }

    /// Asks `scripts/postgres-env` to restart its server (`TIDE_TEST_POSTGRES_RESTART` is its
    /// directory) and waits up to a minute for it.
    static func restartPostgres(_ directory: String) async throws -> Bool {
        let done = directory + "/restart.done"
        try? FileManager.default.removeItem(atPath: done)
        guard FileManager.default.createFile(atPath: directory + "/restart.request", contents: nil) else { return false }
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: done), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        return FileManager.default.fileExists(atPath: done)
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
