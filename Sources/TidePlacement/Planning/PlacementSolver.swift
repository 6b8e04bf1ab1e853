import TideModel

/// Places a deployment's steps on a fleet, in stages as Nomad's scheduler does: filter (hard
/// constraints, each a `PlacementFilter`), score (each a `DeviceScorer` or `AffinityScorer`), plan
/// (the whole pipeline at once), explain. Pure: the same request and fleet give the same plan.
public struct PlacementSolver: Sendable {
    public var filters: [any PlacementFilter]
    public var scorers: [any DeviceScorer]
    public var affinities: [any AffinityScorer]
    public var options: PlacementOptions

    public static let defaultFilters: [any PlacementFilter] = [
        AliveFilter(), RefusedPushFilter(), VerifiedFilter(), DampedFilter(), CordonFilter(), PinnedDeviceFilter(), AvoidListFilter(), CapabilityFilter(), ProtocolFilter(),
        MemoryFilter(), LabelFilter(),
    ]
    public static let defaultScorers: [any DeviceScorer] = [
        LoadScorer(), FreeMemoryScorer(), StickinessScorer(), PreferredLabelScorer(), FallbackScorer(),
    ]
    public static let defaultAffinities: [any AffinityScorer] = [CoLocationScorer(), SpreadScorer()]

    public init(
        filters: [any PlacementFilter] = PlacementSolver.defaultFilters, scorers: [any DeviceScorer] = PlacementSolver.defaultScorers,
        affinities: [any AffinityScorer] = PlacementSolver.defaultAffinities, options: PlacementOptions = PlacementOptions()
    ) {
        self.filters = filters
        self.scorers = scorers
        self.affinities = affinities
        self.options = options
    }

    /// Places every step. With `current`, steps lean towards where they run now (stickiness) but
    /// may move.
    /// `cancellation` stops it between steps with `PlacementError.cancelled`.
    public func solve(
        _ request: PlacementRequest, fleet: FleetIndex, current: PlacementPlan? = nil,
        cancellation: PlacementCancellation? = nil
    ) throws(PlacementError) -> PlacementPlan {
        try plan(request, fleet: fleet, current: current, keep: [], greedyOnly: false, cancellation: cancellation)
    }

    /// Re-solves after the fleet changed: steps whose device still qualifies stay where they are
    /// (a suspect device still qualifies: it is not dead yet), and only the others are placed again.
    public func replan(
        _ request: PlacementRequest, fleet: FleetIndex, current: PlacementPlan, cancellation: PlacementCancellation? = nil
    ) throws(PlacementError) -> PlacementPlan {
        try validate(request)
        let affected = Set(affectedSteps(request, fleet: fleet, current: current))
        if affected.isEmpty, current.steps.map(\.step) == request.steps.map(\.name) {
            var unchanged = current
            for index in unchanged.steps.indices { unchanged.steps[index].kept = true }
            return unchanged
        }
        let keep = request.steps.map(\.name).filter { !affected.contains($0) }
        return try plan(
            request, fleet: fleet, current: current, keep: Set(keep), greedyOnly: false, cancellation: cancellation)
    }

    /// The steps `replan` would move: those not in `current`, or whose device is gone from the
    /// fleet or now fails a hard constraint. In manifest order.
    public func affectedSteps(_ request: PlacementRequest, fleet: FleetIndex, current: PlacementPlan) -> [String] {
        let devices = Self.devices(of: current)
        return request.steps.indices.compactMap { index in
            let step = request.steps[index]
            guard let device = devices[step.name], let position = fleet.position(of: device) else {
                return step.name
            }
            var candidate = fleet.devices[position]
            if candidate.status == .suspect { candidate.status = .alive }
            let context = StepContext(request: request, index: index, currentDevice: device)
            return filters.contains { $0.rejection(of: candidate, for: context) != nil } ? step.name : nil
        }
    }

    /// The greedy baseline (each step in order on its best device given the earlier ones), for
    /// comparison and tests.
    public func solveGreedily(
        _ request: PlacementRequest, fleet: FleetIndex, current: PlacementPlan? = nil
    ) throws(PlacementError) -> PlacementPlan {
        try plan(request, fleet: fleet, current: current, keep: [], greedyOnly: true, cancellation: nil)
    }

    /// Each step's device in `plan`, by step name (the first, should a name appear twice).
    static func devices(of plan: PlacementPlan?) -> [String: DeviceID] {
        Dictionary((plan?.steps ?? []).map { ($0.step, $0.device) }) { first, _ in first }
    }

    private func validate(_ request: PlacementRequest) throws(PlacementError) {
        var seen = Set<String>()
        for step in request.steps {
            guard seen.insert(step.name).inserted else { throw .invalidRequest("step \(step.name) appears twice") }
        }
        for step in request.steps {
            for input in step.inputs where !seen.contains(input) {
                throw .invalidRequest("step \(step.name) takes input from \(input), which is not a step")
            }
            for near in step.preferences.near where !seen.contains(near) {
                throw .invalidRequest("step \(step.name) prefers to be near \(near), which is not a step")
            }
        }
    }

    private func plan(
        _ request: PlacementRequest, fleet: FleetIndex, current: PlacementPlan?, keep: Set<String>, greedyOnly: Bool,
        cancellation: PlacementCancellation?
    ) throws(PlacementError) -> PlacementPlan {
        try validate(request)
        let currentDevices = Self.devices(of: current)
        let contexts = request.steps.indices.map { index in
            StepContext(request: request, index: index, currentDevice: currentDevices[request.steps[index].name])
        }
        let pinned: [Int?] = contexts.map { context in
            guard keep.contains(context.step.name), let device = context.currentDevice else { return nil }
            return fleet.position(of: device)
        }
        // A kept step's device already passed every filter (see affectedSteps).
        var feasible: [DeviceSet] = []
        feasible.reserveCapacity(contexts.count)
        for (context, pinned) in zip(contexts, pinned) {
            if context.index % 256 == 0 { try cancellation?.check() }
            feasible.append(feasibleSet(for: context, pinned: pinned, in: fleet))
        }
        var unplaceable: [UnplaceableStep] = []
        for (index, context) in contexts.enumerated() where feasible[index].isEmpty && pinned[index] == nil {
            unplaceable.append(UnplaceableStep(
                step: context.step.name, rejections: rejections(for: context, in: fleet, feasible: feasible[index]),
                filterOrder: filters.map(\.name)))
        }
        guard unplaceable.isEmpty else { throw .unplaceable(unplaceable) }
        try cancellation?.check()

        if contexts.count > options.jointSearchStepLimit {
            return try LinearPlanner(
                solver: self, contexts: contexts, fleet: fleet, feasible: feasible, pinned: pinned,
                cancellation: cancellation
            ).plan(kept: keep)
        }
        var problem = PlanProblem(contexts: contexts, fleet: fleet, feasible: feasible, solver: self)
        let currentPositions: [Int?] = contexts.map { $0.currentDevice.flatMap(fleet.position(of:)) }
        problem.buildPools(limit: options.candidatesPerStep, pinned: pinned, extra: [currentPositions])
        try cancellation?.check()
        let greedy = GreedyPlanner.plan(problem)
        try cancellation?.check()
        if greedyOnly { return assemble(problem, greedy, method: "greedy", kept: keep) }
        problem.include(greedy)

        var best = greedy
        var method = "beam"
        if problem.stepCount <= options.exactStepLimit {
            let exact = BranchAndBound(problem: problem, nodeBudget: options.nodeBudget).search(incumbent: greedy)
            best = exact.assignment
            if exact.complete { method = "exact" }
        }
        try cancellation?.check()
        if method == "beam" {
            let beam = BeamSearch(problem: problem, width: options.beamWidth).search()
            if problem.value(of: beam) > problem.value(of: best) + 1e-9 { best = beam }
        }
        try cancellation?.check()
        return assemble(problem, best, method: method, kept: keep)
    }

    /// The devices a step may go to: its kept device only (it already passed every filter, see
    /// `affectedSteps`), else those passing every filter.
    private func feasibleSet(for context: StepContext, pinned: Int?, in fleet: FleetIndex) -> DeviceSet {
        guard let pinned else { return feasibleDevices(for: context, in: fleet) }
        var only = DeviceSet(capacity: fleet.count)
        only.insert(pinned)
        return only
    }

    /// The devices that pass every filter.
    func feasibleDevices(for context: StepContext, in fleet: FleetIndex) -> DeviceSet {
        var candidates = fleet.all
        for filter in filters {
            filter.narrow(&candidates, for: context, in: fleet)
            if candidates.isEmpty { break }
        }
        return candidates
    }

    /// Each device outside `feasible`, with the first filter it fails, in id order.
    func rejections(for context: StepContext, in fleet: FleetIndex, feasible: DeviceSet) -> [DeviceRejection] {
        var result: [DeviceRejection] = []
        for (position, device) in fleet.devices.enumerated() where !feasible.contains(position) {
            for filter in filters {
                if let reason = filter.rejection(of: device, for: context) {
                    result.append(DeviceRejection(device: device.id, reason: reason))
                    break
                }
            }
        }
        return result
    }
}

extension PlacementSolver {
    /// The objective the planner maximizes, for any assignment (devices in step order): the sum of
    /// every step's weighted scores. -infinity when a device breaks a hard constraint or is unknown.
    public func totalScore(
        of assignment: [DeviceID], for request: PlacementRequest, fleet: FleetIndex, current: PlacementPlan? = nil
    ) -> Double {
        guard assignment.count == request.steps.count else { return -.infinity }
        let currentDevices = Self.devices(of: current)
        let contexts = request.steps.indices.map { index in
            StepContext(request: request, index: index, currentDevice: currentDevices[request.steps[index].name])
        }
        let feasible = contexts.map { feasibleDevices(for: $0, in: fleet) }
        var positions: [Int] = []
        for (index, id) in assignment.enumerated() {
            guard let position = fleet.position(of: id), feasible[index].contains(position) else { return -.infinity }
            positions.append(position)
        }
        return PlanProblem(contexts: contexts, fleet: fleet, feasible: feasible, solver: self).value(of: positions)
    }
}
