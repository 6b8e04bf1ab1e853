import Dispatch
import TideModel
import TidePlacement

/// Measures the solver on synthetic fleets: placements per second while placing every deployment
/// in turn (each sees the load of the ones before), and the time to re-plan all of them after 1%
/// of the devices die. Single-threaded; run it in a release build.
public enum PlacementBenchmark {
    public struct Report: Sendable, Codable, Equatable {
        public var devices: Int
        public var deployments: Int
        public var steps: Int
        public var unplaceableDeployments: Int
        public var indexMilliseconds: Double
        public var placementMilliseconds: Double
        public var placementsPerSecond: Double
        /// Deployments whose plan came from the exact search, and from beam search.
        public var exactPlans: Int
        public var beamPlans: Int
        public var killedDevices: Int
        public var replannedDeployments: Int
        public var movedSteps: Int
        /// Re-planning every deployment against the fleet with the killed devices.
        public var replanMilliseconds: Double
    }

    /// One run: `deployments` pipelines of `steps` steps on `devices` devices.
    public static func run(
        devices: Int, deployments: Int, steps: ClosedRange<Int> = 3...10, seed: UInt64 = 42,
        options: PlacementOptions = PlacementOptions(recordRejections: false)
    ) -> Report {
        let workload = SyntheticWorkload(devices: devices, deployments: deployments, steps: steps, seed: seed)
        let solver = PlacementSolver(options: options)

        let indexStart = DispatchTime.now().uptimeNanoseconds
        var fleet = FleetIndex(workload.snapshot)
        let indexEnd = DispatchTime.now().uptimeNanoseconds

        var plans: [PlacementPlan?] = []
        var placed = 0
        var exact = 0
        var beam = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for request in workload.requests {
            guard let plan = try? solver.solve(request, fleet: fleet) else {
                plans.append(nil)
                continue
            }
            fleet.record(plan)
            placed += plan.steps.count
            if plan.method == "exact" { exact += 1 } else { beam += 1 }
            plans.append(plan)
        }
        let end = DispatchTime.now().uptimeNanoseconds

        var killed = workload.snapshot.devices
        let victims = Set(stride(from: 0, to: killed.count, by: 100))
        for position in victims.sorted() { killed[position].status = .dead }
        var damaged = FleetIndex(FleetSnapshot(devices: killed))
        for case let plan? in plans { damaged.record(plan) }

        var replanned = 0
        var moved = 0
        let replanStart = DispatchTime.now().uptimeNanoseconds
        for (request, plan) in zip(workload.requests, plans) {
            guard let plan, let updated = try? solver.replan(request, fleet: damaged, current: plan) else { continue }
            replanned += 1
            moved += updated.steps.count { !$0.kept }
        }
        let replanEnd = DispatchTime.now().uptimeNanoseconds

        let seconds = Double(end - start) / 1e9
        return Report(
            devices: devices, deployments: deployments, steps: placed,
            unplaceableDeployments: plans.count { $0 == nil },
            indexMilliseconds: Double(indexEnd - indexStart) / 1e6, placementMilliseconds: seconds * 1e3,
            placementsPerSecond: seconds > 0 ? Double(placed) / seconds : 0, exactPlans: exact, beamPlans: beam,
            killedDevices: victims.count, replannedDeployments: replanned, movedSteps: moved,
            replanMilliseconds: Double(replanEnd - replanStart) / 1e6)
    }

    /// The standard grid: 1,000 and 10,000 devices, 100 and 1,000 deployments of 3 to 10 steps.
    public static func standard(seed: UInt64 = 42) -> [Report] {
        [1_000, 10_000].flatMap { devices in
            [100, 1_000].map { deployments in run(devices: devices, deployments: deployments, seed: seed) }
        }
    }
}
