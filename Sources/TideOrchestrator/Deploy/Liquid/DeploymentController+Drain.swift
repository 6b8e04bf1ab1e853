import Foundation
import TideModel

/// `tide device drain`: every step leaves the device (it is cordoned first, so none comes back),
/// one deployment at a time, each a planned move that carries the state of its stateful steps.
extension DeploymentController {
    func drain(_ device: DeviceID) async -> DrainReport {
        var report = DrainReport(device: device)
        for name in deployments(on: device) {
            let part = try? await queue.run(name) { await self.drainNow(name, off: device) }
            guard let part else { continue }
            report.moved += part.moved
            report.stayed += part.stayed
        }
        return report
    }

    private func drainNow(_ name: String, off device: DeviceID) async -> DrainReport {
        guard let deployment = deployments[name] else { return DrainReport(device: device) }
        let here = deployment.steps.filter { $0.device == device }.map(\.step)
        guard !here.isEmpty else { return DrainReport(device: device) }
        let statefulHere = StateTransfer.statefulSteps(deployment, on: device)
        let expected = await expectedTargets(deployment, off: device, statefulHere)
        let stateful = statefulHere.map { StatefulStep(step: $0, from: device, to: expected[$0]) }
        var failure: String?
        let outcomes = await carryingState(name, stateful: stateful) {
            failure = await self.moveOff(name, device: device)
        }
        guard let outcomes else {
            return DrainReport(device: device, stayed: here.map {
                StayedStep(deployment: name, step: $0, reason: "its runs under way did not end within \(PipelineRunner.callTimeout.secondsText)")
            })
        }
        var report = DrainReport(device: device)
        let after = deployments[name]
        for step in here {
            if let to = after?.step(step)?.device, to != device {
                report.moved.append(StepMove(deployment: name, step: step, from: device, to: to, state: outcomes[step]))
            } else {
                report.stayed.append(StayedStep(deployment: name, step: step, reason: failure ?? after?.reason ?? "it could not be moved"))
            }
        }
        return report
    }

    /// Where a dry run of the drain's placement puts each of `steps`: where their states are
    /// pre-copied while calls still run (the move itself places again, in the pause).
    private func expectedTargets(_ deployment: Deployment, off device: DeviceID, _ steps: [String]) async -> [String: DeviceID] {
        guard !steps.isEmpty, let entries = try? await pinnedEntries(deployment),
            let plan = try? await planner.place(
                prepared(deployment, entries: entries), current: deployment.plan, draining: [device], load: load(excluding: deployment.name))
        else { return [:] }
        var targets: [String: DeviceID] = [:]
        for step in steps { targets[step] = plan.device(of: step) }
        return targets
    }

    /// Re-places the deployment's steps off `device` and deploys; returns why it could not.
    private func moveOff(_ name: String, device: DeviceID) async -> String? {
        guard var deployment = deployments[name] else { return "the deployment was removed" }
        do {
            let entries = try await pinnedEntries(deployment)
            let names = await deviceNames([device])
            try await replace(
                &deployment, entries: entries, excluded: [], draining: [device],
                because: [device: "\(names.label(device)) is drained by an operator"])
        } catch {
            return "no other device can take it: \(Self.message(error))"
        }
        await deploy(name, giveUp: .degrade)
        return nil
    }
}
