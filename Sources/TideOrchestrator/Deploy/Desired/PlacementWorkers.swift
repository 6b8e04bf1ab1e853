import Logging
import NIOPosix
import Synchronization
import TideModel
import TidePlacement

/// Runs placements on dedicated threads, off the Swift concurrency pool (on two cores it has two
/// threads, and a long placement on one of them would stall health checks and reads): at most
/// `concurrent` at once, at most `waiting` more queued; beyond that a placement is refused at once
/// with 503. Each is cancelled after `timeLimit` (from the moment it was admitted), when its
/// caller cancels it, and when the server shuts down.
final class PlacementWorkers: Sendable {
    let concurrent: Int
    let waiting: Int
    let timeLimit: Duration
    private let logger: Logger
    private let pool: NIOThreadPool
    private let state = Mutex<State>(State())

    private struct State {
        var admitted = 0
        var nextID = 0
        var active: [Int: PlacementCancellation] = [:]
        var stopping: String?
    }

    init(concurrent: Int, waiting: Int, timeLimit: Duration, logger: Logger = Logger(label: "tide.placement")) {
        self.logger = logger
        self.concurrent = max(1, concurrent)
        self.waiting = max(0, waiting)
        self.timeLimit = timeLimit
        pool = NIOThreadPool(numberOfThreads: self.concurrent)
        pool.start()
    }

    /// Runs `body` on a placement thread with a cancellation that fires on `cancellation`, on the
    /// calling task's cancellation, after the time limit and on shutdown. The body's
    /// `PlacementError.cancelled` becomes a DeploymentError naming why.
    func run<T: Sendable>(
        cancellation: PlacementCancellation? = nil,
        _ body: @escaping @Sendable (PlacementCancellation) throws -> T
    ) async throws -> T {
        let token = cancellation ?? PlacementCancellation()
        let id = try admit(token)
        defer { release(id) }
        let limit = timeLimit
        token.cancel(at: .now + limit, Self.timeLimitMessage(limit))
        do {
            return try await withTaskCancellationHandler {
                try await pool.runIfActive { try body(token) }
            } onCancel: {
                token.cancel("the placement was abandoned: its request was cancelled (the client went away or the server is stopping)")
            }
        } catch let error as PlacementError {
            if case .cancelled(let reason) = error {
                logger.notice("placement stopped: \(reason)")
                throw Self.cancelled(reason, limit: limit)
            }
            throw error
        }
    }

    /// Cancels every placement, running or queued, and refuses new ones: the server is stopping.
    func stop() {
        let tokens = state.withLock { state in
            state.stopping = "the server is shutting down"
            return Array(state.active.values)
        }
        for token in tokens { token.cancel("the placement was cancelled: the server is shutting down") }
    }

    func shutdown() async {
        stop()
        try? await pool.shutdownGracefully()
    }

    private func admit(_ token: PlacementCancellation) throws(DeploymentError) -> Int {
        let admitted = state.withLock { state -> Result<Int, DeploymentError> in
            if let stopping = state.stopping {
                return .failure(.placementUnavailable(code: "shutting_down", "\(stopping); try again later"))
            }
            guard state.admitted < concurrent + waiting else {
                return .failure(.placementUnavailable(
                    code: "placement_busy",
                    "the server is already placing \(concurrent) deployment(s) with \(waiting) more waiting; try again shortly (tide server --max-concurrent-plans and --max-waiting-plans set these limits)"))
            }
            state.admitted += 1
            state.nextID += 1
            state.active[state.nextID] = token
            return .success(state.nextID)
        }
        return try admitted.get()
    }

    private func release(_ id: Int) {
        state.withLock { state in
            state.admitted -= 1
            state.active[id] = nil
        }
    }

    static func timeLimitMessage(_ limit: Duration) -> String {
        "placing the deployment took longer than the plan time limit of \(limit.secondsText); place fewer steps per manifest or raise it with tide server --plan-time-limit"
    }

    private static func cancelled(_ reason: String, limit: Duration) -> DeploymentError {
        .placementUnavailable(code: reason == timeLimitMessage(limit) ? "plan_time_limit" : "placement_cancelled", reason)
    }
}
