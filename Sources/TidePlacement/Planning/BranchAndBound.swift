/// Exact search over the candidate pools: depth-first in manifest order, best own score first,
/// pruning a branch when even the best conceivable completion cannot beat the incumbent. The bound
/// for the steps still open is each one's best pool score plus every link it has to an earlier
/// step, as if all of them were earned.
struct BranchAndBound {
    let problem: PlanProblem
    let nodeBudget: Int

    /// The best assignment found and whether the search finished within the budget (then it is
    /// optimal over the pools).
    func search(incumbent: [Int]) -> (assignment: [Int], complete: Bool) {
        let n = problem.stepCount
        var optimistic = [Double](repeating: 0, count: n + 1)
        var linkBound = [Double](repeating: 0, count: n)
        for t in 0..<n {
            for s in 0..<t {
                linkBound[t] += max(problem.together[s * n + t], problem.apart[s * n + t])
            }
        }
        for t in stride(from: n - 1, through: 0, by: -1) {
            let bestOwn = problem.pools[t].map { problem.unary[t][$0] }.max() ?? 0
            optimistic[t] = optimistic[t + 1] + bestOwn + linkBound[t]
        }
        var state = SearchState(
            best: incumbent, bestValue: problem.value(of: incumbent), assignment: incumbent, nodes: 0)
        let complete = descend(0, value: 0, state: &state, optimistic: optimistic, linkBound: linkBound)
        return (state.best, complete)
    }

    private struct SearchState {
        var best: [Int]
        var bestValue: Double
        var assignment: [Int]
        var nodes: Int
    }

    private static let epsilon = 1e-9

    /// False when the node budget ran out.
    private func descend(
        _ t: Int, value: Double, state: inout SearchState, optimistic: [Double], linkBound: [Double]
    ) -> Bool {
        if t == problem.stepCount {
            if value > state.bestValue + Self.epsilon {
                state.bestValue = value
                state.best = state.assignment
            }
            return true
        }
        for device in problem.pools[t] {
            // Pools are sorted by own score, so once even full link credit cannot help, nothing later can.
            if value + problem.unary[t][device] + linkBound[t] + optimistic[t + 1] <= state.bestValue + Self.epsilon {
                break
            }
            state.nodes += 1
            if state.nodes > nodeBudget { return false }
            let next = value + problem.gain(t, device, after: state.assignment)
            if next + optimistic[t + 1] <= state.bestValue + Self.epsilon { continue }
            state.assignment[t] = device
            if !descend(t + 1, value: next, state: &state, optimistic: optimistic, linkBound: linkBound) { return false }
        }
        return true
    }
}
