import Foundation

/// What `tide-bench failover` prints in its default mode.
struct FailoverBenchmarkReport: Encodable {
    struct Figures: Encodable {
        var count: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var meanMilliseconds: Double

        init(_ values: [Double]) {
            let sorted = values.sorted()
            count = sorted.count
            p50Milliseconds = Percentile.of(sorted, 0.5)
            p99Milliseconds = Percentile.of(sorted, 0.99)
            maxMilliseconds = sorted.last ?? 0
            meanMilliseconds = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        }
    }

    var benchmark = "failover"
    var build = BuildMode.current
    var date = Date()
    var supervisors: Int
    var serverSettings: String
    var runTimeoutMilliseconds: Double
    var pauseMilliseconds: Double
    /// Children run under `setpriv --pdeathsig KILL`: a SIGKILLed benchmark takes them along.
    var childrenDieWithBenchmark: Bool
    /// SIGKILL of the device of `middle` to the first successful run with `middle` elsewhere.
    var recovery: Figures
    /// SIGKILL to the server's dead event.
    var detection: Figures
    /// Dead event to the deployment's active event.
    var replacement: Figures
    var goalP99Milliseconds: Double
    var goalMet: Bool
    var anchors: [String: String] = FailoverBenchmarkReport.anchors
    var trials: [FailoverBenchmarkTrials.Trial]

    static let anchors = [
        "wasmiotPrototype": "~75 s",
        "nomad": "~20-30 s",
        "wasmCloud": "~40-135 s",
        "kubernetes": "~350 s (NotReady plus pod eviction)",
    ]
}

/// What `tide-bench failover --soak` prints.
struct FailoverBenchmarkSoakReport: Encodable {
    struct Runs: Encodable {
        var attempted: Int
        var succeeded: Int
        var failed: Int
        var failures: [String: Int]
        var failureExamples: [String: String]
        /// Succeeded / attempted (the goal: 1, no failed run).
        var successRate: Double
        /// Successful runs the server retried through a new placement after a device failed.
        var retried: Int
    }

    /// How much a device failure under a run cost it: the runs the server retried, against the
    /// runs of the same soak that met no failure.
    struct Latency: Encodable {
        /// Successful runs that were not retried.
        var clean: FailoverBenchmarkReport.Figures
        var retried: FailoverBenchmarkReport.Figures
        /// Per retried run, its duration minus the clean runs' median: p50 and p99.
        var addedP50Milliseconds: Double
        var addedP99Milliseconds: Double

        init(clean: [Double], retried: [Double]) {
            self.clean = FailoverBenchmarkReport.Figures(clean)
            self.retried = FailoverBenchmarkReport.Figures(retried)
            let baseline = self.clean.p50Milliseconds
            let added = retried.map { max(0, $0 - baseline) }.sorted()
            addedP50Milliseconds = Percentile.of(added, 0.5)
            addedP99Milliseconds = Percentile.of(added, 0.99)
        }
    }

    var benchmark = "failover-soak"
    var build = BuildMode.current
    var date = Date()
    var seconds: Int
    var seed: UInt64
    var serverSettings: String
    var runTimeoutMilliseconds: Double
    var pauseMilliseconds: Double
    var childrenDieWithBenchmark: Bool
    /// Supervisor -> what it hosts.
    var supervisors: [String: String]
    var runs: Runs
    var latency: Latency
    /// The longest time between two successful runs.
    var longestOutageMilliseconds: Double
    var longestOutage: FailoverBenchmarkSoakAnalysis.Outage?
    var outagesOver3Seconds: [FailoverBenchmarkSoakAnalysis.Outage]
    var killsDone: Int
    var restartsDone: Int
    var killsSkipped: Int
    var kills: [FailoverBenchmarkSoak.Kill]
    var moves: FailoverBenchmarkSoakAnalysis.Moves
    var falseFailovers: Int
    /// Devices declared dead that were not killed.
    var falseDeaths: [String]
    /// Devices damped for flapping during the soak (`device.damped` events).
    var damping: [String]
    var final: FailoverBenchmarkSoakCheck.Final
    /// Anything that went wrong, one sentence each.
    var problems: [String]
    /// The server's last 200 events, when there is a problem.
    var evidence: [String]?
}
