import Foundation

/// What `tide-bench deploy` prints.
struct DeployBenchmarkReport: Encodable {
    var benchmark = "deploy"
    var build = BuildMode.current
    var transport: String
    var devices: Int
    /// `none`: every node downloaded its module; `device`: each device cached blobs by digest (as a
    /// Tide supervisor does, so later trials download nothing); `process`: one cache for all devices.
    var blobCache: String
    var downloadsCached: Bool
    /// The server process's CPU per one-manifest trial (push, downloads served, acknowledgements, removal).
    var serverCPUSecondsPerManifestTrial: Double
    var serverSettings: String
    var registrationSeconds: Double
    var manifestBytes: Int
    /// `POST /api/v1/plan` with the same manifest: parse, resolve, solve and encode, nothing stored or pushed.
    var planDryRun: Timing
    var oneManifest: Variant<ManifestTrial>
    var concurrentSingleSteps: Variant<ConcurrentTrial>?
    /// A rolling update across the fleet, 10% at a time, and one aborted and reverted (`--rollout-trials`).
    var rollout: [DeployBenchmarkRollout.Trial]?
    /// The server's dominant operations priced in the benchmark process (`--no-costs` skips this).
    var costs: DeployBenchmarkCosts?
    var goalMilliseconds: Double
    var goals: [String: Bool]

    struct Timing: Encodable {
        var milliseconds: Double
        var responseBytes: Int
    }

    struct Variant<Trial: Encodable>: Encodable {
        var description: String
        var trials: [Trial]
        var wallP50Milliseconds: Double
        var wallMinMilliseconds: Double
        var wallMaxMilliseconds: Double
        var serverP50Milliseconds: Double
    }

    /// Where the time of one deploy went, from the benchmark's clock, the server's events and the
    /// simulated devices' clock (one machine, one wall clock; events have millisecond precision).
    struct Phases: Encodable {
        /// Request sent -> `deployment.applied`: upload, YAML parse, package resolution, placement, first store write.
        var untilAppliedMilliseconds: Double
        /// `deployment.applied` -> first node at a device: node building and encoding, store write.
        var appliedToFirstNodeMilliseconds: Double
        /// First node at a device -> last device acknowledged: the fan-out, downloads included.
        var firstNodeToLastAckMilliseconds: Double
        /// Last acknowledgement -> `deployment.status` active: outcomes, step events, store writes.
        var lastAckToActiveMilliseconds: Double
        /// `deployment.status` active -> last response byte: encoding and sending the Deployment.
        var activeToResponseMilliseconds: Double
    }

    struct ManifestTrial: Encodable {
        var deployment: String
        var wallMilliseconds: Double
        /// `deployment.applied` -> `deployment.status` active, from the server's events.
        var serverMilliseconds: Double
        var phases: Phases
        var responseBytes: Int
        var downloads: Int
        var downloadedBytes: Int
        var cacheHits: Int
        /// `DELETE /api/v1/deployments/<name>` afterwards (every device gets `DELETE /deploy/<name>`).
        var removeMilliseconds: Double
    }

    struct ConcurrentTrial: Encodable {
        var deployments: Int
        var wallMilliseconds: Double
        /// First `deployment.applied` -> last `deployment.status` active.
        var serverMilliseconds: Double
        var requestP50Milliseconds: Double
        var requestP99Milliseconds: Double
        var downloads: Int
        var cacheHits: Int
        /// `deployment.status` events beyond the one that made each deployment active (e.g. degraded and back).
        var laterStatusChanges: Int
        var removeAllMilliseconds: Double
    }
}

extension Date {
    /// Milliseconds from `earlier` to this date.
    func millisecondsSince(_ earlier: Date) -> Double { timeIntervalSince(earlier) * 1000 }
}

extension DeployBenchmarkReport {
    /// `--tls`: the same benchmark over plain HTTP and over TLS, in one invocation.
    struct TLSComparison: Encodable {
        var benchmark = "deploy-tls"
        var plain: DeployBenchmarkReport
        var mutualTLS: DeployBenchmarkReport
        var serverCPURatio: Double
        var oneManifestWallRatio: Double
        var goals: [String: Bool]

        init(plain: DeployBenchmarkReport, mutualTLS: DeployBenchmarkReport) {
            self.plain = plain
            self.mutualTLS = mutualTLS
            serverCPURatio = plain.serverCPUSecondsPerManifestTrial > 0
                ? mutualTLS.serverCPUSecondsPerManifestTrial / plain.serverCPUSecondsPerManifestTrial : 0
            oneManifestWallRatio = plain.oneManifest.wallP50Milliseconds > 0
                ? mutualTLS.oneManifest.wallP50Milliseconds / plain.oneManifest.wallP50Milliseconds : 0
            goals = ["serverCPUUnder2xPlain": serverCPURatio < 2]
        }
    }
}
