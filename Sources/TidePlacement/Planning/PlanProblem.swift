import TideModel

/// A deployment reduced to numbers: per step the feasible devices and each device's own score
/// (the device scorers' weighted sum), and per pair of steps what sharing or not sharing a device
/// earns. The objective is the sum of both; every planner maximizes it.
struct PlanProblem {
    let contexts: [StepContext]
    let fleet: FleetIndex
    let feasible: [DeviceSet]
    /// `unary[step][device]`, meaningful only for feasible devices.
    let unary: [[Double]]
    /// Per step, per device scorer: its weight for that step.
    let scorerWeights: [[Double]]
    /// Per step, per affinity scorer: the links the step owns.
    let links: [[[AffinityLink]]]
    /// `together[s * n + t]`: earned when steps s and t share a device; `apart`: when they don't.
    let together: [Double]
    let apart: [Double]
    /// The devices each step's search considers, best own score first.
    var pools: [[Int]]

    var stepCount: Int { contexts.count }

    init(contexts: [StepContext], fleet: FleetIndex, feasible: [DeviceSet], solver: PlacementSolver) {
        self.contexts = contexts
        self.fleet = fleet
        self.feasible = feasible
        let n = contexts.count
        var unary: [[Double]] = []
        var scorerWeights: [[Double]] = []
        var everyFeasible = DeviceSet(capacity: fleet.count)
        for set in feasible { everyFeasible.formUnion(set) }
        // Scores that depend on the device alone, computed once for all steps.
        var shared: [[Double]?] = Array(repeating: nil, count: solver.scorers.count)
        for (position, scorer) in solver.scorers.enumerated() where !scorer.dependsOnStep {
            guard let anyStep = contexts.first, contexts.contains(where: { scorer.weight(for: $0) != 0 }) else { continue }
            var values = [Double](repeating: 0, count: fleet.count)
            scorer.accumulate(1, for: anyStep, devices: everyFeasible, in: fleet, into: &values)
            shared[position] = values
        }
        for (step, context) in contexts.enumerated() {
            var values = [Double](repeating: -.infinity, count: fleet.count)
            feasible[step].forEach { values[$0] = 0 }
            let weights = solver.scorers.map { $0.weight(for: context) }
            for (position, scorer) in solver.scorers.enumerated() where weights[position] != 0 {
                let weight = weights[position]
                if let precomputed = shared[position] {
                    feasible[step].forEach { values[$0] += weight * precomputed[$0] }
                } else {
                    scorer.accumulate(weight, for: context, devices: feasible[step], in: fleet, into: &values)
                }
            }
            unary.append(values)
            scorerWeights.append(weights)
        }
        var together = [Double](repeating: 0, count: n * n)
        var apart = [Double](repeating: 0, count: n * n)
        var links: [[[AffinityLink]]] = []
        for context in contexts {
            let owned = solver.affinities.map { $0.links(of: context) }
            for link in owned.joined() where link.other != context.index {
                let (s, t) = (context.index, link.other)
                if link.together {
                    together[s * n + t] += link.weight
                    together[t * n + s] += link.weight
                } else {
                    apart[s * n + t] += link.weight
                    apart[t * n + s] += link.weight
                }
            }
            links.append(owned)
        }
        self.unary = unary
        self.scorerWeights = scorerWeights
        self.links = links
        self.together = together
        self.apart = apart
        pools = []
    }

    func pair(_ s: Int, _ t: Int, _ deviceS: Int, _ deviceT: Int) -> Double {
        deviceS == deviceT ? together[s * stepCount + t] : apart[s * stepCount + t]
    }

    /// What placing step `t` on `device` adds, given the steps before it in `assignment`.
    func gain(_ t: Int, _ device: Int, after assignment: [Int]) -> Double {
        var value = unary[t][device]
        for s in 0..<t { value += pair(s, t, assignment[s], device) }
        return value
    }

    func value(of assignment: [Int]) -> Double {
        var total = 0.0
        for t in 0..<stepCount { total += gain(t, assignment[t], after: assignment) }
        return total
    }

    /// Builds each step's pool: its own best devices (at least one per step, so that greedy's
    /// choices are always among them), the best joint devices of every co-located pair and group,
    /// and the devices of `extra` assignments (greedy's, the current plan's). Pinned steps get
    /// exactly their device.
    mutating func buildPools(limit: Int, pinned: [Int?], extra: [[Int?]]) {
        let n = stepCount
        var pools = (0..<n).map { t in
            topCandidates(of: feasible[t], limit: max(limit, n)) { unary[t][$0] }
        }
        func add(_ device: Int, to t: Int) {
            if pinned[t] == nil, feasible[t].contains(device) { pools[t].append(device) }
        }
        for assignment in extra {
            for (t, device) in assignment.enumerated() { if let device { add(device, to: t) } }
        }
        var groups = UnionFind(count: n)
        for s in 0..<n {
            for t in (s + 1)..<n where together[s * n + t] > 0 {
                groups.union(s, t)
                let joint = feasible[s].intersection(feasible[t])
                for device in topCandidates(of: joint, limit: limit, value: { unary[s][$0] + unary[t][$0] }) {
                    add(device, to: s)
                    add(device, to: t)
                }
            }
        }
        for members in groups.groups() where members.count >= 3 {
            var joint = feasible[members[0]]
            for member in members.dropFirst() { joint.formIntersection(feasible[member]) }
            let best = topCandidates(of: joint, limit: limit) { device in members.reduce(0) { $0 + unary[$1][device] } }
            for device in best { for member in members { add(device, to: member) } }
        }
        for t in 0..<n {
            if let device = pinned[t] { pools[t] = [device] }
        }
        self.pools = pools
        sortPools()
    }

    /// Adds an assignment's devices to the pools of the steps they are feasible for.
    mutating func include(_ assignment: [Int]) {
        for (t, device) in assignment.enumerated() where feasible[t].contains(device) {
            pools[t].append(device)
        }
        sortPools()
    }

    private mutating func sortPools() {
        for t in 0..<stepCount {
            let unique = Array(Set(pools[t]))
            pools[t] = unique.sorted { lhs, rhs in
                unary[t][lhs] != unary[t][rhs] ? unary[t][lhs] > unary[t][rhs] : lhs < rhs
            }
        }
    }
}

/// Connected groups of steps, for co-located groups.
struct UnionFind {
    private var parent: [Int]

    init(count: Int) { parent = Array(0..<count) }

    mutating func find(_ element: Int) -> Int {
        var root = element
        while parent[root] != root { root = parent[root] }
        var current = element
        while parent[current] != root {
            let next = parent[current]
            parent[current] = root
            current = next
        }
        return root
    }

    mutating func union(_ a: Int, _ b: Int) {
        let (rootA, rootB) = (find(a), find(b))
        if rootA != rootB { parent[max(rootA, rootB)] = min(rootA, rootB) }
    }

    /// Members of each group in increasing order, groups ordered by their smallest member.
    mutating func groups() -> [[Int]] {
        var byRoot: [Int: [Int]] = [:]
        var roots: [Int] = []
        for element in parent.indices {
            let root = find(element)
            if byRoot[root] == nil { roots.append(root) }
            byRoot[root, default: []].append(element)
        }
        return roots.map { byRoot[$0] ?? [] }
    }
}
