import Foundation
import TideModel
import TidePlacement

/// The optional rebalance (`tide server --rebalance`): work that moved because a device failed
/// stays where it is by default; with rebalancing on, a deployment whose placement is clearly
/// worse than a fresh one moves back, one step at a time.
extension DeploymentController {
    /// Moves at most one step of `name`, the one whose move alone gains the most, when that gain
    /// is at least `minimumGain` (in plan score units; a fully matched preferred label is 1).
    func rebalance(_ name: String, minimumGain: Double) async {
        _ = try? await queue.run(name) { await self.rebalanceNow(name, minimumGain: minimumGain) }
    }

    private func rebalanceNow(_ name: String, minimumGain: Double) async {
        guard var deployment = deployments[name], deployment.status == .active, let current = deployment.plan,
            let entries = try? await pinnedEntries(deployment)
        else { return }
        let prepared = prepared(deployment, entries: entries)
        let request = prepared.request
        let solver = PlacementSolver()
        // Scoring every single move costs the square of the steps each: large deployments stay put.
        guard request.steps.count <= solver.options.jointSearchStepLimit else { return }
        let fleet = await planner.snapshot(excluded: [], load: load(excluding: name))
        guard let fresh = try? solver.solve(request, fleet: fleet) else { return }
        let assignment = request.steps.map { current.device(of: $0.name) ?? DeviceID("") }
        guard
            let best = Rebalancing.bestMove(
                current: assignment, fresh: request.steps.map { fresh.device(of: $0.name) }, minimumGain: minimumGain,
                score: { solver.totalScore(of: $0, for: request, fleet: fleet) })
        else { return }
        let stepName = request.steps[best.index].name
        guard var placement = fresh.steps.first(where: { $0.step == stepName }),
            let position = current.steps.firstIndex(where: { $0.step == stepName }),
            let stateIndex = deployment.steps.firstIndex(where: { $0.step == stepName })
        else { return }
        let from = deployment.steps[stateIndex].device
        placement.kept = false
        var plan = current
        for index in plan.steps.indices { plan.steps[index].kept = true }
        plan.steps[position] = placement
        deployment.plan = plan
        deployment.generation += 1
        deployment.steps[stateIndex].device = best.device
        deployment.steps[stateIndex].state = .pending
        deployment.steps[stateIndex].error = nil
        let gain = String(format: "%.2f", best.gain)
        let names = await deviceNames([from, best.device].compactMap { $0 })
        let moved = event(
            .deploymentStepMoved, deployment,
            "\(name): step \(stepName) moves from \(from.map(names.label) ?? "nowhere") to \(names.label(best.device)) (rebalance: the plan scores \(gain) higher)",
            device: best.device,
            extra: [
                "step": .string(stepName), "from": from.map { .string($0.rawValue) } ?? .null,
                "to": .string(best.device.rawValue), "reason": .string("rebalance"), "gain": .number(JSONNumber(best.gain)),
            ])
        let stateful = deployment.manifest.steps.first { $0.name == stepName }?.state != nil
        // The new placement is recorded inside the move: while a stateful step's state is
        // pre-copied, runs still go to where it runs now.
        _ = await carryingState(name, stateful: stateful ? from.map { [StatefulStep(step: stepName, from: $0, to: best.device)] } ?? [] : []) {
            do {
                try await self.save(deployment, events: [moved])
            } catch {
                self.logger.error("\(error)")
                return
            }
            await self.deploy(name, giveUp: .degrade)
        }
    }
}
