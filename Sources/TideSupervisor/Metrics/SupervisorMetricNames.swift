import TideHTTP

/// The metric families `tide supervisor` exposes on `GET /metrics` (docs/supervisor.md and
/// docs/operations.md list them). Labels come from small, fixed sets: no deployment, module or
/// request ids.
enum SupervisorMetricNames {
    static let calls = "tide_supervisor_calls_total"
    static let callDuration = "tide_supervisor_call_duration_seconds"
    static let fuel = "tide_supervisor_call_fuel_used"
    static let deployments = "tide_supervisor_deployments"
    static let instances = "tide_supervisor_instances"
    static let residentMemory = "process_resident_memory_bytes"
    static let wasmMemory = "tide_supervisor_wasm_memory_bytes"
    static let cacheHits = "tide_supervisor_module_cache_hits_total"
    static let cacheMisses = "tide_supervisor_module_cache_misses_total"
    static let downloads = "tide_supervisor_downloads_total"
    static let downloadedBytes = "tide_supervisor_downloaded_bytes_total"

    /// Fuel per call: a thousand units to the default budget of four billion.
    static let fuelBuckets: [Double] = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 4e9]

    static let definitions: [MetricDefinition] =
        [
            MetricDefinition(
                calls, .counter, help: "Function calls run, by result: ok, or the error code (execution_failed, busy, ...)."),
            MetricDefinition(callDuration, .latency, help: "Duration of function calls, queueing and chained hand-off included, by result."),
            MetricDefinition(
                fuel, .valueHistogram(buckets: fuelBuckets),
                help: "Fuel (about one unit per Wasm instruction) used by each call that finished."),
            MetricDefinition(deployments, .gauge, help: "Deployments installed on this device."),
            MetricDefinition(instances, .gauge, help: "Wasm module instances of the installed deployments."),
            MetricDefinition(residentMemory, .gauge, help: "Resident set size of the supervisor process, in bytes."),
            MetricDefinition(
                wasmMemory, .gauge, help: "Linear memory of the installed module instances (exported memories), in bytes."),
            MetricDefinition(cacheHits, .counter, help: "Module and data file downloads skipped: the digest was cached already."),
            MetricDefinition(cacheMisses, .counter, help: "Module and data files not in the cache, so downloaded."),
            MetricDefinition(downloads, .counter, help: "Module and data file downloads, by result (ok, failed)."),
            MetricDefinition(downloadedBytes, .counter, help: "Bytes of module and data files downloaded."),
        ] + HTTPMetricsMiddleware<SupervisorRequestContext>.definitions
}
