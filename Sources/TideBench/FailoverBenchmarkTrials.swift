import Foundation
import TideModel

/// The default mode: SIGKILL the device of step `middle`, time until the pipeline runs again on
/// another device, replace the killed supervisor with a fresh one, repeat.
struct FailoverBenchmarkTrials: Sendable {
    let fleet: FailoverBenchmarkFleet
    let api: FailoverBenchmarkAPI
    let runTimeout: Duration
    let pause: Duration
    /// How long a trial may take before the benchmark reports that the pipeline never recovered.
    let giveUp: Duration
    let progress: @Sendable (String) -> Void

    struct Trial: Codable, Sendable {
        var trial: Int
        var killed: String
        var killedDevice: DeviceID
        var movedTo: String
        /// SIGKILL to the first successful run with `middle` elsewhere, as the client saw it.
        var recoveryMilliseconds: Double
        /// SIGKILL to the server's `device.status` dead event.
        var detectionMilliseconds: Double?
        /// The evidence the server gave for declaring the device dead.
        var deadBecause: String?
        /// Dead event to the `deployment.status` active event.
        var replacementMilliseconds: Double?
        var failedRuns: Int
        var failures: [String: Int]
        var generation: Int64
    }

    /// Runs `count` trials one after another.
    func run(_ count: Int) async throws(FailoverBenchmarkError) -> [Trial] {
        var trials: [Trial] = []
        for index in 1...count {
            let trial = try await one(index)
            progress(
                "trial \(index): \(trial.killed) killed, middle on \(trial.movedTo) after \(Int(trial.recoveryMilliseconds)) ms "
                    + "(detection \(trial.detectionMilliseconds.map { "\(Int($0))" } ?? "?") ms, "
                    + "re-placement \(trial.replacementMilliseconds.map { "\(Int($0))" } ?? "?") ms)")
            trials.append(trial)
            try await replace(trial.killed, with: "spare-\(index)")
        }
        return trials
    }

    private func one(_ index: Int) async throws(FailoverBenchmarkError) -> Trial {
        let before = try await api.deployment()
        guard before.status == .active, let middle = before.step("middle")?.device,
            let victim = await fleet.supervisor(holding: middle)
        else {
            throw .neverRecovered(
                "trial \(index): the deployment is \(before.status.rawValue) with middle on \(before.step("middle")?.device?.rawValue ?? "no device"), not active on a benchmark supervisor",
                evidence: await api.evidence())
        }
        let cursor = try await api.cursor()
        // A random moment, so that kills fall anywhere in the server's 1 s probe cycle.
        try? await Task.sleep(for: .milliseconds(Int.random(in: 0..<1000)))
        guard let killedAt = await fleet.kill(victim.name) else { throw .child("trial \(index): \(victim.name) was not running") }
        let started = ContinuousClock.now
        var failures: [String: Int] = [:]
        var recovered: FailoverBenchmarkAPI.Attempt?
        while ContinuousClock.now - started < giveUp {
            let attempt = await api.run(timeout: runTimeout)
            if attempt.success, let device = attempt.middle, device != middle {
                recovered = attempt
                break
            }
            failures[attempt.failure ?? "ran on the killed device", default: 0] += 1
            try? await Task.sleep(for: pause)
        }
        guard let recovered, let device = recovered.middle else {
            throw .neverRecovered(
                "trial \(index): after SIGKILL of \(victim.name) (\(middle)) the pipeline did not run again within \(giveUp)",
                evidence: await api.evidence())
        }
        let recovery = recovered.finished.timeIntervalSince(killedAt) * 1000
        let (dead, active, because) = await phases(after: cursor, device: middle)
        let after = try await api.deployment()
        return Trial(
            trial: index, killed: victim.name, killedDevice: middle,
            movedTo: await fleet.supervisor(holding: device)?.name ?? device.rawValue, recoveryMilliseconds: recovery,
            detectionMilliseconds: dead.map { $0.timeIntervalSince(killedAt) * 1000 }, deadBecause: because,
            replacementMilliseconds: dead.flatMap { dead in active.map { $0.timeIntervalSince(dead) * 1000 } },
            failedRuns: failures.values.reduce(0, +), failures: failures, generation: after.generation)
    }

    /// When the server declared `device` dead and when the deployment was active again after that
    /// (waits up to 10 s for both events).
    private func phases(after cursor: Int64, device: DeviceID) async -> (dead: Date?, active: Date?, because: String?) {
        let deadline = ContinuousClock.now + .seconds(10)
        var death: FleetEvent?
        while ContinuousClock.now < deadline {
            let events = (try? await api.events(after: cursor)) ?? []
            death = events.first { $0.kind == .deviceStatusChanged && $0.device == device && $0.details?["to"]?.stringValue == "dead" }
            if let dead = death?.time,
                let active = events.first(where: {
                    $0.kind == .deploymentStatusChanged && $0.time >= dead && $0.details?["status"]?.stringValue == "active"
                })?.time
            {
                return (dead, active, death?.details?["evidence"]?.stringValue)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return (death?.time, nil, death?.details?["evidence"]?.stringValue)
    }

    /// Replaces the killed supervisor by a fresh device and waits until the deployment is active.
    private func replace(_ killed: String, with name: String) async throws(FailoverBenchmarkError) {
        await fleet.retire(killed)
        try await fleet.addSupervisor(name)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await api.deployment().status == .active { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
        throw .neverRecovered("the deployment was not active 30 s after \(name) replaced \(killed)", evidence: await api.evidence())
    }
}
