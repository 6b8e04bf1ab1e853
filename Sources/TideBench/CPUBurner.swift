import Foundation

/// A child process that keeps one core busy (`sh -c 'while :; do :; done'`), stopped by PID.
final class CPUBurner {
    private let process: Process

    private init(process: Process) { self.process = process }

    static func start() throws -> CPUBurner {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while :; do :; done"]
        try process.run()
        return CPUBurner(process: process)
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
