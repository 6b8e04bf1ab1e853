import Foundation
import TideHTTP
import TideModel

/// What `tide server` records, one small call at each edge (inventory, monitor, deploys, runs,
/// registry), into its own registry: two servers in one process never mix counts. Gauges that
/// mirror state (devices by status, deployments by status) are read at scrape time instead
/// (`exposition(inventory:controller:)`).
public final class ServerMetrics: Sendable {
    public let registry: MetricsRegistry
    private typealias Names = ServerMetricNames

    public init() {
        registry = MetricsRegistry(ServerMetricNames.definitions)
        // Series that alerts and `increase()` watch exist from the start, at 0.
        for result in [DeploymentStatus.active, .degraded] {
            registry.increment(Names.failovers, [("result", result.rawValue)], by: 0)
        }
    }

    func statusChanged(from previous: DeviceStatus, to next: DeviceStatus, evidence: String) {
        registry.increment(Names.statusChanges, [("from", previous.rawValue), ("to", next.rawValue), ("evidence", evidence)])
    }

    func heartbeat(sentAt: Date, receivedAt: Date) {
        registry.record(Names.heartbeatLag, duration: .seconds(max(0, receivedAt.timeIntervalSince(sentAt))))
    }

    func probe(_ outcome: Result<HealthReport, ProbeError>, took duration: Duration) {
        let result = switch outcome {
        case .success: "ok"
        case .failure(let error): error.kind.metricLabel
        }
        registry.record(Names.probeDuration, [("result", result)], duration: duration)
    }

    /// A deploy that ended in `result` (a deployment status, `rejected` or `unchanged`).
    func deployed(_ result: String) {
        registry.increment(Names.deploys, [("result", result)])
    }

    enum DeployPhase: String {
        case resolve, place, push
    }

    func deployPhase(_ phase: DeployPhase, took duration: Duration) {
        registry.record(Names.deployPhaseDuration, [("phase", phase.rawValue)], duration: duration)
    }

    func placed(succeeded: Bool, took duration: Duration) {
        registry.record(Names.placementDuration, [("result", succeeded ? "ok" : "failed")], duration: duration)
    }

    /// A recovery of a deployment whose steps lost their device; `failedAt` is the last sign of
    /// life of the first of those devices to fail (its last heartbeat or answered probe), and the
    /// time from there counts only once the deployment runs again (`active`).
    func failedOver(result: DeploymentStatus, failedAt: Date?) {
        registry.increment(Names.failovers, [("result", result.rawValue)])
        if result == .active, let failedAt {
            registry.record(Names.failoverDuration, duration: .seconds(max(0, Date().timeIntervalSince(failedAt))))
        }
    }

    func pushed(error: ProbeError.Kind?) {
        registry.increment(Names.pushes, [("result", error == nil ? "ok" : "error")])
        if let error { registry.increment(Names.pushErrors, [("reason", error.metricLabel)]) }
    }

    /// Pushes that never left: the device is no longer in the inventory.
    func pushesMissed(_ count: Int) {
        guard count > 0 else { return }
        registry.increment(Names.pushes, [("result", "error")], by: Int64(count))
        registry.increment(Names.pushErrors, [("reason", "missing")], by: Int64(count))
    }

    enum RunOutcome: String {
        case ok, failed, rejected
    }

    func checkpointed(ok: Bool, bytes: Int, took duration: Duration) {
        registry.increment(Names.checkpoints, [("result", ok ? "ok" : "error")])
        registry.record(Names.checkpointDuration, duration: duration)
        if bytes > 0 { registry.increment(Names.checkpointBytes, by: Int64(bytes)) }
    }

    func stateMoved(_ outcome: StateOutcome.Kind) {
        registry.increment(Names.stateMoves, [("outcome", outcome.rawValue)])
    }

    func ran(_ result: RunOutcome, took duration: Duration) {
        registry.increment(Names.runs, [("result", result.rawValue)])
        registry.record(Names.runDuration, [("result", result.rawValue)], duration: duration)
    }

    func published(succeeded: Bool) {
        registry.increment(Names.publishes, [("result", succeeded ? "ok" : "rejected")])
    }

    func resolved(_ result: String, took duration: Duration) {
        registry.increment(Names.resolves, [("result", result)])
        registry.record(Names.resolveDuration, duration: duration)
    }

    /// The exposition, with the state gauges read now.
    func exposition(devices: [DeviceStatus: Int], deployments: [DeploymentStatus: Int]) -> [UInt8] {
        for status in DeviceStatus.allCases {
            registry.set(Names.devices, [("status", status.rawValue)], to: Double(devices[status] ?? 0))
        }
        for status in DeploymentStatus.allCases {
            registry.set(Names.deployments, [("status", status.rawValue)], to: Double(deployments[status] ?? 0))
        }
        return registry.exposition()
    }
}

extension ProbeError.Kind {
    /// The kind as a metric label (snake case).
    var metricLabel: String {
        switch self {
        case .unreachable: "unreachable"
        case .refused: "refused"
        case .timeout: "timeout"
        case .httpStatus: "http_status"
        case .notJSON: "not_json"
        case .badShape: "bad_shape"
        case .notLeading: "not_leading"
        }
    }
}

extension LivenessEvidence {
    /// The evidence as a metric label (one of seven).
    var metricLabel: String {
        switch self {
        case .probeAnswered: "probe_answered"
        case .heartbeat: "heartbeat"
        case .probeFailed(let failure): "probe_failed_\(failure.rawValue)"
        case .heartbeatsMissing: "heartbeats_missing"
        case .announcementWithdrawn: "announcement_withdrawn"
        }
    }
}
