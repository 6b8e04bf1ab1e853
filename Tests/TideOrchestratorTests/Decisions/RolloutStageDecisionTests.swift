import Foundation
import Testing
import TideModel
@testable import TideOrchestrator
@testable import TideTesting

/// The stages of a rollout, what its checks conclude, and what a device's report means while it
/// is under way.
@Suite("Rollout stage decisions", .stopsWhatItStarts)
struct RolloutStageDecisionTests {
    typealias F = DeploymentFixture
    static func ids(_ names: String...) -> [DeviceID] { names.map { DeviceID($0) } }

    @Test("devices new to the deployment go first, then those that run the previous generation, each by id")
    func order() {
        let order = RolloutStages.order(Self.ids("d3", "d1", "new2", "d2", "new1"), previous: Set(Self.ids("d1", "d2", "d3")))
        #expect(order == Self.ids("new1", "new2", "d1", "d2", "d3"))
    }

    @Test("a canary, then max-parallel at a time; percentages round up", arguments: [
        (RolloutShare.count(2), RolloutShare.count(5), 20, 2, 5),
        (RolloutShare.percent(10), RolloutShare.percent(25), 20, 2, 5),
        (RolloutShare.count(0), RolloutShare.percent(10), 1000, 0, 10),
        (RolloutShare.percent(1), RolloutShare.count(1), 3, 1, 3),
        (RolloutShare.count(30), RolloutShare.count(1), 20, 20, 1),
    ])
    func shape(canary: RolloutShare, parallel: RolloutShare, devices: Int, canaryCount: Int, stages: Int) {
        let strategy = UpdateStrategy(maxParallel: parallel, canary: canary)
        let progress = RolloutStages.start(RolloutProgress(from: 1, to: 2, startedAt: F.epoch), devices: devices, strategy: strategy)
        #expect(progress.canary == canaryCount)
        #expect(progress.stages == stages)
        #expect(progress.remaining == devices)
    }

    @Test("each stage takes the next devices in order; the canary alone, first")
    func stagesInOrder() {
        let strategy = UpdateStrategy(maxParallel: .count(2), canary: .count(1))
        var pending = Self.ids("a", "b", "c", "d", "e")
        var progress = RolloutStages.start(RolloutProgress(from: 1, to: 2, startedAt: F.epoch), devices: pending.count, strategy: strategy)
        var stages: [[DeviceID]] = []
        var canaries: [Bool] = []
        while !pending.isEmpty {
            let next = RolloutStages.next(pending, progress: progress, strategy: strategy)
            stages.append(next.devices)
            canaries.append(next.canary)
            progress = RolloutStages.passed(progress, devices: next.devices, canary: next.canary, pending: pending.count)
            pending.removeFirst(next.devices.count)
        }
        #expect(stages == [Self.ids("a"), Self.ids("b", "c"), Self.ids("d", "e")])
        #expect(canaries == [true, false, false])
        #expect(progress.stage == 3 && progress.stages == 3 && progress.remaining == 0 && progress.canaryPassed)
        #expect(progress.updated == Self.ids("a", "b", "c", "d", "e"))
    }

    @Test("devices that took the generation in a stage cut short by a stop count as updated")
    func landedAfterAStop() {
        var progress = RolloutProgress(from: 1, to: 2, stage: 1, stages: 3, canary: 1, canaryPassed: true, startedAt: F.epoch)
        progress.updated = Self.ids("a")
        let installed: [DeviceID: InstalledNode] = [
            DeviceID("a"): InstalledNode(generation: 2, digest: "n"), DeviceID("c"): InstalledNode(generation: 2, digest: "n"),
            DeviceID("b"): InstalledNode(generation: 2, digest: "n"), DeviceID("d"): InstalledNode(generation: 1, digest: "o"),
        ]
        let landed = RolloutStages.landed(progress, installed: installed, pending: 1)
        #expect(landed.updated == Self.ids("a", "b", "c"))
        #expect(landed.remaining == 1)
    }

    @Test("the error rate fails a stage only above its limit, and never without calls")
    func errorRate() {
        #expect(RolloutStages.errorRateProblem(calls: 0, failed: 0, limit: 0) == nil)
        #expect(RolloutStages.errorRateProblem(calls: 20, failed: 1, limit: 0.05) == nil)
        #expect(
            RolloutStages.errorRateProblem(calls: 20, failed: 2, limit: 0.05)
                == "2 of 20 calls failed on the stage's devices (10%, above the limit of 5%)")
        #expect(RolloutStages.errorRateProblem(calls: 3, failed: 1, limit: 0)?.contains("(33.3%, above the limit of 0%)") == true)
    }

    @Test("while an update rolls out, a device of the previous generation keeps its node; after, it is cleaned")
    func previousDevicesKeepTheirNode() {
        var deployment = F.make([("a", "d2", .pending)], status: .deploying, generation: 2, installed: ["d1": InstalledNode(generation: 1, digest: "x")])
        var before = F.make([("a", "d1", .running)], generation: 1)
        before.installed = [DeviceID("d1"): InstalledNode(generation: 1, digest: "x")]
        deployment.previous = PreviousGeneration(before)
        deployment.rollout = RolloutProgress(from: 1, to: 2, startedAt: F.epoch)
        let now = F.epoch.addingTimeInterval(60)
        #expect(Recovery.settle(deployment, on: DeviceID("d1"), reported: 1, now: now, grace: 5) == .nothing)
        deployment.rollout?.state = .done
        #expect(Recovery.settle(deployment, on: DeviceID("d1"), reported: 1, now: now, grace: 5) == .removeStale)
    }

    @Test("an update's previous generation: the one running, or over an unfinished rollout the one before it")
    func previousOfAnUpdate() {
        #expect(Staging.previous(of: nil) == nil)
        #expect(Staging.previous(of: F.make([("a", "d1", .failed)], status: .failed)) == nil)
        let active = F.make([("a", "d1", .running)], status: .active, generation: 4)
        #expect(Staging.previous(of: active)?.generation == 4)
        var rolling = F.make([("a", "d2", .pending)], status: .deploying, generation: 5)
        rolling.previous = PreviousGeneration(active)
        rolling.rollout = RolloutProgress(from: 4, to: 5, state: .paused, startedAt: F.epoch)
        #expect(Staging.previous(of: rolling)?.generation == 4)
    }
}
