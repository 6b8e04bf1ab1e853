import Testing
import TideModel
import TidePlacement

/// `prefer.spread` against what argues for sharing a device: spread wins over the implicit pull of
/// a chain (inputs), and gives way to anything stronger.
@Suite struct SpreadTests {
    /// The fan-out of manifests/fibo-dag.yaml: `right` prefers spread.
    static let fanOut = request([
        step("source"), step("left", inputs: ["source"]),
        step("right", inputs: ["source"], prefer: StepPreferences(spread: true)),
        step("combine", inputs: ["left", "right"]),
    ], deployment: "fibo-dag")

    /// The dev fleet's shape: one device with far more memory than the others.
    static let devFleet = fleet([
        device("camera-gateway", memory: 512 * mib), device("compute-node", memory: 8 * gib),
        device("display", memory: gib), device("edge-box", memory: 2 * gib), device("sensor-node", memory: 128 * mib),
    ])

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var request: PlacementRequest
        var fleet: FleetIndex
        var current: PlacementPlan? = nil
        /// Pairs of steps expected on different (`apart`) or the same (`together`) device.
        var apart: [(String, String)] = []
        var together: [(String, String)] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "fan-out on equal devices: right runs apart from every other step", request: fanOut,
            fleet: fleet([device("a"), device("b"), device("c")]),
            apart: [("right", "source"), ("right", "left"), ("right", "combine")],
            together: [("source", "left"), ("left", "combine")]),
        Case(
            name: "fan-out on the dev fleet: spread outweighs compute-node's extra memory", request: fanOut, fleet: devFleet,
            apart: [("right", "left"), ("right", "source")], together: [("source", "left"), ("left", "combine")]),
        Case(
            name: "a chain: the spread step leaves its input's device",
            request: request([step("a"), step("b", inputs: ["a"], prefer: StepPreferences(spread: true))]),
            fleet: fleet([device("x"), device("y")]), apart: [("a", "b")]),
        Case(
            name: "near is explicit and outweighs spread",
            request: request([step("a"), step("b", inputs: ["a"], prefer: StepPreferences(near: ["a"], spread: true))]),
            fleet: fleet([device("x"), device("y")]), together: [("a", "b")]),
        Case(
            name: "a hard constraint outweighs spread",
            request: request([
                step("a", require: StepConstraints(device: DeviceID("x"))),
                step("b", inputs: ["a"], require: StepConstraints(device: DeviceID("x")), prefer: StepPreferences(spread: true)),
            ]),
            fleet: fleet([device("x"), device("y")]), together: [("a", "b")]),
        Case(
            name: "stickiness outweighs spread when re-planning",
            request: request([step("a"), step("b", inputs: ["a"], prefer: StepPreferences(spread: true))]),
            fleet: fleet([device("x"), device("y")]),
            current: PlacementPlan(
                deployment: "demo",
                steps: [
                    StepPlacement(step: "a", device: DeviceID("x"), score: 0, breakdown: [], rejected: []),
                    StepPlacement(step: "b", device: DeviceID("x"), score: 0, breakdown: [], rejected: []),
                ], method: "exact"),
            together: [("a", "b")]),
        Case(
            name: "a device that is far better by load outweighs spread",
            request: request([step("a"), step("b", inputs: ["a"], prefer: StepPreferences(spread: true))]),
            fleet: fleet([device("x"), device("y", memory: 256 * mib, cpu: 1)]), together: [("a", "b")]),
    ]

    @Test(arguments: cases)
    func spreadAgainstWhatArguesForSharing(_ scenario: Case) throws {
        for solver in [PlacementSolver(), PlacementSolver(options: PlacementOptions(jointSearchStepLimit: 0))] {
            let plan = try solver.solve(scenario.request, fleet: scenario.fleet, current: scenario.current)
            let devices = Dictionary(uniqueKeysWithValues: plan.steps.map { ($0.step, $0.device) })
            for (first, second) in scenario.apart {
                #expect(devices[first] != devices[second], "\(plan.method): \(first) and \(second) share \(devices[first]?.rawValue ?? "-")")
            }
            for (first, second) in scenario.together {
                #expect(devices[first] == devices[second], "\(plan.method): \(first) and \(second) apart")
            }
        }
    }

    @Test func theFanOutsExplanationSaysWhySpreadWon() throws {
        let plan = try PlacementSolver().solve(Self.fanOut, fleet: fleet([device("a"), device("b"), device("c")]))
        #expect(plan.method == "exact")
        let right = try #require(plan.steps.first { $0.step == "right" })
        #expect(right.breakdown.map(\.scorer) == ["load", "free-memory", "spread"])
        #expect(right.breakdown.last?.description
            == "spread 1.00 x 1.00: no other step of fibo-dag on \(right.device), apart from its input source as spread prefers")
        let combine = try #require(plan.steps.first { $0.step == "combine" })
        #expect(combine.breakdown.last?.description == "co-location 1.00 x 2.00: with left; not held to right (spread)")
    }

    @Test func coLocationLeavesOutTheInputsThatGiveWayToSpread() {
        let scorer = CoLocationScorer()
        #expect(scorer.links(of: context(Self.fanOut, 1)) == [AffinityLink(other: 0, weight: 2, together: true)])
        #expect(scorer.links(of: context(Self.fanOut, 2)).isEmpty)
        #expect(scorer.links(of: context(Self.fanOut, 3)) == [AffinityLink(other: 1, weight: 2, together: true)])
        let near = request([step("a"), step("b", inputs: ["a"], prefer: StepPreferences(near: ["a"], spread: true))])
        #expect(scorer.links(of: context(near, 1)) == [AffinityLink(other: 0, weight: 2, together: true)])
    }
}
