import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TideHTTP

/// `--plain-http-port`: the device routes over plain HTTP beside the HTTPS server, for devices
/// that cannot check the fleet CA (wasmiot supervisors): module downloads, wasmiot
/// self-registration and device list, heartbeats with the fleet token. Nothing under `/api/v1`,
/// no enrollment, no deployments: an operator's credentials never cross it.
enum PlainDeviceListener {
    /// `/healthz` and the routes devices use; the HTTPS server adds the rest to the same start.
    static func deviceRouter(_ deviceRoutes: WasmiotDeviceRoutes, _ moduleRoutes: WasmiotModuleRoutes, metrics: ServerMetrics)
        -> Router<TideRequestContext>
    {
        let router = Router(context: TideRequestContext.self)
        router.add(middleware: ErrorMiddleware(.orchestrator))
        router.add(middleware: HTTPMetricsMiddleware(metrics: metrics.registry))
        router.get("healthz") { _, _ in try Response.json(["status": "ok"]) }
        deviceRoutes.add(to: router)
        moduleRoutes.add(to: router)
        return router
    }

    static func application(
        host: String, port: Int, deviceRoutes: WasmiotDeviceRoutes, moduleRoutes: WasmiotModuleRoutes, metrics: ServerMetrics,
        logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void
    ) -> any Service {
        NamedListener(
            Application(
                tide: deviceRouter(deviceRoutes, moduleRoutes, metrics: metrics),
                server: .tide(additionalChannelHandlers: [ConnectionWatchHandler()]),
                host: host, port: port, serverName: "tide", logger: logger, onRunning: onRunning),
            host: host, port: port, option: "--plain-http-port")
    }

    /// The listener's base URL as devices reach it: the host of `--public-url` if given, else the
    /// address the server listens on.
    static func baseURL(publicURL: String?, reachableHost: String, port: Int) -> String {
        var host = reachableHost
        if let publicURL, let components = URLComponents(string: publicURL), let named = components.host { host = named }
        return "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}
