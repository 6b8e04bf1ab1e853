import Hummingbird
import TideHTTP

/// `GET /metrics`: the server's metrics in the Prometheus text format, the state gauges read at
/// the time of the scrape. Protected like the API (any operator token) unless `--metrics-open`.
struct MetricsRoute: Sendable {
    let metrics: ServerMetrics
    let inventory: Inventory
    let controller: DeploymentController

    func add(to router: some RouterMethods<TideRequestContext>) {
        router.get("metrics") { _, _ in
            let devices = await inventory.statusCounts()
            let deployments = await controller.statusCounts()
            return Response.metrics(metrics.exposition(devices: devices, deployments: deployments))
        }
    }
}
