import Foundation
import TideClient
import TideModel
import TidePostgresStore
@testable import TideTesting

/// Several `tide server` processes on one throwaway PostgreSQL database, each with its own data
/// directory holding the first replica's operator token (as docs/operations.md says to copy it),
/// and the supervisors of a fleet given every replica's URL.
final class ReplicaSet: @unchecked Sendable {
    static let supervisorToken = DeploymentProcessTests.token

    let datastore: String
    private(set) var replicas: [String: ChildProcess] = [:]
    let directories: [String: String]
    let ports: [String: Int]
    let operatorToken: String
    private var supervisors: [String: ChildProcess] = [:]
    private let leaseTTL: String

    var ids: [String] { directories.keys.sorted() }
    func base(_ id: String) -> String { "http://127.0.0.1:\(ports[id] ?? 0)" }
    var urls: String { ids.map(base).joined(separator: ",") }
    func client(_ id: String) -> TideClient { TideClient(baseURL: base(id), token: operatorToken) }
    func supervisor(_ name: String) -> ChildProcess? { supervisors[name] }

    /// Starts `count` replicas named r1, r2, ... on `database`.
    static func start(_ count: Int, database: PostgresURL, leaseTTL: Double = 1.5) async throws -> ReplicaSet {
        let url = "postgres://\(database.username):\(database.password ?? "")@\(database.host):\(database.port)/\(database.database)?sslmode=disable"
        var directories: [String: String] = [:]
        var ports: [String: Int] = [:]
        for index in 1...count {
            directories["r\(index)"] = TemporaryDirectory.make()
            ports["r\(index)"] = try FreePort.pick()
        }
        let first = try await startReplica("r1", url: url, directory: directories["r1"] ?? "", port: ports["r1"] ?? 0, leaseTTL: leaseTTL)
        let tokenFile = (directories["r1"] ?? "") + "/operator.token"
        let token = try String(contentsOfFile: tokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let set = ReplicaSet(
            datastore: url, directories: directories, ports: ports, operatorToken: token, leaseTTL: String(leaseTTL))
        set.replicas["r1"] = first
        for id in set.ids where id != "r1" {
            try FileManager.default.copyItem(atPath: tokenFile, toPath: (directories[id] ?? "") + "/operator.token")
            set.replicas[id] = try await startReplica(id, url: url, directory: directories[id] ?? "", port: ports[id] ?? 0, leaseTTL: leaseTTL)
        }
        return set
    }

    private init(datastore: String, directories: [String: String], ports: [String: Int], operatorToken: String, leaseTTL: String) {
        self.datastore = datastore
        self.directories = directories
        self.ports = ports
        self.operatorToken = operatorToken
        self.leaseTTL = leaseTTL
    }

    private static func startReplica(_ id: String, url: String, directory: String, port: Int, leaseTTL: Double) async throws -> ChildProcess {
        try await ChildProcess.startTide(
            [
                "server", "--insecure-http", "--port", "{port}", "--data-dir", directory, "--registry", Repository.registry,
                "--no-mdns", "--datastore", url, "--replica-id", id, "--lease-ttl", String(leaseTTL),
                "--supervisor-token", supervisorToken, "--deploy-timeout", "3", "--probe-interval", "0.5",
                "--heartbeat-timeout", "1", "--quick-recheck", "0.2", "--log-level", ProcessInfo.processInfo.environment["TIDE_TEST_REPLICA_LOG"] ?? "notice",
            ], port: port, readyPath: "/readyz")
    }

    /// Starts a replica again on its port and data directory.
    func restart(_ id: String) async throws {
        replicas[id]?.stop()
        replicas[id] = try await Self.startReplica(
            id, url: datastore, directory: directories[id] ?? "", port: ports[id] ?? 0, leaseTTL: Double(leaseTTL) ?? 1.5)
    }

    func kill(_ id: String) {
        replicas[id]?.signal(SIGKILL)
        replicas[id]?.process.waitUntilExit()
    }

    /// A supervisor given every replica's URL (r1's first); it logs where its heartbeats go.
    func startSupervisor(_ name: String) async throws {
        supervisors[name] = try await ChildProcess.startTide([
            "supervisor", "--port", "{port}", "--name", name, "--data-dir", TemporaryDirectory.make(),
            "--orchestrator", urls, "--token", Self.supervisorToken, "--log-level", "info",
        ])
    }

    /// Every running replica lists them all and names the same leader.
    func settled() async -> Bool {
        let running = ids.filter { replicas[$0]?.process.isRunning == true }
        var leaders: Set<String> = []
        for id in running {
            guard let status = try? await client(id).cluster(), let leader = status.leader,
                Set(status.replicas.map(\.id)) == Set(running), status.replicas.allSatisfy({ !$0.url.isEmpty })
            else { return false }
            leaders.insert(leader)
        }
        return leaders.count == 1
    }

    /// The replica that leads, as the live replicas agree on it.
    func leader(among ids: [String]? = nil) async throws -> String? {
        var seen: Set<String> = []
        for id in ids ?? self.ids where replicas[id]?.process.isRunning == true {
            guard let status = try? await client(id).cluster(), let leader = status.leader else { return nil }
            seen.insert(leader)
        }
        return seen.count == 1 ? seen.first : nil
    }

    func logs() -> String {
        (replicas.sorted { $0.key < $1.key }.map { "== \($0.key)\n\($0.value.output().suffix(4000))" }
            + supervisors.sorted { $0.key < $1.key }.map { "== \($0.key)\n\($0.value.output().suffix(2000))" })
            .joined(separator: "\n")
    }

    func stop() {
        for process in supervisors.values { process.stop() }
        for process in replicas.values { process.stop() }
    }
}
