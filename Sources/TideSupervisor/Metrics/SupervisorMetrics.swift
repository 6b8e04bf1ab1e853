import TideHTTP

/// What `tide supervisor` records (calls, fuel, the module cache, downloads) into its own
/// registry; state gauges (deployments, instances, memory) are read at scrape time.
public final class SupervisorMetrics: Sendable {
    public let registry: MetricsRegistry
    private typealias Names = SupervisorMetricNames

    public init() {
        registry = MetricsRegistry(SupervisorMetricNames.definitions)
    }

    /// A call that finished: `error` nil when it succeeded.
    func called(error: SupervisorError?, took duration: Duration, fuelUsed: UInt64?) {
        let result = error?.code ?? "ok"
        registry.increment(Names.calls, [("result", result)])
        registry.record(Names.callDuration, [("result", result)], duration: duration)
        if let fuelUsed { registry.record(Names.fuel, value: Double(fuelUsed)) }
    }

    func cacheLookup(hit: Bool) {
        registry.increment(hit ? Names.cacheHits : Names.cacheMisses)
    }

    func downloaded(bytes: Int?) {
        registry.increment(Names.downloads, [("result", bytes == nil ? "failed" : "ok")])
        if let bytes { registry.increment(Names.downloadedBytes, by: Int64(bytes)) }
    }

    /// The exposition, with the state gauges read now.
    func exposition(installed: Deployer.Installed) -> [UInt8] {
        registry.set(Names.deployments, to: Double(installed.deployments))
        registry.set(Names.instances, to: Double(installed.instances))
        registry.set(Names.wasmMemory, to: Double(installed.linearMemoryBytes))
        registry.set(Names.residentMemory, to: Double(UsageMonitor.residentBytes()))
        return registry.exposition()
    }
}
