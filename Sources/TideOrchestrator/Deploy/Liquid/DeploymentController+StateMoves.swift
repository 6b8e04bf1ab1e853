import Foundation
import TideLiquid
import TideModel

/// Planned moves that carry state: the deployment's runs pause, the state of each stateful step
/// that moves is taken on its old device after its last call, the move is deployed, the state is
/// restored into the new instance, and the runs go on. A state that cannot be taken or restored
/// (another module version, too large, a wasmiot device) is lost: the step starts fresh there,
/// and a `deployment.state` event says why.
extension DeploymentController {
    /// The snapshot of a stateful step, taken before it moves, or why there is none.
    struct TakenState: Sendable {
        var step: String
        var from: DeviceID
        var snapshot: Result<[UInt8], StateUnavailable>
    }

    struct StateUnavailable: Error, Sendable {
        var reason: String
    }

    /// A stateful step that is about to move, and the device it leaves.
    struct StatefulStep: Sendable, Equatable {
        var step: String
        var from: DeviceID
    }

    /// Runs `move` (which re-places and deploys `name`, inside its queue) with the runs paused
    /// and the state of the `stateful` steps carried to where they run afterwards (a step that
    /// stays where it was keeps its instance). Without stateful steps it only runs `move`.
    /// Returns what became of each state, by step; nil when the runs under way did not end in
    /// time and nothing moved.
    func carryingState(
        _ name: String, stateful: [StatefulStep], _ move: () async -> Void
    ) async -> [String: StateOutcome]? {
        guard !stateful.isEmpty else {
            await move()
            return [:]
        }
        let paused = ContinuousClock.now
        guard await pauseRuns(name, until: paused + PipelineRunner.callTimeout) else {
            resumeRuns(name)
            return nil
        }
        var outcomes: [String: StateOutcome] = [:]
        if let before = deployments[name] {
            let taken = await takeStates(before, stateful)
            await move()
            if let after = deployments[name] { outcomes = await restoreStates(after, taken, pausedAt: paused) }
        }
        resumeRuns(name)
        return outcomes
    }

    /// The snapshots of the steps on the devices they leave, one after another (each holds its
    /// device's module queue only while it is taken).
    func takeStates(_ deployment: Deployment, _ steps: [StatefulStep]) async -> [TakenState] {
        let (addresses, trusted, _) = await endpoints(of: Array(Set(steps.map(\.from))))
        var taken: [TakenState] = []
        for (step, device) in steps.map({ ($0.step, $0.from) }) {
            guard let endpoint = addresses[device] else {
                taken.append(TakenState(step: step, from: device, snapshot: .failure(StateUnavailable(reason: "its old device is not in the inventory"))))
                continue
            }
            do throws(ProbeError) {
                let bytes = try await supervisors.snapshot(
                    of: step, in: deployment.name, at: endpoint, trusted: trusted.contains(device), timeout: deployTimeout,
                    limit: snapshotLimits.maxEncodedBytes)
                taken.append(TakenState(step: step, from: device, snapshot: .success(bytes)))
            } catch {
                let reason = error.kind == .badShape
                    ? "it is larger than the server takes (tide server --max-snapshot-bytes \(maxSnapshotBytes))"
                    : "it could not be taken: \(error.message)"
                taken.append(TakenState(step: step, from: device, snapshot: .failure(StateUnavailable(reason: reason))))
            }
        }
        return taken
    }

    /// Restores each taken state where its step runs now and records what became of it.
    func restoreStates(_ deployment: Deployment, _ taken: [TakenState], pausedAt paused: ContinuousClock.Instant) async
        -> [String: StateOutcome]
    {
        let targets = taken.compactMap { deployment.step($0.step)?.device }
        let (addresses, trusted, _) = await endpoints(of: targets)
        let names = await deviceNames(targets + taken.map(\.from))
        var outcomes: [String: StateOutcome] = [:]
        var events: [NewFleetEvent] = []
        for state in taken {
            guard let to = deployment.step(state.step)?.device, to != state.from else { continue }
            let result: Result<[UInt8], StateUnavailable>
            switch state.snapshot {
            case .failure(let why): result = .failure(why)
            case .success(let bytes):
                let refused = await putState(
                    bytes, step: state.step, of: deployment, on: to, at: addresses[to], trusted: trusted.contains(to), label: names.label(to),
                    what: "it")
                result = refused.map { .failure($0) } ?? .success(bytes)
            }
            let (event, outcome) = switch result {
            case .success(let bytes):
                StateTransfer.carried(
                    deployment, step: state.step, from: names.label(state.from), to: to, toLabel: names.label(to), bytes: bytes.count,
                    digest: SnapshotCoding.digest(of: bytes)?.prefixed, paused: ContinuousClock.now - paused, at: Date())
            case .failure(let why):
                StateTransfer.lost(
                    deployment, step: state.step, to: to, toLabel: names.label(to), reason: why.reason,
                    paused: ContinuousClock.now - paused, at: Date())
            }
            metrics.stateMoved(outcome.outcome)
            outcomes[state.step] = outcome
            events.append(event)
        }
        if !events.isEmpty { try? await save(deployment, events: events) }
        return outcomes
    }

    /// Puts a snapshot file into `step`'s running instance on `device`; why not, when it cannot
    /// (`what` names the file in the reason).
    func putState(
        _ bytes: [UInt8], step: String, of deployment: Deployment, on device: DeviceID, at endpoint: DeviceEndpoint?, trusted: Bool,
        label: String, what: String
    ) async -> StateUnavailable? {
        guard let endpoint, deployment.step(step)?.state == .running else {
            return StateUnavailable(reason: "the step is not running on \(label)")
        }
        do throws(ProbeError) {
            try await supervisors.restore(bytes, of: step, in: deployment.name, at: endpoint, trusted: trusted, timeout: deployTimeout)
            return nil
        } catch {
            return StateUnavailable(reason: "\(label) refused \(what): \(error.message)")
        }
    }
}
