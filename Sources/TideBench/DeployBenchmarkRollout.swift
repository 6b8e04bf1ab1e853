import Foundation
import TideModel

/// `tide-bench deploy --rollout-trials`: a rolling update of the step pinned to every simulated
/// device, 10% of the fleet at a time (no canary, no health wait: the time is the rollout's own),
/// then the same update back, aborted after three stages, timed until every device reverted.
struct DeployBenchmarkRollout: Sendable {
    let api: DeployBenchmarkAPI
    let members: [SimulatedFleet.Member]

    struct Trial: Encodable {
        var deployment: String
        var devices: Int
        var stages: Int
        /// `POST /api/v1/deployments` of the update until every device ran it (wall; the server
        /// answers at most after a minute, then the benchmark polls).
        var doneWallMilliseconds: Double
        /// The rollout's own start to end, from its `startedAt` and `endedAt`.
        var doneServerMilliseconds: Double
        var abortedAfterStages: Int
        var devicesUpdatedBeforeAbort: Int
        /// `POST .../abort` until the deployment is `active` again at the reverted generation.
        var abortToRevertedMilliseconds: Double
    }

    static let update = "update:\n  max-parallel: 10%\n  min-healthy-time: 0s\n"

    static func manifest(name: String, range: String, members: [SimulatedFleet.Member]) -> String {
        var text = "name: \(name)\nsteps:\n"
        for (index, member) in members.enumerated() {
            text += "  - name: s\(index)\n    module: fibo@\(range)\n    function: fibo\n    input: []\n    require: { device: \(member.id.rawValue) }\n"
        }
        return text + update
    }

    func run(trial: Int) async throws(DeployBenchmarkError) -> Trial {
        let name = "bench-rollout-\(trial)"
        let created = try await apply(Self.manifest(name: name, range: "~1.0", members: members), name: name, wait: true)
        guard created.status == .active else { throw .check("\(name) is \(created.status.rawValue) after its first deploy: \(created.reason ?? "")") }

        let started = ContinuousClock.now
        _ = try await apply(Self.manifest(name: name, range: "^1.1", members: members), name: name, wait: true)
        let done = try await settle(name, until: { $0.rollout?.state == .done && $0.status == .active })
        let doneWall = (ContinuousClock.now - started).inMilliseconds
        guard let rollout = done.rollout, rollout.updated.count == members.count, let ended = rollout.endedAt else {
            throw .check("\(name): the rollout ended without every device updated: \(String(describing: done.rollout))")
        }

        _ = try await apply(Self.manifest(name: name, range: "~1.0", members: members), name: name, wait: false)
        let halfway = try await settle(name, until: { ($0.rollout?.stage ?? 0) >= 3 })
        let abortStarted = ContinuousClock.now
        let abort = try await api.send(.POST, "/api/v1/deployments/\(name)/abort")
        guard abort.status == 202 else { throw .unexpected("aborting the rollout of \(name)", abort) }
        let reverted = try await settle(name, until: { $0.rollout?.state == .reverted && $0.status == .active })
        let abortMilliseconds = (ContinuousClock.now - abortStarted).inMilliseconds
        guard reverted.pins.allSatisfy({ $0.version == "1.1.0" }) else {
            throw .check("\(name): after the abort the pins are \(reverted.pins.map(\.version)), not 1.1.0")
        }
        let removal = try await api.send(.DELETE, "/api/v1/deployments/\(name)")
        guard removal.status == 200 else { throw .unexpected("removing \(name)", removal) }
        return Trial(
            deployment: name, devices: members.count, stages: rollout.stages, doneWallMilliseconds: doneWall,
            doneServerMilliseconds: ended.timeIntervalSince(rollout.startedAt) * 1000, abortedAfterStages: halfway.rollout?.stage ?? 0,
            devicesUpdatedBeforeAbort: halfway.rollout?.updated.count ?? 0, abortToRevertedMilliseconds: abortMilliseconds)
    }

    private func apply(_ manifest: String, name: String, wait: Bool) async throws(DeployBenchmarkError) -> Deployment {
        let answer = try await api.send(
            .POST, "/api/v1/deployments" + (wait ? "" : "?wait=false"), body: manifest, contentType: "application/yaml")
        guard (200...202).contains(answer.status) else { throw .unexpected("applying \(name)", answer) }
        return try api.decode(answer, as: "the deployment \(name)")
    }

    /// Polls the deployment every 20 ms until `done` holds (at most 5 minutes).
    private func settle(_ name: String, until done: (Deployment) -> Bool) async throws(DeployBenchmarkError) -> Deployment {
        let deadline = ContinuousClock.now + .seconds(300)
        while true {
            let answer = try await api.send(.GET, "/api/v1/deployments/\(name)")
            guard answer.status == 200 else { throw .unexpected("reading \(name)", answer) }
            let deployment: Deployment = try api.decode(answer, as: "the deployment \(name)")
            if done(deployment) { return deployment }
            guard ContinuousClock.now < deadline else {
                throw .check("\(name) did not get there within 5 minutes: \(deployment.status.rawValue), rollout \(String(describing: deployment.rollout))")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
