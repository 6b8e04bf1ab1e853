import Foundation
import TideModel

/// The pure decisions of a rollout: which devices a round pushes, what the answers mean for the
/// steps, how a re-placement moves them, and what a give-up says. `DeploymentController` carries
/// them out.
enum Rollout {
    /// Pushes per deploy before giving up: the first one plus re-placements after failures. Each
    /// round rules out the devices that failed it, so a deploy tries every capable device before
    /// it gives up (when no device is left) unless this many rounds failed first.
    static let maxRounds = 64
    /// Push failures quoted in a give-up reason; the rest are counted.
    static let quotedFailures = 8

    /// A round before its pushes: the deployment with every device that has its node already
    /// marked running (and those about to be pushed `deploying`), and the devices to push.
    struct Round: Equatable {
        var deployment: Deployment
        var push: [DeviceID]
    }

    /// `reported` is the generation of this deployment each device last reported running. A
    /// device that reports the current generation while its node is unknown or unconfirmed has it
    /// (a push acknowledged just before a restart, or one that timed out but landed).
    /// With `only`, devices outside it are not pushed (a staged rollout's later stages).
    static func round(
        _ deployment: Deployment, nodes: [DeviceID: EncodedNode], reported: [DeviceID: Int64], now: Date,
        only: Set<DeviceID>? = nil
    ) -> Round {
        var deployment = deployment
        var push: [DeviceID] = []
        for (device, node) in nodes.sorted(by: { $0.key < $1.key }) {
            let known = deployment.installed[device]
            if known.map({ $0.digest == InstalledNode.unconfirmed }) ?? true, reported[device] == deployment.generation {
                deployment.installed[device] = InstalledNode(generation: deployment.generation, digest: node.digest, acknowledgedAt: now)
            }
            if deployment.installed[device]?.digest == node.digest {
                setState(.running, on: device, in: &deployment)
            } else if only?.contains(device) ?? true {
                push.append(device)
            }
        }
        for device in push { setState(.deploying, on: device, in: &deployment) }
        return Round(deployment: deployment, push: push)
    }

    /// The round's answers applied: acknowledged nodes installed, failed devices' steps failed
    /// with why. A push that timed out may still land: it is remembered as unconfirmed, so that
    /// the device is cleaned once the deploy settles elsewhere. Returns the failures by device.
    static func record(_ outcomes: [PushOutcome], in deployment: Deployment, now: Date, names: DeviceNames = DeviceNames())
        -> (deployment: Deployment, failures: [DeviceID: String], events: [NewFleetEvent])
    {
        var deployment = deployment
        var failures: [DeviceID: String] = [:]
        var events: [NewFleetEvent] = []
        for outcome in outcomes.sorted(by: { $0.device < $1.device }) {
            let device = outcome.device
            if let error = outcome.error {
                failures[device] = "\(device): \(error.message)"
                if deployment.installed[device] == nil, error.kind == .timeout {
                    deployment.installed[device] = InstalledNode(generation: deployment.generation, digest: InstalledNode.unconfirmed)
                }
            } else {
                deployment.installed[device] = InstalledNode(generation: deployment.generation, digest: outcome.digest, acknowledgedAt: now)
            }
            for index in deployment.steps.indices where deployment.steps[index].device == device {
                deployment.steps[index].state = outcome.error == nil ? .running : .failed
                deployment.steps[index].error = outcome.error?.message
                let step = deployment.steps[index]
                var extra: [String: JSONValue] = ["step": .string(step.step), "state": .string(step.state.rawValue)]
                if let error = outcome.error { extra["error"] = .string(error.message) }
                events.append(.about(
                    deployment, .deploymentStepChanged,
                    outcome.error.map { "\(deployment.name): step \(step.step) could not be deployed on \(names.label(device)): \($0.message)" }
                        ?? "\(deployment.name): step \(step.step) runs on \(names.label(device))",
                    device: device, extra: extra, at: now))
            }
        }
        return (deployment, failures, events)
    }

    /// Steps on the failed devices are failed, with why.
    static func markFailed(_ deployment: inout Deployment, _ failures: [DeviceID: String]) {
        for index in deployment.steps.indices {
            if let device = deployment.steps[index].device, let message = failures[device] {
                deployment.steps[index].state = .failed
                deployment.steps[index].error = message
            }
        }
    }

    /// A re-placement applied: the next generation, each moved step pending on its new device,
    /// with an event saying why it moved (the failure of the device it left).
    static func move(
        _ deployment: Deployment, to plan: PlacementPlan, because failures: [DeviceID: String], now: Date,
        names: DeviceNames = DeviceNames()
    ) -> (deployment: Deployment, events: [NewFleetEvent])
    {
        var deployment = deployment
        var events: [NewFleetEvent] = []
        deployment.generation += 1
        let indices = Dictionary(deployment.steps.indices.map { (deployment.steps[$0].step, $0) }) { first, _ in first }
        for placement in plan.steps {
            guard let index = indices[placement.step] else { continue }
            let from = deployment.steps[index].device
            guard from != placement.device else { continue }
            deployment.steps[index].device = placement.device
            deployment.steps[index].state = .pending
            let why = from.flatMap { failures[$0] } ?? "re-placed"
            events.append(.about(
                deployment, .deploymentStepMoved,
                "\(deployment.name): step \(placement.step) moves from \(from.map(names.label) ?? "nowhere") to \(names.label(placement.device)) (\(why))",
                device: placement.device,
                extra: [
                    "step": .string(placement.step), "from": from.map { .string($0.rawValue) } ?? .null,
                    "to": .string(placement.device.rawValue), "reason": .string(why), "score": .number(JSONNumber(placement.score)),
                ],
                at: now))
        }
        deployment.plan = plan
        return (deployment, events)
    }

    /// Devices whose node differs from the one they acknowledged.
    static func changed(_ deployment: Deployment, nodes: [DeviceID: EncodedNode]) -> [DeviceID] {
        nodes.filter { deployment.installed[$0.key]?.digest != $0.value.digest }.map(\.key).sorted()
    }

    /// Devices that hold a node of the deployment but no longer any of its steps.
    static func leftovers(_ deployment: Deployment) -> [DeviceID] {
        let wanted = Set(deployment.devices)
        return deployment.installed.keys.filter { !wanted.contains($0) }.sorted()
    }

    /// The first push failures, and how many more there were.
    static func summary(_ failures: [String]) -> String {
        let quoted = failures.prefix(quotedFailures).joined(separator: "; ")
        return failures.count > quotedFailures ? quoted + "; and \(failures.count - quotedFailures) more" : quoted
    }

    /// A degraded deployment is tried again whenever the fleet changes (and every reconcile
    /// tick); its reason says so, whichever path degraded it.
    static let retriedNote = "; retried whenever the fleet changes"

    static func degradedReason(_ reason: String) -> String {
        reason.hasSuffix(retriedNote) ? reason : reason + retriedNote
    }

    /// The deployment in its new status, and the event that tells it when it is news: a re-push
    /// that leaves an active deployment active is not; `degraded` -> `degraded` is (a retry
    /// failed, with its reason).
    static func status(_ deployment: Deployment, becomes status: DeploymentStatus, message: String, now: Date)
        -> (deployment: Deployment, event: NewFleetEvent?)
    {
        var deployment = deployment
        let previous = deployment.status
        let since = deployment.statusSince
        var extra: [String: JSONValue] = ["status": .string(status.rawValue), "previous": .string(previous.rawValue)]
        if let since {
            // How long the previous status lasted: for `degraded` -> `active`, the outage.
            extra["previousForMs"] = .number(JSONNumber((now.timeIntervalSince(since) * 1000).rounded()))
        }
        if status != previous { deployment.statusSince = now }
        deployment.status = status
        deployment.updatedAt = now
        if let reason = deployment.reason { extra["reason"] = .string(reason) }
        let text = previous == .degraded && status == .active
            ? message + " after \(Int((now.timeIntervalSince(since ?? now) * 1000).rounded())) ms degraded"
            : message
        let news = status != previous || status != .active
        return (deployment, news ? .about(deployment, .deploymentStatusChanged, text, extra: extra, at: now) : nil)
    }

    private static func setState(_ state: StepState, on device: DeviceID, in deployment: inout Deployment) {
        for index in deployment.steps.indices where deployment.steps[index].device == device {
            deployment.steps[index].state = state
        }
    }
}
