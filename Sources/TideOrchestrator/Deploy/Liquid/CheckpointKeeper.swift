import Logging
import ServiceLifecycle

/// Asks the deployment controller for the checkpoints due and takes them, a few at a time, each
/// in its own task so that a slow device holds up no other. Only the leader takes checkpoints
/// (`checkpointsDue` answers nothing on another replica).
struct CheckpointKeeper: Service {
    let controller: DeploymentController
    /// Checkpoints taken at once, at most.
    static let maxInFlight = 8
    static let tick: Duration = .milliseconds(100)

    func run() async throws {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                for job in await controller.checkpointsDue(limit: Self.maxInFlight) {
                    group.addTask { await controller.takeCheckpoint(job) }
                }
                try? await Task.sleep(for: Self.tick)
            }
        }
    }
}
