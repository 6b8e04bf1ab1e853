import ServiceLifecycle

/// Told first when the server begins to stop, before the HTTP server stops serving: the deployment
/// controller marks itself stopping (so a push that fails because the server's own downloads end
/// leaves a deploy or rollout as it stands, for the next start to finish, instead of failing or
/// reverting it), then running placements are cancelled.
struct ShutdownNotice: Service {
    let workers: PlacementWorkers
    let controller: DeploymentController

    func run() async throws {
        try? await gracefulShutdown()
        await controller.stop()
        workers.stop()
    }
}
