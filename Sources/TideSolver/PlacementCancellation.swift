import Synchronization

/// Stops a placement that is no longer wanted: its client went away, it ran past its time limit,
/// or the server is shutting down. The planners check it between steps and throw
/// `PlacementError.cancelled` with the reason given here. Safe to share between threads.
public final class PlacementCancellation: Sendable {
    private let state = Mutex<String?>(nil)
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// The first reason wins; later calls change nothing.
    public func cancel(_ reason: String) {
        let won = state.withLock { current in
            guard current == nil else { return false }
            current = reason
            return true
        }
        if won { flag.store(true, ordering: .releasing) }
    }

    public var isCancelled: Bool { flag.load(ordering: .acquiring) }

    public var reason: String? { state.withLock { $0 } }

    /// Throws `.cancelled` once cancelled.
    public func check() throws(PlacementError) {
        guard isCancelled else { return }
        throw .cancelled(reason ?? "the placement was cancelled")
    }
}
