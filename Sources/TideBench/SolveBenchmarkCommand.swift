import TideFixtures
import ArgumentParser
import TideModel
import TidePlacement

/// `tide-bench solve`: the placement solver on synthetic fleets and workloads, one core.
struct SolveBenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Time the placement solver: 1,000 and 10,000 devices, 100 and 1,000 deployments of 3-10 steps.",
        discussion: "Reports step placements per second and the time to re-plan every deployment after 1% of the devices die.")

    @Option(help: "Seed of the synthetic fleets and workloads.") var seed: UInt64 = 42

    struct Report: Encodable {
        var benchmark = "solve"
        var build = BuildMode.current
        var runs: [PlacementBenchmark.Report]
    }

    func run() async throws {
        print(try TideJSON.text(Report(runs: PlacementBenchmark.standard(seed: seed))))
    }
}
