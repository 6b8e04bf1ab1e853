import TideModel

/// Places deployments of more steps than `PlacementOptions.jointSearchStepLimit`, in time linear in
/// the number of steps: the joint search's tables grow with its square. Greedy in manifest order:
/// each step goes to the device that adds most given the steps before it, chosen among its own best
/// devices (by the device scorers), its current device, and the devices of the earlier steps it
/// wants to share a device with. Links between steps are kept per step, and links to every other
/// step alike (spread) are counted per device.
struct LinearPlanner {
    let solver: PlacementSolver
    let contexts: [StepContext]
    let fleet: FleetIndex
    let feasible: [DeviceSet]
    let pinned: [Int?]
    let cancellation: PlacementCancellation?

    /// Steps between cancellation checks.
    private static let checkEvery = 64

    private struct Neighbour {
        var other: Int
        var together: Double
        var apart: Double
    }

    private struct Candidate {
        var device: Int
        var own: Double
    }

    func plan(kept: Set<String>) throws(PlacementError) -> PlacementPlan {
        let n = contexts.count
        let scorers = solver.scorers
        let weights = contexts.map { context in scorers.map { $0.weight(for: context) } }

        // Scores that depend on the device alone, computed once for all steps.
        var everyFeasible = DeviceSet(capacity: fleet.count)
        for set in feasible { everyFeasible.formUnion(set) }
        var shared: [[Double]?] = Array(repeating: nil, count: scorers.count)
        if let anyStep = contexts.first {
            for (position, scorer) in scorers.enumerated()
            where !scorer.dependsOnStep && weights.contains(where: { $0[position] != 0 }) {
                var values = [Double](repeating: 0, count: fleet.count)
                scorer.accumulate(1, for: anyStep, devices: everyFeasible, in: fleet, into: &values)
                shared[position] = values
            }
        }
        func own(_ t: Int, _ device: Int) -> Double {
            var value = 0.0
            for (position, scorer) in scorers.enumerated() where weights[t][position] != 0 {
                let score = shared[position]?[device] ?? scorer.score(device, for: contexts[t], in: fleet)
                value += weights[t][position] * score
            }
            return value
        }

        // Each step's best devices by its own score (plus its current device).
        var pools: [[Candidate]] = []
        pools.reserveCapacity(n)
        var row = [Double](repeating: 0, count: fleet.count)
        for (t, context) in contexts.enumerated() {
            if t % Self.checkEvery == 0 { try cancellation?.check() }
            if let device = pinned[t] {
                pools.append([Candidate(device: device, own: own(t, device))])
                continue
            }
            feasible[t].forEach { row[$0] = 0 }
            for (position, scorer) in scorers.enumerated() where weights[t][position] != 0 {
                let weight = weights[t][position]
                if let precomputed = shared[position] {
                    feasible[t].forEach { row[$0] += weight * precomputed[$0] }
                } else {
                    scorer.accumulate(weight, for: context, devices: feasible[t], in: fleet, into: &row)
                }
            }
            var pool = topCandidates(of: feasible[t], limit: max(1, solver.options.candidatesPerStep)) { row[$0] }
                .map { Candidate(device: $0, own: row[$0]) }
            if let current = context.currentDevice.flatMap(fleet.position(of:)), feasible[t].contains(current),
                !pool.contains(where: { $0.device == current })
            {
                pool.append(Candidate(device: current, own: row[current]))
            }
            pools.append(pool)
        }

        // Links, both ways, and the per-step weights of links to every other step.
        var neighbours = [[Neighbour]](repeating: [], count: n)
        var links: [[[AffinityLink]]] = []
        var uniform: [[UniformLink?]] = []
        var uniformApart = [Double](repeating: 0, count: n)
        var uniformTogether = [Double](repeating: 0, count: n)
        links.reserveCapacity(n)
        uniform.reserveCapacity(n)
        for (t, context) in contexts.enumerated() {
            if t % Self.checkEvery == 0 { try cancellation?.check() }
            var owned: [[AffinityLink]] = []
            var uniformOwned: [UniformLink?] = []
            for affinity in solver.affinities {
                if let link = affinity.uniformLink(of: context) {
                    if link.together { uniformTogether[t] += link.weight } else { uniformApart[t] += link.weight }
                    owned.append([])
                    uniformOwned.append(link)
                    continue
                }
                let stepLinks = affinity.links(of: context)
                for link in stepLinks where link.other != t && link.other >= 0 && link.other < n {
                    let together = link.together ? link.weight : 0
                    let apart = link.together ? 0 : link.weight
                    neighbours[t].append(Neighbour(other: link.other, together: together, apart: apart))
                    neighbours[link.other].append(Neighbour(other: t, together: together, apart: apart))
                }
                owned.append(stepLinks)
                uniformOwned.append(nil)
            }
            links.append(owned)
            uniform.append(uniformOwned)
        }

        // Greedy in manifest order, with what earlier steps left on each device.
        var assignment = [Int](repeating: 0, count: n)
        var onDevice = [Int](repeating: 0, count: fleet.count)
        var apartOnDevice = [Double](repeating: 0, count: fleet.count)
        var togetherOnDevice = [Double](repeating: 0, count: fleet.count)
        var apartPlaced = 0.0
        var bonus = [Double](repeating: 0, count: fleet.count)
        var touched: [Int] = []
        // `touchedBy[d] == t`: d has a bonus for step t; `candidateOf[d] == t`: d is a candidate.
        var touchedBy = [Int](repeating: -1, count: fleet.count)
        var candidateOf = [Int](repeating: -1, count: fleet.count)
        for t in 0..<n {
            if t % Self.checkEvery == 0 { try cancellation?.check() }
            var candidates = pools[t]
            for candidate in candidates { candidateOf[candidate.device] = t }
            // Links to earlier steps: what every device earns (`base`), plus a bonus on their devices.
            var base = 0.0
            for neighbour in neighbours[t] where neighbour.other < t {
                let device = assignment[neighbour.other]
                base += neighbour.apart
                if touchedBy[device] != t {
                    touchedBy[device] = t
                    touched.append(device)
                }
                bonus[device] += neighbour.together - neighbour.apart
                if neighbour.together > 0, pinned[t] == nil, candidateOf[device] != t, feasible[t].contains(device) {
                    candidateOf[device] = t
                    candidates.append(Candidate(device: device, own: own(t, device)))
                }
            }
            var best = -Double.infinity
            var chosen = candidates.first?.device ?? 0
            for candidate in candidates {
                let device = candidate.device
                let placedHere = Double(onDevice[device])
                var value = candidate.own + base + bonus[device]
                value += apartPlaced + uniformApart[t] * Double(t) - apartOnDevice[device] - uniformApart[t] * placedHere
                value += togetherOnDevice[device] + uniformTogether[t] * placedHere
                if value > best || (value == best && device < chosen) {
                    best = value
                    chosen = device
                }
            }
            for device in touched { bonus[device] = 0 }
            touched.removeAll(keepingCapacity: true)
            assignment[t] = chosen
            onDevice[chosen] += 1
            apartOnDevice[chosen] += uniformApart[t]
            togetherOnDevice[chosen] += uniformTogether[t]
            apartPlaced += uniformApart[t]
        }
        try cancellation?.check()
        return assemble(assignment, weights: weights, links: links, uniform: uniform, kept: kept)
    }

    /// At most this many steps sharing a device are named in a uniform link's explanation.
    static let namedSharing = 10

    private func assemble(
        _ assignment: [Int], weights: [[Double]], links: [[[AffinityLink]]], uniform: [[UniformLink?]],
        kept: Set<String>
    ) -> PlacementPlan {
        let n = contexts.count
        var stepsOn: [Int: [Int]] = [:]
        for (t, device) in assignment.enumerated() { stepsOn[device, default: []].append(t) }
        var steps: [StepPlacement] = []
        steps.reserveCapacity(n)
        for (t, context) in contexts.enumerated() {
            let device = assignment[t]
            let deviceID = fleet.devices[device].id
            var breakdown = solver.deviceBreakdown(device, for: context, weights: weights[t], in: fleet)
            for (position, affinity) in solver.affinities.enumerated() {
                if let link = uniform[t][position] {
                    let sharingSteps = stepsOn[device] ?? []
                    let sharingCount = sharingSteps.count - 1
                    let others = Double(n - 1)
                    let earned = link.together ? Double(sharingCount) : others - Double(sharingCount)
                    let names = sharingSteps.lazy.filter { $0 != t }.prefix(Self.namedSharing).map { contexts[$0].step.name }
                    breakdown.append(ScoreComponent(
                        scorer: affinity.name, score: others > 0 ? earned / others : 0, weight: link.weight * others,
                        explanation: affinity.explainUniform(
                            sharing: Array(names), sharingCount: sharingCount, device: deviceID, for: context)))
                } else if !links[t][position].isEmpty {
                    breakdown.append(solver.linkComponent(affinity, links[t][position], for: context, device: deviceID) { other in
                        (contexts[other].step.name, fleet.devices[assignment[other]].id)
                    })
                }
            }
            steps.append(solver.placement(context, on: device, breakdown: breakdown, feasible: feasible[t], in: fleet, kept: kept))
        }
        return PlacementPlan(deployment: contexts.first?.request.deployment ?? "", steps: steps, method: "linear")
    }
}
