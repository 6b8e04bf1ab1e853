import TideModel

extension PlacementSolver {
    /// Turns an assignment into the plan: each step's device, score breakdown and rejected devices.
    func assemble(_ problem: PlanProblem, _ assignment: [Int], method: String, kept: Set<String>) -> PlacementPlan {
        let fleet = problem.fleet
        let steps = problem.contexts.enumerated().map { t, context in
            let device = assignment[t]
            let deviceID = fleet.devices[device].id
            var breakdown = deviceBreakdown(device, for: context, weights: problem.scorerWeights[t], in: fleet)
            for (affinity, links) in zip(affinities, problem.links[t]) where !links.isEmpty {
                breakdown.append(linkComponent(affinity, links, for: context, device: deviceID) { other in
                    (problem.contexts[other].step.name, fleet.devices[assignment[other]].id)
                })
            }
            return placement(context, on: device, breakdown: breakdown, feasible: problem.feasible[t], in: fleet, kept: kept)
        }
        let deployment = problem.contexts.first?.request.deployment ?? ""
        return PlacementPlan(deployment: deployment, steps: steps, method: method)
    }

    /// Every device scorer that counts for the step (weight not 0), with its score and reason.
    func deviceBreakdown(_ device: Int, for context: StepContext, weights: [Double], in fleet: FleetIndex) -> [ScoreComponent] {
        var breakdown: [ScoreComponent] = []
        for (scorer, weight) in zip(scorers, weights) where weight != 0 {
            breakdown.append(ScoreComponent(
                scorer: scorer.name, score: scorer.score(device, for: context, in: fleet), weight: weight,
                explanation: scorer.explain(device, for: context, in: fleet)))
        }
        return breakdown
    }

    /// One affinity scorer's links of a step: the share of their weight earned, and why.
    func linkComponent(
        _ affinity: any AffinityScorer, _ links: [AffinityLink], for context: StepContext, device: DeviceID,
        other: (Int) -> (step: String, device: DeviceID)
    ) -> ScoreComponent {
        let outcomes = links.map { link in
            let (step, otherDevice) = other(link.other)
            return AffinityOutcome(link: link, otherStep: step, otherDevice: otherDevice, device: device)
        }
        let total = links.reduce(0) { $0 + $1.weight }
        let earned = outcomes.filter(\.satisfied).reduce(0) { $0 + $1.link.weight }
        return ScoreComponent(
            scorer: affinity.name, score: total > 0 ? earned / total : 0, weight: total,
            explanation: affinity.explain(outcomes, device: device, for: context))
    }

    /// The step's placement with its breakdown and, when recorded, the first rejected devices.
    func placement(
        _ context: StepContext, on device: Int, breakdown: [ScoreComponent], feasible: DeviceSet, in fleet: FleetIndex,
        kept: Set<String>
    ) -> StepPlacement {
        let deviceID = fleet.devices[device].id
        let rejected = options.recordRejections
            ? rejections(for: context, in: fleet, feasible: feasible, limit: options.maxRejectionsPerStep)
            : (listed: [], total: 0)
        var placement = StepPlacement(
            step: context.step.name, device: deviceID, score: breakdown.reduce(0) { $0 + $1.weighted },
            breakdown: breakdown, rejected: rejected.listed,
            kept: kept.contains(context.step.name) && context.currentDevice == deviceID)
        if rejected.total > options.maxRejectionsPerStep { placement.rejectedCount = rejected.total }
        return placement
    }

    /// The first `limit` devices (by id) outside `feasible` that fail a filter, with the first
    /// filter each fails, and how many there are in all. Only the listed ones are explained, so a
    /// large fleet costs a few bitset operations per step rather than a reason per device.
    func rejections(
        for context: StepContext, in fleet: FleetIndex, feasible: DeviceSet, limit: Int
    ) -> (listed: [DeviceRejection], total: Int) {
        // Filters and their bitsets agree, so the devices that pass every filter are exactly those
        // without a reason (a kept step's device is in `feasible` even when it now fails one).
        var passing = feasibleDevices(for: context, in: fleet)
        passing.formUnion(feasible)
        var listed: [DeviceRejection] = []
        var position = 0
        while listed.count < limit, position < fleet.count {
            defer { position += 1 }
            guard !passing.contains(position) else { continue }
            let device = fleet.devices[position]
            for filter in filters {
                if let reason = filter.rejection(of: device, for: context) {
                    listed.append(DeviceRejection(device: device.id, reason: reason))
                    break
                }
            }
        }
        return (listed, fleet.count - passing.count)
    }
}
