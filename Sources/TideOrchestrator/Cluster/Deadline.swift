import Synchronization

/// Waits for work for a bounded time: a store call against a database that went away waits for
/// a connection indefinitely, and a server must still stop.
enum Deadline {
    /// Runs `body` and waits for it at most `limit`; false when it took longer (it goes on in the
    /// background until it ends or the process does).
    static func run(_ limit: Duration, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        let once = Once()
        return await withCheckedContinuation { continuation in
            Task {
                await body()
                if once.claim() { continuation.resume(returning: true) }
            }
            Task {
                try? await Task.sleep(for: limit)
                if once.claim() { continuation.resume(returning: false) }
            }
        }
    }

    private final class Once: Sendable {
        private let taken = Mutex(false)

        /// True for the first caller only.
        func claim() -> Bool {
            taken.withLock { taken in
                defer { taken = true }
                return !taken
            }
        }
    }
}
