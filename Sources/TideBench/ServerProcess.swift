import Foundation

/// A `tide` child process (this same executable), stopped with SIGTERM.
final class ServerProcess {
    let process: Process
    let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    /// Starts `tide <arguments>` and waits until it logs the port it listens on.
    static func start(arguments: [String], timeout: TimeInterval = 30) throws -> ServerProcess {
        let process = Process()
        process.executableURL = TideBinary.url
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let reader = errors.fileHandleForReading
        var text = ""
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let port = listeningPort(in: text) {
                // Keep draining stderr so the child never blocks on a full pipe.
                reader.readabilityHandler = { handle in _ = handle.availableData }
                return ServerProcess(process: process, port: port)
            }
        }
        process.terminate()
        process.waitUntilExit()
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
    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return 0
        }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command name: state is field 3, utime 14 and stime 15 (1-based in proc(5)).
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
