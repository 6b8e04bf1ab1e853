import Foundation
import TideClient
import TideModel
import TideStore

/// The two failover measurements of `tide-bench ha`: the leader SIGKILLed (until a survivor leads
/// and has finished its first reconcile pass), and a device running a step crashing while a
/// replica that does not lead is down (until the step runs on another device).
struct HighAvailabilityTrials: Sendable {
    let replicas: HighAvailabilityReplicas
    let fleet: SimulatedFleet
    let agent: SimulatedDeployAgent
    let heartbeats: HighAvailabilityHeartbeats
    let giveUp: Duration
    let progress: @Sendable (String) -> Void

    static let deployment = "ha-bench"

    /// SIGKILLs the leader, polls the survivors until one leads with `reconcilingSince` after the
    /// kill, then restarts the killed replica and waits until all are listed again.
    func leaderFailover(trial: Int) async throws -> HighAvailabilityReport.LeaderTrial {
        let leader = try await replicas.waitSettled()
        let survivors = await replicas.running.filter { $0 != leader }
        let termBefore = await replicas.status(leader)?.term ?? 0
        let killedAt = Date()
        let killed = await replicas.kill(leader)
        let deadline = killed + giveUp
        while ContinuousClock.now < deadline {
            for id in survivors {
                guard let status = await replicas.status(id), status.leading, let since = status.reconcilingSince, since > killedAt else {
                    continue
                }
                let observed = (ContinuousClock.now - killed).inMilliseconds
                let result = HighAvailabilityReport.LeaderTrial(
                    trial: trial, killed: leader, newLeader: id, termBefore: termBefore, termAfter: status.term,
                    reconcilingMilliseconds: since.timeIntervalSince(killedAt) * 1000, observedMilliseconds: observed)
                progress("leader trial \(trial + 1): killed \(leader), \(id) reconciling after \(Int(result.reconcilingMilliseconds)) ms")
                try await replicas.restart(leader)
                _ = try await replicas.waitSettled()
                return result
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw BenchFailure("leader trial \(trial + 1): no survivor of \(leader) reported reconciling within \(giveUp); logs in \(replicas.directory)/logs")
    }

    /// Places the one-step deployment (through any replica: it forwards to the leader).
    func deploy() async throws -> DeviceID {
        let manifest = """
            name: \(Self.deployment)
            steps:
              - name: work
                module: fibo@^1.1
                function: fibo
            """
        let id = await replicas.running.first ?? "r1"
        let deployment: Deployment
        do {
            deployment = try await replicas.client(id, timeout: .seconds(60)).apply(manifest: Array(manifest.utf8), json: false, fileName: "ha.yaml")
        } catch {
            throw BenchFailure("applying the benchmark's deployment through \(id): \(error)")
        }
        guard deployment.status == .active, let device = deployment.steps.first?.device else {
            throw BenchFailure("the benchmark's deployment is \(deployment.status.rawValue), not active: \(deployment.reason ?? "no reason given")")
        }
        return device
    }

    /// SIGKILLs a replica that does not lead, crashes the device running the step (its listener
    /// closes, its heartbeats stop), and times until the deployment is active with the step on
    /// another device that holds the node.
    func deviceCrash(trial: Int) async throws -> HighAvailabilityReport.CrashTrial {
        let leader = try await replicas.waitSettled()
        guard let down = await replicas.running.first(where: { $0 != leader }) else { throw BenchFailure("no replica besides the leader") }
        let before = try await currentDevice()
        let replicaIDs = try await replicas.running.map { try ReplicaID($0) }
        let watchedByDown = Rendezvous.owner(of: before.rawValue, among: replicaIDs)?.rawValue == down
        _ = await replicas.kill(down)
        // The replica is down before the device fails, as the issue asks.
        try? await Task.sleep(for: .milliseconds(200))
        let crashed = ContinuousClock.now
        let crashedAt = Date()
        heartbeats.stop(before)
        await fleet.close(before)
        let deadline = crashed + giveUp
        while ContinuousClock.now < deadline {
            if let deployment = try? await replicas.client(leader, timeout: .seconds(2)).deployment(Self.deployment),
                deployment.status == .active, let step = deployment.steps.first, let device = step.device, device != before,
                step.state == .running, agent.holders(of: Self.deployment).contains(device)
            {
                let milliseconds = (ContinuousClock.now - crashed).inMilliseconds
                let dead = await firstEvent(of: before, after: crashedAt, leader: leader) {
                    $0.kind == .deviceStatusChanged && $0.details?["to"]?.stringValue == "dead"
                }
                let moved = await firstEvent(of: device, after: crashedAt, leader: leader) {
                    $0.kind == .deploymentStepMoved && $0.details?["from"]?.stringValue == before.rawValue
                }
                let result = HighAvailabilityReport.CrashTrial(
                    trial: trial, replicaDown: down, leader: leader, crashed: before, watchedByReplicaDown: watchedByDown, movedTo: device,
                    milliseconds: milliseconds,
                    deadMilliseconds: dead.map { $0.time.timeIntervalSince(crashedAt) * 1000 },
                    movedMilliseconds: moved.map { $0.time.timeIntervalSince(crashedAt) * 1000 })
                progress(
                    "crash trial \(trial + 1): \(down) down\(watchedByDown ? " (its watcher)" : ""), \(before) crashed, step on \(device) after \(Int(result.milliseconds)) ms "
                        + "(dead after \(result.deadMilliseconds.map { String(Int($0)) } ?? "?") ms, moved after \(result.movedMilliseconds.map { String(Int($0)) } ?? "?") ms)")
                try await replicas.restart(down)
                _ = try await replicas.waitSettled()
                return result
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw BenchFailure("crash trial \(trial + 1): the step of \(before) did not run elsewhere within \(giveUp) (replica \(down) down); logs in \(replicas.directory)/logs")
    }

    /// The first event about `device` after `time` that `matches` (from the leader's log).
    private func firstEvent(of device: DeviceID, after time: Date, leader: String, matching matches: (FleetEvent) -> Bool) async -> FleetEvent? {
        guard let page = try? await replicas.client(leader, timeout: .seconds(5)).events(device: device, limit: 1000) else { return nil }
        return page.events.first { $0.time >= time && matches($0) }
    }

    private func currentDevice() async throws -> DeviceID {
        for id in await replicas.running {
            if let deployment = try? await replicas.client(id).deployment(Self.deployment), let device = deployment.steps.first?.device,
                deployment.status == .active
            {
                return device
            }
        }
        throw BenchFailure("the benchmark's deployment is not active on a device before the crash trial")
    }
}
