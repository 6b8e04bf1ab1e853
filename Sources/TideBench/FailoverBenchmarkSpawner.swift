import Foundation

/// Starts the benchmark's child processes so that they die with it, even when the benchmark
/// itself is SIGKILLed: each child runs under `setpriv --pdeathsig KILL` (util-linux), which asks
/// the kernel to SIGKILL the child when its parent goes away.
///
/// The kernel ties that signal to the parent *thread* that forked the child, not to the process.
/// Swift's cooperative threads may come and go, so every child is forked from this one thread,
/// which lives as long as the benchmark process.
final class FailoverBenchmarkSpawner: @unchecked Sendable {
    static let shared = FailoverBenchmarkSpawner()

    /// `setpriv`, when this machine has it; without it children outlive a SIGKILLed benchmark.
    let setpriv: URL? = ["/usr/bin/setpriv", "/bin/setpriv"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
        .map { URL(fileURLWithPath: $0) }

    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []

    private init() {
        let thread = Thread { [unowned self] in self.serve() }
        thread.name = "tide-bench-failover-spawner"
        thread.start()
    }

    /// Whether children are tied to this process's life.
    var childrenDieWithBenchmark: Bool { setpriv != nil }

    /// Starts `executable arguments` with stdout and stderr going to `log`.
    func start(_ executable: URL, _ arguments: [String], log: FileHandle) async throws -> SpawnedProcess {
        let (path, argv) = setpriv.map { ($0.path, ["--pdeathsig", "KILL", "--", executable.path] + arguments) } ?? (executable.path, arguments)
        let output = log.fileDescriptor
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<SpawnedProcess, any Error>) in
            enqueue {
                do {
                    continuation.resume(returning: try SpawnedProcess.spawn(path, argv, output: output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private func enqueue(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
