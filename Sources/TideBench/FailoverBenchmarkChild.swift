import Foundation

/// One `tide server` or `tide supervisor` process of the failover benchmark, signalled and
/// stopped by its PID only. Its output goes to a log file in the benchmark's directory.
final class FailoverBenchmarkChild: @unchecked Sendable {
    let process: SpawnedProcess
    let port: Int
    let log: String

    private init(process: SpawnedProcess, port: Int, log: String) {
        self.process = process
        self.port = port
        self.log = log
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    /// Starts `executable <arguments>` (a copy of this `tide`) and waits until it logs the port it
    /// listens on.
    static func start(_ executable: URL, _ arguments: [String], log: String, timeout: Duration = .seconds(30))
        async throws(FailoverBenchmarkError) -> FailoverBenchmarkChild
    {
        let what = "tide \(arguments.prefix(1).joined())"
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
            throw .child("cannot create the log file \(log) for \(what); is the temporary directory writable?")
        }
        let process: SpawnedProcess
        do {
            process = try await FailoverBenchmarkSpawner.shared.start(executable, arguments, log: handle)
        } catch {
            try? handle.close()
            throw .child("cannot start \(what) (\(executable.path)): \(error)")
        }
        try? handle.close()
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let port = listeningPort(in: text) { return FailoverBenchmarkChild(process: process, port: port, log: log) }
            if !process.isRunning {
                throw .child("\(what) exited with status \(process.terminationStatus) before listening; its output:\n\(text.suffix(1500))")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let child = FailoverBenchmarkChild(process: process, port: 0, log: log)
        await child.stop()
        throw .child("\(what) did not log \"listening on\" within \(timeout); its output:\n\(child.output(last: 1500))")
    }

    /// Copies the `tide` executable to `path` once, at the start, so that every child runs the
    /// same code even when a build replaces the binary while the benchmark runs.
    static func copyExecutable(to path: String) throws(FailoverBenchmarkError) -> URL {
        guard let source = FileHandle(forReadingAtPath: TideBinary.url.path),
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o755]),
            let target = FileHandle(forWritingAtPath: path)
        else {
            throw .child("cannot copy \(TideBinary.url.path) to \(path); is the temporary directory writable?")
        }
        defer {
            try? source.close()
            try? target.close()
        }
        do {
            while let chunk = try source.read(upToCount: 8 << 20), !chunk.isEmpty { try target.write(contentsOf: chunk) }
        } catch {
            throw .child("cannot copy \(TideBinary.url.path) to \(path): \(error)")
        }
        return URL(fileURLWithPath: path)
    }

    private static func listeningPort(in text: String) -> Int? {
        guard let range = text.range(of: "listening on http://") else { return nil }
        let rest = text[range.upperBound...]
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return Int(rest[rest.index(after: colon)...].prefix(while: \.isNumber))
    }

    func output(last count: Int) -> String {
        String(((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(count))
    }

    /// SIGKILL: the process dies at once, its sockets close (connections to it are refused).
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGKILL)
    }

    /// SIGSTOP: the process hangs with its sockets open (connections to it are accepted by the
    /// kernel and never answered), as a frozen device does.
    func freeze() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGSTOP)
    }

    /// SIGCONT: a frozen process goes on.
    func thaw() {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGCONT)
    }

    /// SIGTERM, then SIGKILL after `grace` if it is still running; returns once it exited.
    func stop(grace: Duration = .seconds(5)) async {
        guard process.isRunning else { return }
        Foundation.kill(pid, SIGCONT)  // a frozen child handles SIGTERM only once it runs
        Foundation.kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { Foundation.kill(pid, SIGKILL) }
        let reaped = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < reaped { try? await Task.sleep(for: .milliseconds(10)) }
    }
}
