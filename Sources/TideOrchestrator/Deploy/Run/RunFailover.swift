import TideModel

/// The pure decisions of a run whose device failed: whether to go on through the step's new
/// placement, and when the step has moved.
enum RunFailover {
    /// Attempts of one run cut short by device failures before it gives up.
    static let maxRetries = 3

    enum Decision: Equatable {
        /// Wait until `steps` run off `device` (nil: anywhere, once pushed again), then go on
        /// from the interrupted step.
        case retry(steps: [String], off: DeviceID?)
        /// The device lost its node: push it again, then go on.
        case repush(DeviceID)
        case fail(String)
    }

    /// What to do after `interruption`. `called`: the steps whose call may already have reached a
    /// device in this run (the interrupted one included when `mayHaveRun`); `retries`: the
    /// attempts retried so far.
    static func decide(
        _ interruption: RunInterruption, manifest: DeploymentManifest, called: Set<String>, retries: Int
    ) -> Decision {
        let what = "step \(interruption.step) on \(interruption.device): \(interruption.error)"
        guard retries < maxRetries else {
            return .fail("\(what); the run gave up after \(retries) retries")
        }
        let again = rerun(from: interruption.step, manifest: manifest)
        if let step = again.first(where: { called.contains($0) && manifest.step(named: $0)?.mayRunTwice == false }) {
            let why = step != interruption.step
                ? "it already ran, and going on from step \(interruption.step) runs it again (its device hands on to it)"
                : interruption.mayHaveRun ? "its call was sent before \(interruption.device) failed" : "it was called earlier in this run"
            return .fail(
                "\(what); step \(step) is marked idempotent: false and may already have run (\(why)), so the run is not retried: Tide never runs such a step twice")
        }
        switch interruption.cause {
        case .lostNode: return .repush(interruption.device)
        case .unreachable: return .retry(steps: again, off: interruption.device)
        }
    }

    /// The steps that run again when the run goes on from `step`: the step and those its device
    /// hands its output on to, link by link.
    static func rerun(from step: String, manifest: DeploymentManifest) -> [String] {
        let wiring = StepWiring(manifest: manifest)
        var steps = [step]
        var current = step
        while let next = wiring.chainedSuccessor(of: current), !steps.contains(next) {
            steps.append(next)
            current = next
        }
        return steps
    }

    enum MoveState: Equatable {
        /// Every step runs off the failed device: the first one now on `device`.
        case moved(to: DeviceID)
        case waiting
        /// The steps will not move without a change in the fleet, or the deployment is gone.
        case stuck(String)
    }

    /// Whether `steps` of `deployment` (nil: removed) run again, off `device` when one is given.
    static func moveState(_ deployment: Deployment?, steps: [String], off device: DeviceID?) -> MoveState {
        guard let deployment else { return .stuck("the deployment was removed") }
        switch deployment.status {
        case .failed, .pending:
            return .stuck("deployment \(deployment.name) is \(deployment.status.rawValue)\(deployment.reason.map { ": \($0)" } ?? "")")
        case .active, .degraded, .deploying: break
        }
        var first: DeviceID?
        for name in steps {
            guard let placed = deployment.step(name) else { return .stuck("step \(name) is no longer part of the deployment") }
            if let device, placed.device == device, placed.state == .failed, deployment.status == .degraded,
                let reason = deployment.reason, reason.hasSuffix(Rollout.retriedNote)
            {
                return .stuck("step \(name) cannot move off \(device): \(reason)")
            }
            guard let now = placed.device, placed.state == .running, now != device else { return .waiting }
            first = first ?? now
        }
        return first.map { .moved(to: $0) } ?? .waiting
    }
}
