import Foundation
import TideLiquid
import TideModel

/// Planned moves that carry state: the deployment's runs pause, the state of each stateful step
/// that moves is taken on its old device after its last call, the move is deployed, the state is
/// restored into the new instance, and the runs go on. A state that cannot be taken or restored
/// (another module version, too large, a wasmiot device) is lost: the step starts fresh there,
/// and a `deployment.state` event says why.
extension DeploymentController {
    /// The snapshot of a stateful step, taken before it moves, or why there is none. With a
    /// pre-copy, `snapshot` holds only the changes since it.
    struct TakenState: Sendable {
        var step: String
        var from: DeviceID
        var snapshot: Result<[UInt8], StateUnavailable>
        var precopy: Precopy?
    }

    struct StateUnavailable: Error, Sendable {
        var reason: String
    }

    /// A stateful step that is about to move, the device it leaves and, when known before the
    /// move, the device it is expected to go to (where its state is pre-copied).
    struct StatefulStep: Sendable, Equatable {
        var step: String
        var from: DeviceID
        var to: DeviceID?
    }

    /// A whole snapshot taken while calls still run: kept on the old device as the base of the
    /// delta taken in the pause, and staged on `stagedOn` (the expected new device) when it took it.
    struct Precopy: Sendable {
        var bytes: [UInt8]
        var digest: String
        var stagedOn: DeviceID?
    }

    /// Runs `move` (which re-places and deploys `name`, inside its queue) with the runs paused
    /// and the state of the `stateful` steps carried to where they run afterwards (a step that
    /// stays where it was keeps its instance). A step whose new device is known beforehand is
    /// pre-copied: its whole state goes there while calls still run, and in the pause only the
    /// pages changed since. Without stateful steps it only runs `move`.
    /// Returns what became of each state, by step; nil when the runs under way did not end in
    /// time and nothing moved.
    func carryingState(
        _ name: String, stateful: [StatefulStep], _ move: () async -> Void
    ) async -> [String: StateOutcome]? {
        guard !stateful.isEmpty else {
            await move()
            return [:]
        }
        var precopies: [String: Precopy] = [:]
        precopying[name] = stateful
        if let current = deployments[name] { precopies = await precopyStates(current, stateful) }
        let paused = ContinuousClock.now
        let held = await pauseRuns(name, until: paused + PipelineRunner.callTimeout)
        precopying[name] = nil
        guard held else {
            resumeRuns(name)
            return nil
        }
        var outcomes: [String: StateOutcome] = [:]
        if let before = deployments[name] {
            let taken = await takeStates(before, stateful, precopies: precopies)
            await move()
            if let after = deployments[name] { outcomes = await restoreStates(after, taken, pausedAt: paused) }
        }
        resumeRuns(name)
        return outcomes
    }

    /// Whole snapshots of the steps whose new device is known, kept on their devices and staged
    /// on the new ones; a step whose pre-copy fails moves whole in the pause.
    func precopyStates(_ deployment: Deployment, _ steps: [StatefulStep]) async -> [String: Precopy] {
        let moving = steps.filter { $0.to != nil && $0.to != $0.from }
        guard !moving.isEmpty else { return [:] }
        let (addresses, trusted, _) = await endpoints(of: Array(Set(moving.map(\.from) + moving.compactMap(\.to))))
        var copies: [String: Precopy] = [:]
        for step in moving {
            guard let source = addresses[step.from] else { continue }
            let bytes: [UInt8]
            do throws(ProbeError) {
                bytes = try await supervisors.snapshot(
                    of: step.step, in: deployment.name, at: source, trusted: trusted.contains(step.from), timeout: deployTimeout,
                    limit: snapshotLimits.maxEncodedBytes, kind: .precopy)
            } catch {
                continue
            }
            guard let digest = SnapshotCoding.digest(of: bytes)?.prefixed else { continue }
            var copy = Precopy(bytes: bytes, digest: digest, stagedOn: nil)
            if let to = step.to, let target = addresses[to] {
                do throws(ProbeError) {
                    try await supervisors.restore(
                        bytes, of: step.step, in: deployment.name, at: target, trusted: trusted.contains(to), timeout: deployTimeout, stage: true)
                    copy.stagedOn = to
                } catch {
                    logger.info("\(deployment.name): the pre-copy of step \(step.step) was not staged on \(to): \(error.message)")
                }
            }
            copies[step.step] = copy
        }
        return copies
    }

    /// The snapshots of the steps on the devices they leave, one after another (each holds its
    /// device's module queue only while it is taken); for a pre-copied step, the changes since.
    func takeStates(_ deployment: Deployment, _ steps: [StatefulStep], precopies: [String: Precopy] = [:]) async -> [TakenState] {
        let (addresses, trusted, _) = await endpoints(of: Array(Set(steps.map(\.from))))
        var taken: [TakenState] = []
        for (step, device) in steps.map({ ($0.step, $0.from) }) {
            guard let endpoint = addresses[device] else {
                taken.append(TakenState(step: step, from: device, snapshot: .failure(StateUnavailable(reason: "its old device is not in the inventory"))))
                continue
            }
            if let precopy = precopies[step] {
                do throws(ProbeError) {
                    let delta = try await supervisors.snapshot(
                        of: step, in: deployment.name, at: endpoint, trusted: trusted.contains(device), timeout: deployTimeout,
                        limit: snapshotLimits.maxEncodedBytes, kind: .delta(since: precopy.digest))
                    taken.append(TakenState(step: step, from: device, snapshot: .success(delta), precopy: precopy))
                    continue
                } catch {
                    logger.info("\(deployment.name): no delta of step \(step) since its pre-copy (\(error.message)); taking it whole")
                }
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
            let result: Result<StateTransfer.CarriedState, StateUnavailable>
            switch state.snapshot {
            case .failure(let why): result = .failure(why)
            case .success(let bytes):
                if let precopy = state.precopy {
                    result = await putDelta(
                        bytes, on: precopy, step: state.step, of: deployment, on: to, at: addresses[to], trusted: trusted.contains(to),
                        label: names.label(to))
                } else {
                    let refused = await putState(
                        bytes, step: state.step, of: deployment, on: to, at: addresses[to], trusted: trusted.contains(to),
                        label: names.label(to), what: "it")
                    result = refused.map { .failure($0) } ?? .success(StateTransfer.CarriedState(bytes: bytes.count, digest: SnapshotCoding.digest(of: bytes)?.prefixed))
                }
            }
            let (event, outcome) = switch result {
            case .success(let carried):
                StateTransfer.carried(
                    deployment, step: state.step, from: names.label(state.from), to: to, toLabel: names.label(to), carried,
                    paused: ContinuousClock.now - paused, at: Date())
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

    /// Puts the changes since a pre-copy onto it where it was staged; where it was not (the step
    /// went elsewhere, or the device no longer holds it), the whole state, put together here.
    private func putDelta(
        _ delta: [UInt8], on precopy: Precopy, step: String, of deployment: Deployment, on device: DeviceID, at endpoint: DeviceEndpoint?,
        trusted: Bool, label: String
    ) async -> Result<StateTransfer.CarriedState, StateUnavailable> {
        if precopy.stagedOn == device, let endpoint, deployment.step(step)?.state == .running {
            do throws(ProbeError) {
                try await supervisors.restore(delta, of: step, in: deployment.name, at: endpoint, trusted: trusted, timeout: deployTimeout)
                return .success(StateTransfer.CarriedState(bytes: precopy.bytes.count, digest: precopy.digest, changedBytes: delta.count))
            } catch {
                guard error.status == 409 else { return .failure(StateUnavailable(reason: "\(label) refused it: \(error.message)")) }
            }
        }
        let whole: [UInt8]
        do throws(SnapshotError) {
            whole = try StateTransfer.compose(base: precopy.bytes, delta: delta, limits: snapshotLimits)
        } catch {
            return .failure(StateUnavailable(reason: "its pre-copy and the changes since do not fit together: \(error)"))
        }
        if let refused = await putState(
            whole, step: step, of: deployment, on: device, at: endpoint, trusted: trusted, label: label, what: "it")
        {
            return .failure(refused)
        }
        return .success(StateTransfer.CarriedState(bytes: whole.count, digest: SnapshotCoding.digest(of: whole)?.prefixed))
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
