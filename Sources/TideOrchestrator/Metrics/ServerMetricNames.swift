import TideHTTP

/// The metric families `tide server` exposes on `GET /metrics` (docs/operations.md, "Metrics",
/// lists them with their labels). Device ids are never labels: every label comes from a small,
/// fixed set.
enum ServerMetricNames {
    static let devices = "tide_devices"
    static let statusChanges = "tide_device_status_changes_total"
    static let heartbeatLag = "tide_heartbeat_lag_seconds"
    static let probeDuration = "tide_probe_duration_seconds"
    static let deploys = "tide_deploys_total"
    static let deployPhaseDuration = "tide_deploy_phase_duration_seconds"
    static let placementDuration = "tide_placement_duration_seconds"
    static let failovers = "tide_failovers_total"
    static let failoverDuration = "tide_failover_duration_seconds"
    static let pushes = "tide_pushes_total"
    static let pushErrors = "tide_push_errors_total"
    static let runs = "tide_runs_total"
    static let runDuration = "tide_run_duration_seconds"
    static let publishes = "tide_registry_publishes_total"
    static let resolves = "tide_registry_resolves_total"
    static let resolveDuration = "tide_registry_resolve_duration_seconds"
    static let deployments = "tide_deployments"
    static let stateMoves = "tide_state_moves_total"
    static let checkpoints = "tide_checkpoints_total"
    static let checkpointDuration = "tide_checkpoint_duration_seconds"
    static let checkpointBytes = "tide_checkpoint_bytes_total"

    static let definitions: [MetricDefinition] =
        [
            MetricDefinition(devices, .gauge, help: "Devices in the inventory, by status (alive, suspect, dead)."),
            MetricDefinition(
                statusChanges, .counter,
                help: "Device status changes, by previous status, new status and the kind of evidence that caused it."),
            MetricDefinition(
                heartbeatLag, .latency,
                help: "Time from a supervisor sending a heartbeat to the server receiving it (clocks of both sides)."),
            MetricDefinition(probeDuration, .latency, help: "Duration of health probes (GET /health), by result."),
            MetricDefinition(
                deploys, .counter,
                help: "Deploys (tide deploy apply, POST /api/v1/deployments), by result: the status the deploy settled in (active, degraded, failed; deploying for a paused rollout), rejected (invalid, unresolvable or unplaceable) or unchanged."),
            MetricDefinition(
                deployPhaseDuration, .slow, help: "Duration of each phase of a deploy: resolve, place, push."),
            MetricDefinition(
                placementDuration, .latency, help: "Time the solver took to place a deployment (plans, deploys, failovers), by result."),
            MetricDefinition(
                failovers, .counter,
                help: "Recoveries of deployments whose steps lost their device, by the resulting deployment status."),
            MetricDefinition(
                failoverDuration, .slow,
                help: "Time from the last sign of life of a failed device (heartbeat or answered probe) to its deployment running again elsewhere."),
            MetricDefinition(pushes, .counter, help: "Nodes pushed to devices (POST /deploy), by result (ok, error)."),
            MetricDefinition(
                pushErrors, .counter,
                help: "Failed pushes, by reason: refused, timeout, unreachable, http_status, not_json, bad_shape, missing."),
            MetricDefinition(runs, .counter, help: "Pipeline runs, by result: ok, failed, rejected."),
            MetricDefinition(runDuration, .slow, help: "Duration of pipeline runs, retries included."),
            MetricDefinition(publishes, .counter, help: "Package versions published to the registry, by result (ok, rejected)."),
            MetricDefinition(
                resolves, .counter, help: "Dependency resolutions, by result (ok, unsatisfiable, bad_range)."),
            MetricDefinition(resolveDuration, .latency, help: "Duration of dependency resolutions."),
            MetricDefinition(deployments, .gauge, help: "Deployments, by status (pending, deploying, active, degraded, failed)."),
            MetricDefinition(
                stateMoves, .counter,
                help: "Stateful steps that moved, by what became of their state: carried (planned move), restored (from a checkpoint), lost (started fresh)."),
            MetricDefinition(checkpoints, .counter, help: "Checkpoints of stateful steps taken and stored, by result (ok, error)."),
            MetricDefinition(
                checkpointDuration, .latency, help: "Time to take and store a checkpoint (snapshot on the device, transfer, store)."),
            MetricDefinition(checkpointBytes, .counter, help: "Bytes of checkpoints stored."),
        ] + HTTPMetricsMiddleware<TideRequestContext>.definitions
}
