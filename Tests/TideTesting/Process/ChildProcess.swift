import Foundation

/// A child process (`tide`, the wasmiot model, a helper tool) that a test starts, signals and
/// always stops (by its PID).
final class ChildProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    private let log: URL

    private init(process: Process, port: Int, log: URL) {
        self.process = process
        self.port = port
        self.log = log
    }

    var pid: Int32 { process.processIdentifier }
    var base: String { "http://127.0.0.1:\(port)" }

    /// Starts `tide <arguments>` listening on a free port (`{port}` in arguments is replaced),
    /// and waits until `GET readyPath` answers.
    /// `{port}` in the arguments becomes `port`, or a free port.
    static func startTide(
        _ arguments: [String], port: Int? = nil, readyPath: String = "/health", scheme: String = "http",
        timeout: Duration = .seconds(20)
    ) async throws -> ChildProcess {
        try await start(TideProcess.executable, arguments, port: port, readyPath: readyPath, scheme: scheme, timeout: timeout)
    }

    /// `tide supervisor` on a free port (heartbeats off unless `arguments` set them).
    static func startSupervisor(_ arguments: [String]) async throws -> ChildProcess {
        try await startTide(["supervisor", "--port", "{port}", "--heartbeat-interval", "0", "--log-level", "notice"] + arguments)
    }

    /// The model of LiquidAI's wasmiot supervisor (Tests/WasmiotModel), on `port` or a free one;
    /// with `register`, it registers itself at that orchestrator as the real one does.
    static func startWasmiotModel(
        name: String, port: Int? = nil, register: String? = nil, extra: [String] = []
    ) async throws -> ChildProcess {
        let executable = TideProcess.executable.deletingLastPathComponent().appendingPathComponent("wasmiot-model")
        let arguments = ["--port", "{port}", "--name", name] + (register.map { ["--register", $0] } ?? []) + extra
        return try await start(executable, arguments, port: port)
    }

    /// Starts `executable` and waits until `GET readyPath` answers on `port`.
    static func start(
        _ executable: URL, _ arguments: [String], port: Int? = nil, readyPath: String = "/health", scheme: String = "http",
        timeout: Duration = .seconds(20)
    ) async throws -> ChildProcess {
        let port = try port ?? FreePort.pick()
        let child = try spawn(executable, arguments.map { $0.replacingOccurrences(of: "{port}", with: String(port)) }, port: port)
        let name = "\(executable.lastPathComponent) \(arguments.first ?? "")"
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if !child.process.isRunning { throw HarnessError("\(name) exited: \(child.output())") }
            if await HTTPProbe.answers("\(scheme)://127.0.0.1:\(port)\(readyPath)") { return child }
            try await Task.sleep(for: .milliseconds(50))
        }
        child.stop()
        throw HarnessError("\(name) did not start: \(child.output())")
    }

    /// Starts `executable` without waiting for anything.
    static func spawn(_ executable: URL, _ arguments: [String], port: Int = 0) throws -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let log = URL(fileURLWithPath: TemporaryDirectory.file("child", extension: "log"))
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        let child = ChildProcess(process: process, port: port, log: log)
        TestScope.adopt("\(executable.lastPathComponent) (pid \(process.processIdentifier))") {
            // Waiting for the exit blocks: off the cooperative pool, which the servers under test share.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    child.stop()
                    continuation.resume()
                }
            }
        }
        return child
    }

    func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func signal(_ number: Int32) { if process.isRunning { kill(pid, number) } }

    /// Resident memory in bytes, from /proc/<pid>/status.
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib * 1024
    }

    /// Stops the process (SIGCONT first, in case a test stopped it) and waits for it. Idempotent:
    /// the test scope stops it again at the end of the test.
    func stop() {
        guard process.isRunning else { return }
        kill(pid, SIGCONT)
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }
}
