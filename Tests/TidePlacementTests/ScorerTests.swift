import Testing
import TideModel
import TidePlacement

@Suite struct ScorerTests {
    private let devices = fleet([
        device("a", memory: gib, labels: ["tier": "compute", "zone": "x"], cpu: 0.2, memoryUsage: 0.5, placed: 1),
        device("b", memory: gib, labels: ["tier": "edge"], cpu: 0, memoryUsage: 0, placed: 0),
    ])

    @Test func load() {
        let scorer = LoadScorer()
        let stepContext = context(request([step("s")]))
        #expect(scorer.weight(for: stepContext) == 1)
        #expect(abs(scorer.score(0, for: stepContext, in: devices) - 0.4) < 1e-12)
        #expect(scorer.score(1, for: stepContext, in: devices) == 1)
        #expect(scorer.explain(0, for: stepContext, in: devices) == "cpu 20%, 1 step placed")
        #expect(scorer.explain(1, for: stepContext, in: devices) == "cpu 0%, 0 steps placed")
    }

    @Test func loadCountsRecordedPlans() {
        var index = devices
        let plan = PlacementPlan(
            deployment: "d",
            steps: [StepPlacement(step: "s", device: DeviceID("b"), score: 0, breakdown: [], rejected: [])], method: "exact")
        index.record(plan)
        index.record(plan)
        #expect(index.placedSteps == [1, 2])
        #expect(abs(LoadScorer().score(1, for: context(request([step("s")])), in: index) - 1.0 / 3) < 1e-12)
        index.release(plan)
        #expect(index.placedSteps == [1, 1])
    }

    @Test func freeMemory() {
        let scorer = FreeMemoryScorer()
        let stepContext = context(request([step("s")]))
        #expect(scorer.weight(for: stepContext) == 0.5)
        #expect(scorer.score(0, for: stepContext, in: devices) == 0.5)
        #expect(scorer.score(1, for: stepContext, in: devices) == 1)
        #expect(scorer.explain(0, for: stepContext, in: devices) == "512 MiB free of the fleet's largest 1 GiB")
    }

    @Test func stickiness() {
        let scorer = StickinessScorer()
        let fresh = context(request([step("s")]))
        #expect(scorer.weight(for: fresh) == 0)
        let placed = context(request([step("s")]), current: "a")
        #expect(scorer.weight(for: placed) == 3)
        #expect(scorer.score(0, for: placed, in: devices) == 1)
        #expect(scorer.score(1, for: placed, in: devices) == 0)
        #expect(scorer.explain(0, for: placed, in: devices) == "stays on a")
        #expect(scorer.explain(1, for: placed, in: devices) == "moves from a")
    }

    @Test func preferredLabels() {
        let scorer = PreferredLabelScorer()
        #expect(scorer.weight(for: context(request([step("s")]))) == 0)
        let prefers = context(request([step("s", prefer: StepPreferences(labels: ["tier": "compute", "zone": "y"], weight: 2))]))
        #expect(scorer.weight(for: prefers) == 2)
        #expect(scorer.score(0, for: prefers, in: devices) == 0.5)
        #expect(scorer.score(1, for: prefers, in: devices) == 0)
        #expect(scorer.explain(0, for: prefers, in: devices) == "has tier=compute, lacks zone=y")
        #expect(scorer.explain(1, for: prefers, in: devices) == "lacks tier=compute, zone=y")
        let one = context(request([step("s", prefer: StepPreferences(labels: ["tier": "edge"]))]))
        #expect(scorer.explain(1, for: one, in: devices) == "has tier=edge")
    }

    @Test func fallback() {
        let scorer = FallbackScorer()
        #expect(scorer.weight(for: context(request([step("s")]))) == 0)
        let ordered = context(request([step("s", policy: .fallback([DeviceID("b"), DeviceID("a")]))]))
        #expect(scorer.weight(for: ordered) == 2)
        #expect(scorer.score(1, for: ordered, in: devices) == 1)
        #expect(scorer.score(0, for: ordered, in: devices) == 0.5)
        #expect(scorer.explain(0, for: ordered, in: devices) == "fallback choice 2 of 2")
        let other = context(request([step("s", policy: .fallback([DeviceID("b")]))]))
        #expect(scorer.score(0, for: other, in: devices) == 0)
        #expect(scorer.explain(0, for: other, in: devices) == "not a fallback device")
    }

    @Test func coLocationLinksInputsAndNear() {
        let pipeline = request([
            step("capture"), step("classify", inputs: ["capture"]),
            step("store", inputs: ["classify"], prefer: StepPreferences(near: ["capture", "classify"], weight: 3)),
        ])
        let scorer = CoLocationScorer()
        #expect(scorer.links(of: context(pipeline, 0)).isEmpty)
        #expect(scorer.links(of: context(pipeline, 1)) == [AffinityLink(other: 0, weight: 2, together: true)])
        #expect(scorer.links(of: context(pipeline, 2)) == [
            AffinityLink(other: 1, weight: 3, together: true), AffinityLink(other: 0, weight: 3, together: true),
        ])
    }

    @Test func spreadLinksEveryOtherStep() {
        let pipeline = request([step("a"), step("b", prefer: StepPreferences(spread: true)), step("c")])
        let scorer = SpreadScorer()
        #expect(scorer.links(of: context(pipeline, 0)).isEmpty)
        #expect(scorer.links(of: context(pipeline, 1)) == [
            AffinityLink(other: 0, weight: 0.5, together: false), AffinityLink(other: 2, weight: 0.5, together: false),
        ])
    }

    @Test func affinityExplanationsInThePlan() throws {
        let pipeline = request([
            step("capture", capabilities: ["camera.take_image"]),
            step("classify", inputs: ["capture"], memory: 512 * mib),
            step("store", inputs: ["classify"], prefer: StepPreferences(spread: true)),
        ])
        let cameraFleet = fleet([
            device("cam", interfaces: ["take_image"], memory: 256 * mib),
            device("gpu", memory: 2 * gib),
        ])
        let plan = try PlacementSolver().solve(pipeline, fleet: cameraFleet)
        #expect(plan.assignments.map(\.device.rawValue) == ["cam", "gpu", "gpu"])
        let classify = try #require(plan.steps.first { $0.step == "classify" })
        #expect(classify.breakdown.map(\.description) == [
            "load 1.00 x 1.00: cpu 0%, 0 steps placed",
            "free-memory 1.00 x 0.50: 2 GiB free of the fleet's largest 2 GiB",
            "co-location 0.00 x 2.00: apart from capture on cam",
        ])
        let store = try #require(plan.steps.first { $0.step == "store" })
        // store prefers spread, so its input does not pull it: it shares gpu for the memory, not for classify.
        #expect(store.breakdown.map(\.description) == [
            "load 1.00 x 1.00: cpu 0%, 0 steps placed",
            "free-memory 1.00 x 0.50: 2 GiB free of the fleet's largest 2 GiB",
            "spread 0.50 x 1.00: shares gpu with classify",
        ])
        #expect(abs(store.score - 2) < 1e-12)
    }
}
