import Foundation
import TideClient
import TideModel

/// The benchmark's `tide server` replicas on one PostgreSQL database: each with its own data
/// directory (holding the first replica's operator token, as docs/operations.md says to copy it),
/// a fixed port and replica id, so that a killed replica restarts as itself.
actor HighAvailabilityReplicas {
    struct Replica {
        let id: String
        let directory: String
        let port: Int
        var child: FailoverBenchmarkChild
        var starts: Int
    }

    let directory: String
    let settings: [String]
    private let executable: URL
    private(set) var operatorToken = ""
    private var replicas: [String: Replica] = [:]
    private var started: [FailoverBenchmarkChild] = []
    private var usedPorts: Set<Int> = []

    /// `settings`: everything after `--data-dir` and `--port` (datastore, token, probe settings).
    init(directory: String, settings: [String]) throws {
        self.directory = directory
        self.settings = settings
        do {
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
            executable = try FailoverBenchmarkChild.copyExecutable(to: directory + "/tide")
        } catch {
            throw BenchFailure("cannot prepare \(directory): \(error)")
        }
    }

    var ids: [String] { replicas.keys.sorted() }
    var running: [String] { replicas.values.filter { $0.child.isRunning }.map(\.id).sorted() }
    func url(_ id: String) -> String { "http://127.0.0.1:\(replicas[id]?.port ?? 0)" }
    var urls: [String] { ids.map(url) }
    var runningURLs: [String] { running.map(url) }
    func client(_ id: String, timeout: Duration = .seconds(10)) -> TideClient {
        TideClient(baseURL: url(id), token: operatorToken, timeout: timeout)
    }
    func cpuSeconds(_ id: String) -> Double {
        guard let replica = replicas[id] else { return 0 }
        return ServerProcess.cpuSeconds(pid: replica.child.pid)
    }

    /// Starts replica `id` (r1 first: it writes the operator token the others get a copy of).
    func add(_ id: String) async throws {
        let data = directory + "/" + id
        do { try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true) } catch {
            throw BenchFailure("cannot create \(data): \(error)")
        }
        if !operatorToken.isEmpty {
            try? FileManager.default.removeItem(atPath: data + "/" + OperatorToken.fileName)
            do { try FileManager.default.copyItem(atPath: directory + "/r1/" + OperatorToken.fileName, toPath: data + "/" + OperatorToken.fileName) } catch {
                throw BenchFailure("cannot copy the operator token to \(data): \(error)")
            }
        }
        var lastError = BenchFailure("no port tried for \(id)")
        for _ in 0..<5 {
            let port = freshPort()
            do {
                let child = try await start(id, data: data, port: port, start: 1)
                replicas[id] = Replica(id: id, directory: data, port: port, child: child, starts: 1)
                if operatorToken.isEmpty {
                    guard let token = try? OperatorToken.read(at: data + "/" + OperatorToken.fileName) else {
                        throw BenchFailure("replica \(id) wrote no operator token in \(data); see \(child.log)")
                    }
                    operatorToken = token
                }
                return
            } catch let error as BenchFailure {
                lastError = error  // most likely the port was taken: try another
            }
        }
        throw lastError
    }

    /// SIGKILLs replica `id` and reaps it; returns when it was killed.
    func kill(_ id: String) async -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        guard let replica = replicas[id] else { return now }
        replica.child.kill()
        while replica.child.isRunning { try? await Task.sleep(for: .milliseconds(5)) }
        return now
    }

    /// Starts a killed replica again with its id, port and data directory.
    func restart(_ id: String) async throws {
        guard var replica = replicas[id] else { throw BenchFailure("no replica \(id) to restart") }
        var lastError = BenchFailure("\(id) was not restarted")
        for attempt in 0..<10 {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(500)) }
            do {
                replica.child = try await start(id, data: replica.directory, port: replica.port, start: replica.starts + 1)
                replica.starts += 1
                replicas[id] = replica
                return
            } catch let error as BenchFailure {
                lastError = error  // its port not free yet: try again
            }
        }
        throw lastError
    }

    /// Stops replica `id` cleanly (SIGTERM: it gives up the lease and leaves the cluster).
    func stop(_ id: String) async {
        await replicas[id]?.child.stop()
    }

    /// What replica `id` says about the cluster; nil when it does not answer.
    func status(_ id: String) async -> ClusterStatus? {
        try? await client(id, timeout: .seconds(2)).cluster()
    }

    /// Waits until every running replica lists all running ones and names the same leader.
    func waitSettled(timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let leader = await settledLeader() { return leader }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw BenchFailure("the replicas did not agree on a leader listing all of \(running) within \(timeout); logs in \(directory)/logs")
    }

    private func settledLeader() async -> String? {
        let running = Set(self.running)
        var leaders: Set<String> = []
        for id in running {
            guard let status = await status(id), let leader = status.leader, Set(status.replicas.map(\.id)) == running,
                status.replicas.allSatisfy({ !$0.url.isEmpty })
            else { return nil }
            leaders.insert(leader)
        }
        return leaders.count == 1 ? leaders.first : nil
    }

    /// Stops every process started (SIGTERM, SIGKILL after 5 s).
    func stopAll() async {
        let children = started
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.stop() } }
        }
    }

    private func start(_ id: String, data: String, port: Int, start: Int) async throws -> FailoverBenchmarkChild {
        let arguments = ["server", "--data-dir", data, "--port", String(port), "--replica-id", id] + settings
        do {
            let child = try await FailoverBenchmarkChild.start(executable, arguments, log: directory + "/logs/\(id)-\(start).log")
            started.append(child)
            return child
        } catch {
            throw BenchFailure("replica \(id) on port \(port): \(error)")
        }
    }

    /// A port below Linux's ephemeral range, so that no outgoing connection holds it when a replica restarts.
    private func freshPort() -> Int {
        while true {
            let port = Int.random(in: 20_000..<32_000)
            if usedPorts.insert(port).inserted { return port }
        }
    }
}
