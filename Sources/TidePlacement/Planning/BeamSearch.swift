/// The fallback for long pipelines or an exhausted node budget: steps in manifest order, keeping
/// the `width` best partial assignments at each step. Not guaranteed optimal; the solver still
/// compares its answer with greedy's and keeps the better.
struct BeamSearch {
    let problem: PlanProblem
    let width: Int

    func search() -> [Int] {
        var beam: [[Int]] = [[]]
        var values: [Double] = [0]
        for t in 0..<problem.stepCount {
            let pool = problem.pools[t]
            var candidates: [(value: Double, parent: Int, device: Int)] = []
            candidates.reserveCapacity(beam.count * pool.count)
            for (parent, partial) in beam.enumerated() {
                for device in pool {
                    candidates.append((values[parent] + problem.gain(t, device, after: partial), parent, device))
                }
            }
            // The beam is kept in rank order, so ties break by the parent's rank, then the device.
            candidates.sort { lhs, rhs in
                if lhs.value != rhs.value { return lhs.value > rhs.value }
                if lhs.parent != rhs.parent { return lhs.parent < rhs.parent }
                return lhs.device < rhs.device
            }
            let kept = candidates.prefix(max(1, width))
            beam = kept.map { beam[$0.parent] + [$0.device] }
            values = kept.map(\.value)
        }
        return beam.first ?? []
    }
}
