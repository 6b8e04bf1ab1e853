import Foundation
import Synchronization

/// A real `tide supervisor` child process (the built executable), stopped with SIGTERM.
final class SupervisorProcess {
    let process: Process
    let port: Int
    var base: String { "http://127.0.0.1:\(port)" }

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    static var executable: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("tide")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return Fixtures.registry.deletingLastPathComponent().appendingPathComponent(".build/debug/tide")
    }

    /// Starts `tide supervisor --port 0 <arguments>` and waits until it logs its port.
    static func start(_ arguments: [String]) async throws -> SupervisorProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["supervisor", "--port", "0", "--heartbeat-interval", "0", "--log-level", "notice"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = Mutex("")
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty {
                continuation.finish()
                handle.readabilityHandler = nil
                return
            }
            let port = text.withLock { text -> Int? in
                text += String(decoding: chunk, as: UTF8.self)
                guard let range = text.range(of: "listening on http://127.0.0.1:") else { return nil }
                return Int(text[range.upperBound...].prefix(while: \.isNumber))
            }
            if let port { continuation.yield(port) }
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(60))
            continuation.finish()
        }
        defer { timeout.cancel() }
        for await port in ports { return SupervisorProcess(process: process, port: port) }
        process.terminate()
        process.waitUntilExit()
        throw StartFailure(description: "tide supervisor did not start: \(text.withLock { $0.suffix(500) })")
    }

    /// Resident memory in bytes, from /proc/<pid>/status.
    var residentBytes: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(line.split(separator: " ").dropFirst().first ?? "")
        else { return 0 }
        return kib * 1024
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
