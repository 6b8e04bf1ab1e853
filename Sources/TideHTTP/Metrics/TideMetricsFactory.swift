import CoreMetrics
import Prometheus

/// A swift-metrics factory over one `PrometheusCollectorRegistry`, with the help text and the
/// buckets of each declared family. Each server builds its own (see `MetricsRegistry`), so several
/// servers in one process (the tests, `tide dev`) never share counts, and nothing depends on the
/// process-global `MetricsSystem.bootstrap`. Names that were not declared get no help text and the
/// latency buckets.
public struct TideMetricsFactory: MetricsFactory {
    public let registry: PrometheusCollectorRegistry
    private let definitions: [String: MetricDefinition]

    public init(registry: PrometheusCollectorRegistry, definitions: [MetricDefinition]) {
        self.registry = registry
        self.definitions = Dictionary(definitions.map { ($0.name, $0) }) { first, _ in first }
    }

    /// The name with its help text (no unit suffix: declared names carry their unit already).
    private func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: definitions[name]?.help ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        var buckets: [Double] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
        if case .valueHistogram(let declared) = definitions[label]?.kind { buckets = declared }
        return registry.makeValueHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        var buckets = MetricDefinition.Kind.latencyBuckets
        if case .durationHistogram(let declared) = definitions[label]?.kind { buckets = declared }
        return registry.makeDurationHistogram(descriptor: descriptor(label), labels: dimensions, buckets: buckets)
    }

    public func destroyCounter(_ handler: any CounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        if let counter = handler as? Prometheus.Counter { registry.unregisterCounter(counter) }
    }

    public func destroyRecorder(_ handler: any RecorderHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
        if let histogram = handler as? Prometheus.ValueHistogram { registry.unregisterValueHistogram(histogram) }
    }

    public func destroyMeter(_ handler: any MeterHandler) {
        if let gauge = handler as? Prometheus.Gauge { registry.unregisterGauge(gauge) }
    }

    public func destroyTimer(_ handler: any TimerHandler) {
        if let histogram = handler as? Prometheus.DurationHistogram { registry.unregisterDurationHistogram(histogram) }
    }
}
