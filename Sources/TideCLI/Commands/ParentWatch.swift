import Foundation

/// `tide supervisor --exit-with-parent`: the process that started this one decides when it
/// stops. It leaves the terminal's process group, so Ctrl-C reaches only the parent (which stops
/// its children in order), and once the parent is gone (even SIGKILLed) it shuts down gracefully,
/// as on SIGTERM. The parent is polled because the kernel's parent-death signal follows the thread
/// that forked, not the process.
enum ParentWatch {
    static func start() {
        let parent = getppid()
        setpgid(0, 0)
        Task.detached {
            while getppid() == parent {
                try? await Task.sleep(for: .milliseconds(250))
            }
            kill(getpid(), SIGTERM)
        }
    }
}
