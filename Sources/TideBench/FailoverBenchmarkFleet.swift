import Foundation
import TideModel
import TideOrchestrator

/// The failover benchmark's processes: one `tide server` and named `tide supervisor`s, all on
/// 127.0.0.1, each with its own data directory and log under `directory`. Whatever was started
/// is stopped by `stopAll`, which every exit path of the benchmark calls.
actor FailoverBenchmarkFleet {
    struct Supervisor: Sendable {
        let name: String
        let directory: String
        let port: Int
        let id: DeviceID
        var child: FailoverBenchmarkChild
        /// How many times this supervisor was started (1 for a fresh one).
        var starts: Int
    }

    let directory: String
    let registry: String
    let supervisorToken = UUID().uuidString
    /// The `tide` the children run: a copy of this one in `directory`.
    private var executable: URL?
    private var server: FailoverBenchmarkChild?
    private var api: FailoverBenchmarkAPI?
    private var supervisors: [String: Supervisor] = [:]
    /// Every process started, also those killed or replaced, so that none is left behind.
    private var started: [FailoverBenchmarkChild] = []
    private var usedPorts: Set<Int> = []

    init(directory: String, registry: String) {
        self.directory = directory
        self.registry = registry
    }

    /// The server's arguments besides its data directory and port: defaults for everything the
    /// benchmark measures (1 s probes, two refused connections mean dead, 5 s reconcile ticks).
    var serverSettings: [String] {
        ["--no-mdns", "--registry", registry, "--supervisor-token", "<token>", "--log-level", "notice"]
    }

    /// Starts `tide server` and returns a client of it.
    func startServer() async throws(FailoverBenchmarkError) -> FailoverBenchmarkAPI {
        let data = directory + "/server"
        try makeDirectory(data)
        let executable = try FailoverBenchmarkChild.copyExecutable(to: directory + "/tide")
        self.executable = executable
        let arguments = ["server", "--insecure-http", "--data-dir", data, "--port", "0"] + serverSettings.map { $0 == "<token>" ? supervisorToken : $0 }
        let child = try await FailoverBenchmarkChild.start(executable, arguments, log: directory + "/logs/server.log")
        started.append(child)
        server = child
        let tokenPath = data + "/" + OperatorToken.fileName
        guard let token = try? OperatorToken.read(at: tokenPath) else {
            throw .child("the benchmark's server wrote no operator token at \(tokenPath); see \(child.log)")
        }
        let api = FailoverBenchmarkAPI(base: "http://127.0.0.1:\(child.port)", token: token)
        self.api = api
        return api
    }

    /// Starts a supervisor with a new data directory and port (so a new device), waits until the
    /// server lists it alive, and labels it `role: <name>`.
    @discardableResult
    func addSupervisor(_ name: String) async throws(FailoverBenchmarkError) -> Supervisor {
        let data = directory + "/" + name
        try makeDirectory(data)
        var lastError = FailoverBenchmarkError.child("no port tried for \(name)")
        for _ in 0..<5 {
            let port = freshPort()
            let child: FailoverBenchmarkChild
            do throws(FailoverBenchmarkError) {
                child = try await startSupervisor(name, data: data, port: port, start: 1)
            } catch {
                lastError = error  // most likely the port was taken: try another
                continue
            }
            let id = try await waitAlive(port: port, name: name)
            try await serverAPI().label(id, role: name)
            let supervisor = Supervisor(name: name, directory: data, port: port, id: id, child: child, starts: 1)
            supervisors[name] = supervisor
            return supervisor
        }
        throw lastError
    }

    /// SIGKILLs supervisor `name`; returns when (wall clock, to compare with event times).
    func kill(_ name: String) -> Date? {
        guard let supervisor = supervisors[name], supervisor.child.isRunning else { return nil }
        let now = Date()
        supervisor.child.kill()
        return now
    }

    /// SIGSTOPs supervisor `name`; returns when (wall clock).
    func freeze(_ name: String) -> Date? {
        guard let supervisor = supervisors[name], supervisor.child.isRunning else { return nil }
        let now = Date()
        supervisor.child.freeze()
        return now
    }

    /// SIGCONTs a frozen supervisor `name` and waits until the server lists it alive again.
    func thaw(_ name: String) async throws(FailoverBenchmarkError) {
        guard let supervisor = supervisors[name] else { throw .child("no supervisor named \(name) to thaw") }
        supervisor.child.thaw()
        _ = try await waitAlive(port: supervisor.port, name: name)
    }

    /// Starts supervisor `name` again with its data directory and port (a reboot: same device, with
    /// whatever it had persisted), and waits until the server lists it alive.
    func restart(_ name: String) async throws(FailoverBenchmarkError) {
        guard var supervisor = supervisors[name] else { throw .child("no supervisor named \(name) to restart") }
        var lastError = FailoverBenchmarkError.child("\(name) was not restarted")
        for attempt in 0..<5 {
            if attempt > 0 { try? await Task.sleep(for: .seconds(1)) }
            do throws(FailoverBenchmarkError) {
                supervisor.child = try await startSupervisor(name, data: supervisor.directory, port: supervisor.port, start: supervisor.starts + 1)
            } catch {
                lastError = error  // e.g. its port not free yet: try again
                continue
            }
            supervisor.starts += 1
            supervisors[name] = supervisor
            let id = try await waitAlive(port: supervisor.port, name: name)
            guard id == supervisor.id else {
                throw .child("\(name) came back as device \(id), not \(supervisor.id): its data directory lost the device id")
            }
            return
        }
        throw lastError
    }

    func supervisor(_ name: String) -> Supervisor? { supervisors[name] }

    func supervisor(holding device: DeviceID) -> Supervisor? {
        supervisors.values.first { $0.id == device }
    }

    func all() -> [Supervisor] { supervisors.values.sorted { $0.name < $1.name } }

    /// Forgets a killed supervisor (its process stays in the list of those to stop).
    func retire(_ name: String) { supervisors[name] = nil }

    /// Stops every process started (SIGTERM, SIGKILL after 5 s), the server last.
    func stopAll() async {
        let children = started.filter { $0 !== server }
        await withTaskGroup(of: Void.self) { group in
            for child in children { group.addTask { await child.stop() } }
        }
        await server?.stop()
    }

    // MARK: Helpers

    private func serverAPI() throws(FailoverBenchmarkError) -> FailoverBenchmarkAPI {
        guard let api else { throw .child("the benchmark's server is not running") }
        return api
    }

    private func startSupervisor(_ name: String, data: String, port: Int, start: Int)
        async throws(FailoverBenchmarkError) -> FailoverBenchmarkChild
    {
        let base = try serverAPI().base
        guard let executable else { throw .child("the benchmark's server is not running") }
        let child = try await FailoverBenchmarkChild.start(
            executable,
            [
                "supervisor", "--port", String(port), "--name", name, "--data-dir", data, "--orchestrator", base,
                "--token", supervisorToken, "--log-level", "notice",
            ], log: directory + "/logs/\(name)-\(start).log")
        started.append(child)
        return child
    }

    /// Waits until the server lists the device on `port` as alive; returns its id.
    private func waitAlive(port: Int, name: String) async throws(FailoverBenchmarkError) -> DeviceID {
        let api = try serverAPI()
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let device = try await api.devices().first(where: { $0.port == port && $0.status == .alive }) { return device.id }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw .timeout("supervisor \(name) (port \(port)) was not alive in the server within 30 s; see \(directory)/logs")
    }

    /// A port below Linux's ephemeral range (32768 and up), so that no outgoing connection holds it
    /// when a supervisor restarts on it.
    private func freshPort() -> Int {
        while true {
            let port = Int.random(in: 20_000..<32_000)
            if usedPorts.insert(port).inserted { return port }
        }
    }

    private func makeDirectory(_ path: String) throws(FailoverBenchmarkError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: directory + "/logs", withIntermediateDirectories: true)
        } catch {
            throw .child("cannot create \(path): \(error)")
        }
    }
}
