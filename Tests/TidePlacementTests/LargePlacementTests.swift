import Dispatch
import Foundation
import Testing
import TideModel
import TidePlacement

/// Deployments of many steps: the linear planner, its explanations, and cancellation.
@Suite struct LargePlacementTests {
    /// A chain of `count` steps, each fed by the one before.
    func chain(_ count: Int, spread: Bool = false) -> PlacementRequest {
        request((0..<count).map { index in
            step("s-\(index)", inputs: index == 0 ? [] : ["s-\(index - 1)"], prefer: StepPreferences(spread: spread))
        })
    }

    func devices(_ count: Int) -> FleetIndex {
        fleet((0..<count).map { device(String(format: "dev-%04d", $0), cpu: Double($0 % 7) / 10) })
    }

    @Test func linearPlansMeetEveryHardConstraintAndScoreWhatTheyExplain() throws {
        let solver = PlacementSolver(options: PlacementOptions(jointSearchStepLimit: 0))
        var placed = 0
        for seed in UInt64(1)...200 {
            let scenario = RandomScenario(seed: seed, maxDevices: 30, maxSteps: 10)
            let index = scenario.fleetIndex
            guard let plan = try? solver.solve(scenario.request, fleet: index) else { continue }
            placed += 1
            #expect(plan.method == "linear")
            for (stepIndex, placement) in plan.steps.enumerated() {
                let chosen = index.devices.first { $0.id == placement.device }
                #expect(chosen.map { scenario.passes($0, stepIndex) } == true, "seed \(seed) step \(placement.step)")
            }
            // The breakdown (spread counted per device included) adds up to the objective.
            let recomputed = solver.totalScore(of: plan.steps.map(\.device), for: scenario.request, fleet: index)
            #expect(abs(recomputed - plan.totalScore) < 1e-6, "seed \(seed)")
        }
        #expect(placed > 40)
    }

    @Test func smallDeploymentsKeepTheJointSearch() throws {
        let plan = try PlacementSolver().solve(chain(5), fleet: devices(10))
        #expect(plan.method == "exact")
        let longer = try PlacementSolver().solve(chain(65), fleet: devices(10))
        #expect(longer.method == "linear")
    }

    @Test func aLongChainStaysTogetherAndIsPlacedInTime() throws {
        let started = ContinuousClock.now
        let plan = try PlacementSolver().solve(chain(2_000), fleet: devices(200))
        // Debug builds are slow; this only catches a return of the quadratic planner.
        #expect(ContinuousClock.now - started < .seconds(60))
        #expect(plan.steps.count == 2_000)
        #expect(Set(plan.steps.map(\.device)).count == 1, "co-location keeps a chain on one device")
        #expect(plan.steps[1].breakdown.last?.explanation == "with s-0")
    }

    @Test func spreadOverManyStepsNamesTenAndCountsTheRest() throws {
        let plan = try PlacementSolver().solve(chain(100, spread: true), fleet: devices(3))
        // The last step of the busiest device (at least 34 of the 100 steps are there).
        let counts = Dictionary(plan.steps.map { ($0.device, 1) }, uniquingKeysWith: +)
        let device = try #require(counts.max { $0.value < $1.value }?.key)
        let placement = try #require(plan.steps.last { $0.device == device })
        let spread = try #require(placement.breakdown.first { $0.scorer == "spread" })
        let sharing = plan.steps.filter { $0.device == device }.count - 1
        let named = plan.steps.filter { $0.device == device && $0.step != placement.step }.prefix(10).map(\.step)
        #expect(spread.explanation == "shares \(device) with \(named.joined(separator: ", ")) and \(sharing - 10) more")
        #expect(abs(spread.score - Double(99 - sharing) / 99) < 1e-9)
    }

    @Test func aCancelledPlacementStopsWithItsReason() throws {
        let cancelled = PlacementCancellation()
        cancelled.cancel("the client went away")
        cancelled.cancel("a later reason is ignored")
        #expect(throws: PlacementError.cancelled("the client went away")) {
            try PlacementSolver().solve(chain(10), fleet: devices(3), cancellation: cancelled)
        }
        #expect(throws: PlacementError.cancelled("the client went away")) {
            try PlacementSolver().solve(chain(1_000), fleet: devices(3), cancellation: cancelled)
        }
    }

    @Test func aDeadlineStopsThePlacementWithoutAnyOtherThread() throws {
        let limited = PlacementCancellation()
        limited.cancel(at: .now + .milliseconds(1), "past the time limit")
        // 10,000 steps on 2,000 devices take far longer than 1 ms; nothing else calls cancel.
        #expect(throws: PlacementError.cancelled("past the time limit")) {
            try PlacementSolver().solve(chain(10_000, spread: true), fleet: devices(2_000), cancellation: limited)
        }
        let unhurried = PlacementCancellation()
        unhurried.cancel(at: .now + .seconds(3600), "never")
        #expect(try PlacementSolver().solve(chain(10), fleet: devices(3), cancellation: unhurried).steps.count == 10)
    }

    @Test func aPlacementCancelledWhileRunningStopsSoon() async throws {
        let request = chain(10_000, spread: true)
        let fleet = devices(2_000)
        let cancellation = PlacementCancellation()
        // The placement is solved again and again until the cancel lands, so a loaded machine that
        // schedules the cancelling thread late cannot let the work finish first.
        let outcome: Result<Int, PlacementError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Result { () throws(PlacementError) in
                    for _ in 0..<1_000 {
                        _ = try PlacementSolver().solve(request, fleet: fleet, cancellation: cancellation)
                    }
                    return 1_000
                })
            }
            DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { cancellation.cancel("stop") }
        }
        #expect(throws: PlacementError.cancelled("stop")) { try outcome.get() }
    }
}
