/// Tuning of the planner. The defaults suit fleets of up to tens of thousands of devices.
public struct PlacementOptions: Sendable, Equatable {
    /// List every rejected device with its reason in each step's placement. Turn off for large
    /// fleets when only the decision matters; an unplaceable step is always explained.
    public var recordRejections: Bool
    /// At most this many rejected devices are listed per step (the first by id); `rejectedCount`
    /// has the total. Keeps plans small on large fleets.
    public var maxRejectionsPerStep: Int
    /// How many of its best devices each step brings into the joint search (at least the number of
    /// steps is always taken), and how many joint devices each co-located pair or group adds.
    public var candidatesPerStep: Int
    /// Deployments of more steps than this are placed by the linear planner (greedy in manifest
    /// order over each step's best devices, links kept per step), whose time grows linearly with
    /// the number of steps; the joint search below keeps tables that grow with its square.
    public var jointSearchStepLimit: Int
    /// Pipelines up to this many steps are searched exactly (branch and bound); longer ones by beam search.
    public var exactStepLimit: Int
    /// Branch-and-bound nodes before giving up exactness and finishing with beam search.
    public var nodeBudget: Int
    public var beamWidth: Int

    public init(
        recordRejections: Bool = true, candidatesPerStep: Int = 6, exactStepLimit: Int = 8, nodeBudget: Int = 200_000,
        beamWidth: Int = 32, maxRejectionsPerStep: Int = 20, jointSearchStepLimit: Int = 64
    ) {
        self.jointSearchStepLimit = jointSearchStepLimit
        self.recordRejections = recordRejections
        self.maxRejectionsPerStep = maxRejectionsPerStep
        self.candidatesPerStep = candidatesPerStep
        self.exactStepLimit = exactStepLimit
        self.nodeBudget = nodeBudget
        self.beamWidth = beamWidth
    }
}
