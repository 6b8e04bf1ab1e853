import Foundation
import TideModel

/// After the soak: every supervisor back up, then is the deployment still there and active, does
/// only the device holding `middle` serve it, and does the pipeline still run?
struct FailoverBenchmarkSoakCheck: Sendable {
    let fleet: FailoverBenchmarkFleet
    let api: FailoverBenchmarkAPI
    let runTimeout: Duration

    struct Final: Codable, Sendable {
        /// `GET /api/v1/deployments` still lists `pipe`.
        var deploymentListed: Bool
        var status: String?
        var generation: Int64?
        /// Step -> supervisor.
        var placement: [String: String]
        /// Seconds after the soak until the deployment was active with every supervisor alive (nil: not within 60 s).
        var settledSeconds: Double?
        /// Supervisors that do not hold `middle` but still answer its endpoint with anything but 404, 30 s after settling.
        var staleInstances: [String]
        /// The supervisor holding `middle` answers its endpoint.
        var holderServesMiddle: Bool
        var finalRunSucceeded: Bool
        var finalRunError: String?
        /// Supervisors the server damps (new work avoids them) at the end.
        var dampedAtEnd: [String]
    }

    func run() async throws(FailoverBenchmarkError) -> Final {
        for supervisor in await fleet.all() where !supervisor.child.isRunning {
            try await fleet.restart(supervisor.name)
        }
        let settled = try await settle()
        let stale = try await staleInstances()
        let deployment = try await api.deployment()
        let listed = try await api.deployments().first { $0.name == FailoverBenchmarkAPI.deployment }
        let holder = deployment.step("middle")?.device
        var placement: [String: String] = [:]
        for step in deployment.steps {
            guard let device = step.device else { continue }
            placement[step.step] = await fleet.supervisor(holding: device)?.name ?? device.rawValue
        }
        var holderServes = false
        if let holder, let supervisor = await fleet.supervisor(holding: holder) {
            holderServes = await api.middleStatus(port: supervisor.port) == 200
        }
        let now = Date()
        let damped = try await api.devices().filter { $0.isDamped(at: now) }.map(\.name).sorted()
        let run = await api.run(timeout: runTimeout)
        return Final(
            deploymentListed: listed != nil, status: listed?.status.rawValue, generation: listed?.generation, placement: placement,
            settledSeconds: settled, staleInstances: stale.sorted(), holderServesMiddle: holderServes,
            finalRunSucceeded: run.success, finalRunError: run.success ? nil : "\(run.failure ?? ""): \(run.detail ?? "")",
            dampedAtEnd: damped)
    }

    /// Waits until the deployment is active and every supervisor alive; seconds taken, nil after 60 s.
    private func settle() async throws(FailoverBenchmarkError) -> Double? {
        let started = ContinuousClock.now
        let ids = Set(await fleet.all().map(\.id))
        while ContinuousClock.now - started < .seconds(60) {
            let alive = Set(try await api.devices().filter { $0.status == .alive }.map(\.id))
            if ids.isSubset(of: alive), try await api.deployment().status == .active { return (ContinuousClock.now - started).inSeconds }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return nil
    }

    /// Supervisors without `middle` that still serve it, after giving the server 30 s to clean them.
    private func staleInstances() async throws(FailoverBenchmarkError) -> [String] {
        let deadline = ContinuousClock.now + .seconds(30)
        var stale: [String] = []
        repeat {
            let holder = try await api.deployment().step("middle")?.device
            stale = []
            for supervisor in await fleet.all() where supervisor.id != holder {
                if await api.middleStatus(port: supervisor.port) != 404 { stale.append(supervisor.name) }
            }
            if stale.isEmpty { return [] }
            try? await Task.sleep(for: .milliseconds(500))
        } while ContinuousClock.now < deadline
        return stale
    }
}
