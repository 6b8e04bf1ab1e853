import Foundation

/// A `tide` child process (this same executable), stopped with SIGTERM. Its output goes to a
/// temporary log file, removed when it stops.
final class ServerProcess {
    let process: SpawnedProcess
    let port: Int
    private let log: String

    private init(process: SpawnedProcess, port: Int, log: String) {
        self.process = process
        self.port = port
        self.log = log
    }

    /// Starts `tide <arguments>` and waits until it logs the port it listens on.
    static func start(arguments: [String], timeout: TimeInterval = 30) throws -> ServerProcess {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("tide-bench-\(UUID().uuidString).log").path
        guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
            throw BenchFailure("cannot create the log file \(log); is the temporary directory writable?")
        }
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess.spawn(TideBinary.url.path, arguments, output: handle.fileDescriptor)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: log)
            throw error
        }
        try? handle.close()
        var text = ""
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let port = listeningPort(in: text) { return ServerProcess(process: process, port: port, log: log) }
            usleep(20_000)
        }
        text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? text
        ServerProcess(process: process, port: 0, log: log).stop()
        throw BenchFailure("the server did not start: \(text.suffix(500))")
    }

    private static func listeningPort(in text: String) -> Int? {
        guard let range = text.range(of: "listening on http://") ?? text.range(of: "listening on https://") else { return nil }
        let rest = text[range.upperBound...]
        guard let colon = rest.firstIndex(of: ":") else { return nil }
        return Int(rest[rest.index(after: colon)...].prefix(while: \.isNumber))
    }

    /// Resident memory not backed by files (the process's own heap and stacks), in bytes.
    func anonymousMemory() -> Int { kibibytes("RssAnon", in: "status") }

    /// Resident and peak resident memory in bytes, from /proc.
    func memory() -> (rss: Int, peak: Int) { (kibibytes("VmRSS", in: "status"), kibibytes("VmHWM", in: "status")) }

    /// Pages the process touched since its referenced bits were last cleared (`clear_refs`), in bytes.
    func referencedMemory() -> Int { kibibytes("Referenced", in: "smaps_rollup") }

    /// A `Name:   123 kB` line of /proc/<pid>/<file>, in bytes; 0 when absent.
    private func kibibytes(_ field: String, in file: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/\(file)", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") })
        else { return 0 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    /// User plus system CPU time the process has used, from /proc/PID/stat.
    func cpuSeconds() -> Double { Self.cpuSeconds(pid: process.processIdentifier) }

    /// User plus system CPU time of process `pid`, from /proc/PID/stat.
    static func cpuSeconds(pid: Int32) -> Double { cpuSeconds(stat: "/proc/\(pid)/stat") }

    /// User plus system CPU time from a stat file of proc(5): a process's or a thread's
    /// (`/proc/PID/task/TID/stat`).
    static func cpuSeconds(stat path: String) -> Double {
        guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return 0
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// SIGTERM, then waits until it exited; the log file is removed.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        while process.isRunning { usleep(10_000) }
        try? FileManager.default.removeItem(atPath: log)
    }
}
