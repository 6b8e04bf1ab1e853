import CoreMetrics
import Prometheus
import TideModel

/// The metrics of one server (or one supervisor): its own Prometheus registry, recorded through
/// swift-metrics with a factory bound to that registry. Recording is a lock and a dictionary
/// look-up; `exposition()` renders the Prometheus text format (0.0.4).
public final class MetricsRegistry: Sendable {
    public let prometheus: PrometheusCollectorRegistry
    public let factory: TideMetricsFactory

    public init(_ definitions: [MetricDefinition]) {
        prometheus = PrometheusCollectorRegistry()
        factory = TideMetricsFactory(registry: prometheus, definitions: definitions)
    }

    /// Adds one to `name` with these labels (labels must come from a bounded set).
    public func increment(_ name: String, _ labels: [(String, String)] = [], by amount: Int64 = 1) {
        CoreMetrics.Counter(label: name, dimensions: labels, factory: factory).increment(by: amount)
    }

    /// Records one duration into the histogram `name`.
    public func record(_ name: String, _ labels: [(String, String)] = [], duration: Duration) {
        CoreMetrics.Timer(label: name, dimensions: labels, factory: factory).recordNanoseconds(duration.inNanoseconds)
    }

    /// Records one value (in the metric's base unit) into the histogram `name`.
    public func record(_ name: String, _ labels: [(String, String)] = [], value: Double) {
        CoreMetrics.Recorder(label: name, dimensions: labels, aggregate: true, factory: factory).record(value)
    }

    /// Sets the gauge `name` (state read at scrape time).
    public func set(_ name: String, _ labels: [(String, String)] = [], to value: Double) {
        CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory).record(value)
    }

    /// Every family in the Prometheus text exposition format.
    public func exposition() -> [UInt8] {
        prometheus.emitToBuffer()
    }

    /// The media type of `exposition()`.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
}
