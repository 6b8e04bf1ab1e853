import ServiceLifecycle

/// Cancels every running and queued placement as soon as the server starts shutting down, so that
/// SIGTERM is not held up by a long placement.
struct PlacementStopper: Service {
    let workers: PlacementWorkers

    func run() async throws {
        try? await gracefulShutdown()
        workers.stop()
    }
}
