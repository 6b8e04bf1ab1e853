import TideModel

extension Solver {
    /// Turns an assignment into the plan: each step's device, score breakdown and rejected devices.
    func assemble(_ problem: PlanProblem, _ assignment: [Int], method: String, kept: Set<String>) -> PlacementPlan {
        let fleet = problem.fleet
        let steps = problem.contexts.enumerated().map { t, context in
            let device = assignment[t]
            let deviceID = fleet.devices[device].id
            var breakdown: [ScoreComponent] = []
            for (scorer, weight) in zip(scorers, problem.scorerWeights[t]) where weight != 0 {
                breakdown.append(ScoreComponent(
                    scorer: scorer.name, score: scorer.score(device, for: context, in: fleet), weight: weight,
                    explanation: scorer.explain(device, for: context, in: fleet)))
            }
            for (affinity, links) in zip(affinities, problem.links[t]) where !links.isEmpty {
                let outcomes = links.map { link in
                    AffinityOutcome(
                        link: link, otherStep: problem.contexts[link.other].step.name,
                        otherDevice: fleet.devices[assignment[link.other]].id, device: deviceID)
                }
                let total = links.reduce(0) { $0 + $1.weight }
                let earned = outcomes.filter(\.satisfied).reduce(0) { $0 + $1.link.weight }
                breakdown.append(ScoreComponent(
                    scorer: affinity.name, score: total > 0 ? earned / total : 0, weight: total,
                    explanation: affinity.explain(outcomes, device: deviceID, for: context)))
            }
            let rejected = options.recordRejections
                ? rejections(for: context, in: fleet, feasible: problem.feasible[t]) : []
            var placement = StepPlacement(
                step: context.step.name, device: deviceID, score: breakdown.reduce(0) { $0 + $1.weighted },
                breakdown: breakdown, rejected: Array(rejected.prefix(options.maxRejectionsPerStep)),
                kept: kept.contains(context.step.name) && context.currentDevice == deviceID)
            if rejected.count > options.maxRejectionsPerStep { placement.rejectedCount = rejected.count }
            return placement
        }
        let deployment = problem.contexts.first?.request.deployment ?? ""
        return PlacementPlan(deployment: deployment, steps: steps, method: method)
    }
}
