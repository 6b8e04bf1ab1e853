/// One metric family a Tide server exposes: its Prometheus name, its type and its help text.
/// Each server declares its families once (`ServerMetricNames`, `SupervisorMetricNames`), so the
/// exposition always carries `# HELP` and `# TYPE` lines and a name can never change type.
public struct MetricDefinition: Sendable {
    public enum Kind: Sendable {
        case counter
        case gauge
        /// Observations in seconds, recorded through a swift-metrics `Timer`.
        case durationHistogram(buckets: [Duration])
        /// Observations in the metric's base unit (bytes, fuel units), through a `Recorder`.
        case valueHistogram(buckets: [Double])
    }

    public let name: String
    public let kind: Kind
    public let help: String

    public init(_ name: String, _ kind: Kind, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
    }
}

extension MetricDefinition.Kind {
    /// Request and call latencies: 1 ms to 30 s.
    public static let latency = Self.durationHistogram(buckets: latencyBuckets)

    public static let latencyBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .microseconds(2_500_000), .seconds(5),
        .seconds(10), .seconds(30),
    ]

    /// Slow operations (deploy phases, failovers): 50 ms to 5 min.
    public static let slow = Self.durationHistogram(buckets: [
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
        .seconds(3), .seconds(5), .seconds(10), .seconds(20), .seconds(30), .seconds(60), .seconds(120), .seconds(300),
    ])
}
