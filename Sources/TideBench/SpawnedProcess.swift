import Foundation
import Synchronization

/// A child process started with `posix_spawn`. Not Foundation's `Process`: on Linux it watches
/// its children with `select()`, which corrupts memory once the parent holds more than 1,024 open
/// files, as a benchmark with thousands of simulated devices does. The child gets /dev/null as
/// stdin, `output` as stdout and stderr, and none of the parent's other files.
final class SpawnedProcess: Sendable {
    let processIdentifier: Int32
    /// The exit status (or the number of the signal that ended it), once reaped.
    private let ended = Mutex<Int32?>(nil)

    private init(processIdentifier: Int32) { self.processIdentifier = processIdentifier }

    static func spawn(_ executable: String, _ arguments: [String], output: Int32) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        closeInheritedFiles(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw BenchFailure("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        return SpawnedProcess(processIdentifier: pid)
    }

    /// glibc 2.34 and later close every descriptor from 3 up in the child (looked up at run time:
    /// Swift's Glibc module does not declare it); with an older one, each descriptor open now.
    private static func closeInheritedFiles(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap({ Int32($0) }) where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
    }

    var isRunning: Bool { reaped() == nil }

    /// The exit status, or the signal that ended the process; 0 while it runs.
    var terminationStatus: Int32 { reaped() ?? 0 }

    private func reaped() -> Int32? {
        ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            let result = waitpid(processIdentifier, &status, WNOHANG)
            if result == processIdentifier {
                let signal = status & 0x7f
                ended = signal == 0 ? (status >> 8) & 0xff : signal
            } else if result == -1, errno == ECHILD {
                ended = -1
            }
            return ended
        }
    }
}
