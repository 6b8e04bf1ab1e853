import HTTPTypes
import Hummingbird

/// Counts requests and times them by route pattern (`/api/v1/devices/{id}`, never the raw path,
/// so the label set stays bounded), method and status code. Requests that match no route are
/// counted under Hummingbird's route `NotFound`. Added after the error middleware, it records an
/// error with the status that middleware will answer (`ErrorPolicy.status(of:)`).
public struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: MetricsRegistry

    public init(metrics: MetricsRegistry) {
        self.metrics = metrics
    }

    public static var requestsName: String { "tide_http_requests_total" }
    public static var durationName: String { "tide_http_request_duration_seconds" }

    /// The two families this middleware records into.
    public static var definitions: [MetricDefinition] {
        [
            MetricDefinition(
                requestsName, .counter, help: "HTTP requests answered, by route pattern, method and status code."),
            MetricDefinition(
                durationName, .latency, help: "Time to answer an HTTP request (until the response head), by route pattern and method."),
        ]
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let started = ContinuousClock.now
        let status: HTTPResponse.Status
        do {
            let response = try await next(request, context)
            status = response.status
            record(request, context, status: status, since: started)
            return response
        } catch {
            status = ErrorPolicy.status(of: error)
            record(request, context, status: status, since: started)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: HTTPResponse.Status, since started: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "NotFound"
        let method = Self.method(request.method)
        metrics.increment(Self.requestsName, [("route", route), ("method", method), ("code", String(status.code))])
        metrics.record(Self.durationName, [("route", route), ("method", method)], duration: ContinuousClock.now - started)
    }

    /// The method, or `other` for methods no route serves (a bounded label).
    static func method(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .patch, .delete, .options: method.rawValue
        default: "other"
        }
    }
}
