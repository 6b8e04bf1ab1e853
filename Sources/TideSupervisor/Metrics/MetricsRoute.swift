import Hummingbird
import TideHTTP

/// `GET /metrics`: the supervisor's metrics in the Prometheus text format. Protected like the
/// control routes (`ControlAuthority`) unless `--metrics-open`.
struct MetricsRoute: Sendable {
    let metrics: SupervisorMetrics
    let deployer: Deployer
    /// nil: open.
    let authority: ControlAuthority?

    func add(to router: Router<SupervisorRequestContext>) {
        router.get("metrics") { request, context in
            try await authority?.check(request, context)
            return Response.metrics(metrics.exposition(installed: await deployer.installed))
        }
    }
}
