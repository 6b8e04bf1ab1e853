import TideFixtures
import ArgumentParser
import Foundation

/// `tide-bench`: every benchmark, apart from the shipped `tide` binary, which it drives as a child
/// process (`--tide PATH`, default: the `tide` next to this executable), so that the binary
/// measured is the one devices run (`scripts/build-release` builds both).
struct TideBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tide-bench",
        abstract: "Run a Tide benchmark and print its figures as JSON (use a release build).",
        discussion: """
            Servers and supervisors run as child processes of the tide binary given with --tide PATH \
            (before or after the benchmark's name), else the tide next to this executable, else the one \
            on PATH. See docs/benchmarks.md for each benchmark, its goals and references.
            """,
        version: "0.1.0",
        subcommands: [
            InventoryBenchmark.self, ResolveBenchmarkCommand.self, MonitorBenchmark.self, SupervisorBenchmarkCommand.self,
            DiscoveryBenchmark.self, SolveBenchmarkCommand.self, PlanBenchmarkCommand.self, DeployBenchmark.self,
            FailoverBenchmark.self, EnrollBenchmark.self, MetricsBenchmark.self, DashboardFleet.self, HighAvailabilityBenchmark.self,
            LiquidBenchmark.self, ProbeBenchmark.self,
        ]
    )
}

@main
enum Main {
    static func main() async {
        do {
            let arguments = try TideBinary.take(from: Array(CommandLine.arguments.dropFirst()))
            var command = try TideBench.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let failure as BenchFailure {
            FileHandle.standardError.write(Data("tide-bench: \(failure.message)\n".utf8))
            exit(1)
        } catch {
            TideBench.exit(withError: error)
        }
    }
}

/// The `tide` executable the benchmarks start as servers and supervisors.
enum TideBinary {
    nonisolated(unsafe) private static var chosen: URL?

    /// Removes `--tide PATH` (or `--tide=PATH`) from the arguments and remembers the path.
    static func take(from arguments: [String]) throws(BenchFailure) -> [String] {
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--tide" {
                guard index + 1 < arguments.count else { throw BenchFailure("--tide needs the path of a tide executable") }
                chosen = try check(arguments[index + 1])
                index += 2
            } else if argument.hasPrefix("--tide=") {
                chosen = try check(String(argument.dropFirst("--tide=".count)))
                index += 1
            } else {
                rest.append(argument)
                index += 1
            }
        }
        return rest
    }

    private static func check(_ path: String) throws(BenchFailure) -> URL {
        let url = URL(fileURLWithPath: path).resolvingSymlinksInPath()
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw BenchFailure("--tide \(path): no executable there (build it: swift build -c release --product tide)")
        }
        return url
    }

    /// `--tide`, else `tide` beside this executable, else on PATH.
    static var url: URL {
        if let chosen { return chosen }
        let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tide")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("tide")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return beside
    }
}

struct BenchFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
    init(_ error: any Error) { self.message = String(describing: error) }
}

enum BuildMode {
    #if DEBUG
    static let current = "debug"
    #else
    static let current = "release"
    #endif
}
