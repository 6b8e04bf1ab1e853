import Foundation
import Logging
import Synchronization

/// One simulated device of `tide dev`: a `tide supervisor` child process, so that an operator can
/// freeze it (`kill -STOP`), resume it or kill it and watch the fleet react.
final class DevDevice: Sendable {
    let name: String
    let pid: Int32
    private let exited: AsyncStream<Int32>
    private let running: RunningFlag
    /// Keeps Foundation's process (and its termination handler) alive as long as this.
    private let process: ProcessHandle

    /// Starts `executable arguments...` with `environment` added; its output goes to this process's.
    /// `onUnexpectedExit` hears of an exit that `stop()` did not ask for.
    init(
        name: String, executable: URL, arguments: [String], environment: [String: String],
        onUnexpectedExit: @escaping @Sendable (Int32) -> Void
    ) throws(CLIFailure) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardInput = FileHandle.nullDevice
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let running = RunningFlag()
        process.terminationHandler = { finished in
            let expected = !running.value.withLock { running in
                defer { running = false }
                return running
            }
            if !expected { onUnexpectedExit(finished.terminationStatus) }
            continuation.yield(finished.terminationStatus)
            continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw CLIFailure("cannot start the simulated device \(name) (\(executable.path) supervisor): \(error)")
        }
        self.name = name
        self.pid = process.processIdentifier
        self.exited = stream
        self.process = ProcessHandle(process)
        self.running = running
    }

    /// SIGTERM (a graceful stop), SIGKILL if it still runs 5 s later; returns once it exited.
    func stop() async {
        let wasRunning = running.value.withLock { running in
            defer { running = false }
            return running
        }
        if wasRunning {
            kill(pid, SIGCONT)
            kill(pid, SIGTERM)
        }
        let pid = self.pid
        let killer = Task {
            try await Task.sleep(for: .seconds(5))
            kill(pid, SIGKILL)
        }
        for await _ in exited {}
        killer.cancel()
    }

    /// Whether the process runs and no stop was asked for.
    private final class RunningFlag: Sendable {
        let value = Mutex(true)
    }

    private struct ProcessHandle: @unchecked Sendable {
        let process: Process
        init(_ process: Process) { self.process = process }
    }
}
