import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark and print its figures as JSON (use a release build).",
        subcommands: [InventoryBenchmark.self, ResolveBenchmarkCommand.self, MonitorBenchmark.self, SupervisorBenchmarkCommand.self, DiscoveryBenchmark.self, SolveBenchmarkCommand.self, PlanBenchmarkCommand.self, DeployBenchmark.self, FailoverBenchmark.self, EnrollBenchmark.self]
    )
}

enum BuildMode {
    #if DEBUG
    static let current = "debug"
    #else
    static let current = "release"
    #endif
}
