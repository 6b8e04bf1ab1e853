import TideFixtures
import Testing
import TideModel
import TidePlacement

@Suite struct PropertyTests {
    private let seeds = UInt64(1)...400

    @Test func everyPlanMeetsEveryHardConstraintAndErrorsAreTrue() {
        var placed = 0
        for seed in seeds {
            let scenario = RandomScenario(seed: seed)
            let index = scenario.fleetIndex
            do {
                let plan = try PlacementSolver().solve(scenario.request, fleet: index)
                placed += 1
                for (stepIndex, placement) in plan.steps.enumerated() {
                    let chosen = index.devices.first { $0.id == placement.device }
                    #expect(chosen.map { scenario.passes($0, stepIndex) } == true, "seed \(seed) step \(placement.step)")
                    #expect(placement.rejected.count + 1 <= index.count)
                }
            } catch {
                guard case .unplaceable(let steps) = error else {
                    Issue.record("seed \(seed): \(error)")
                    continue
                }
                for unplaceable in steps {
                    let stepIndex = scenario.request.index(of: unplaceable.step) ?? -1
                    #expect(!index.devices.contains { scenario.passes($0, stepIndex) }, "seed \(seed)")
                    #expect(unplaceable.reasons.reduce(0) { $0 + $1.count } == index.count, "seed \(seed)")
                }
            }
        }
        #expect(placed > 100)
    }

    @Test func wholePipelinePlanIsNeverWorseThanGreedy() throws {
        var strictlyBetter = 0
        for seed in seeds {
            let scenario = RandomScenario(seed: seed, maxDevices: 30, maxSteps: 10)
            let index = scenario.fleetIndex
            guard let greedy = try? PlacementSolver().solveGreedily(scenario.request, fleet: index) else { continue }
            let plan = try PlacementSolver().solve(scenario.request, fleet: index)
            #expect(plan.totalScore >= greedy.totalScore - 1e-9, "seed \(seed)")
            let recomputed = PlacementSolver().totalScore(of: plan.steps.map(\.device), for: scenario.request, fleet: index)
            #expect(abs(recomputed - plan.totalScore) < 1e-9, "seed \(seed)")
            if plan.totalScore > greedy.totalScore + 1e-9 { strictlyBetter += 1 }
        }
        #expect(strictlyBetter > 0)
    }

    @Test func exactSearchMatchesBruteForceOnSmallFleets() throws {
        let solver = PlacementSolver(options: PlacementOptions(candidatesPerStep: 64))
        for seed in seeds {
            let scenario = RandomScenario(seed: seed, maxDevices: 6, maxSteps: 4)
            let index = scenario.fleetIndex
            guard let plan = try? solver.solve(scenario.request, fleet: index) else { continue }
            #expect(plan.method == "exact")
            var best = -Double.infinity
            let ids = index.devices.map(\.id)
            var assignment = [Int](repeating: 0, count: scenario.request.steps.count)
            while true {
                best = max(best, solver.totalScore(of: assignment.map { ids[$0] }, for: scenario.request, fleet: index))
                var position = 0
                while position < assignment.count, assignment[position] == ids.count - 1 {
                    assignment[position] = 0
                    position += 1
                }
                if position == assignment.count { break }
                assignment[position] += 1
            }
            #expect(abs(best - plan.totalScore) < 1e-9, "seed \(seed)")
        }
    }

    @Test func deterministicAndIndependentOfDeviceOrder() throws {
        for seed in seeds.prefix(150) {
            let scenario = RandomScenario(seed: seed, maxDevices: 20, maxSteps: 8)
            var shuffled = scenario.devices
            var random = SplitMix64(seed: seed ^ 0xABCD)
            shuffled.shuffle(using: &random)
            let first = Result { try PlacementSolver().solve(scenario.request, fleet: scenario.fleetIndex) }
            let again = Result { try PlacementSolver().solve(scenario.request, fleet: scenario.fleetIndex) }
            let reordered = Result { try PlacementSolver().solve(scenario.request, fleet: FleetIndex(FleetSnapshot(devices: shuffled))) }
            #expect(String(describing: first) == String(describing: again), "seed \(seed)")
            #expect(String(describing: first) == String(describing: reordered), "seed \(seed)")
        }
    }

    @Test func replanMovesOnlyAffectedSteps() throws {
        var moved = 0
        for seed in seeds {
            let scenario = RandomScenario(seed: seed, maxDevices: 12, maxSteps: 6)
            guard let before = try? PlacementSolver().solve(scenario.request, fleet: scenario.fleetIndex) else { continue }
            var random = SplitMix64(seed: seed &* 31)
            var changed = scenario.devices
            let victim = before.steps.randomElement(using: &random)?.device
            for index in changed.indices where changed[index].id == victim { changed[index].status = .dead }
            let changedIndex = FleetIndex(FleetSnapshot(devices: changed))
            guard let after = try? PlacementSolver().replan(scenario.request, fleet: changedIndex, current: before) else { continue }
            for (old, new) in zip(before.steps, after.steps) {
                if old.device == victim {
                    #expect(new.device != victim, "seed \(seed)")
                    #expect(!new.kept)
                    moved += 1
                } else {
                    #expect(new.device == old.device && new.kept, "seed \(seed) step \(old.step)")
                }
            }
            for (stepIndex, placement) in after.steps.enumerated() where !placement.kept {
                let chosen = changedIndex.devices.first { $0.id == placement.device }
                #expect(chosen.map { scenario.passes($0, stepIndex) } == true, "seed \(seed)")
            }
        }
        #expect(moved > 50)
    }
}
