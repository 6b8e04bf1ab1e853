/// The baseline: steps in manifest order, each on the device that adds most given the steps
/// already placed. The joint planners start from its answer, so they are never worse.
enum GreedyPlanner {
    static func plan(_ problem: PlanProblem) -> [Int] {
        var assignment: [Int] = []
        assignment.reserveCapacity(problem.stepCount)
        for t in 0..<problem.stepCount {
            // The best unused device is in the pool (it holds each step's best `stepCount` devices);
            // a device used by an earlier step may not be, so those are tried too.
            var candidates = problem.pools[t]
            for device in assignment where problem.feasible[t].contains(device) { candidates.append(device) }
            var best = -Double.infinity
            var chosen = candidates[0]
            for device in candidates {
                let value = problem.gain(t, device, after: assignment)
                if value > best || (value == best && device < chosen) {
                    best = value
                    chosen = device
                }
            }
            assignment.append(chosen)
        }
        return assignment
    }
}
