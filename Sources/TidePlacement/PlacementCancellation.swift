import Synchronization

/// Stops a placement that is no longer wanted: its client went away, it ran past its time limit,
/// or the server is shutting down. The planners check it between steps and throw
/// `PlacementError.cancelled` with the reason given here. Safe to share between threads.
public final class PlacementCancellation: Sendable {
    private let state = Mutex<String?>(nil)
    private let flag = Atomic<Bool>(false)
    /// Checked by `check()` itself, so that a time limit holds even when the thread that would
    /// cancel on time is not scheduled (a loaded machine).
    private let deadline = Mutex<(at: ContinuousClock.Instant, reason: String)?>(nil)

    public init() {}

    /// `check()` cancels with `reason` once `instant` has passed.
    public func cancel(at instant: ContinuousClock.Instant, _ reason: String) {
        deadline.withLock { $0 = (instant, reason) }
    }

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
        if !isCancelled, let (at, reason) = deadline.withLock({ $0 }), ContinuousClock.now >= at { cancel(reason) }
        guard isCancelled else { return }
        throw .cancelled(reason ?? "the placement was cancelled")
    }
}
