import Foundation
import TideModel

/// What `tide-bench ha` prints: every trial, their percentiles against the goals, the API
/// throughput with one and with all replicas, and the settings.
struct HighAvailabilityReport: Encodable {
    struct LeaderTrial: Encodable {
        var trial: Int
        var killed: String
        var newLeader: String
        var termBefore: Int64
        var termAfter: Int64
        /// SIGKILL to the new leader's `reconcilingSince` (both wall clocks of this machine).
        var reconcilingMilliseconds: Double
        /// SIGKILL to the poll that first saw it (20 ms polls: an upper bound).
        var observedMilliseconds: Double
    }

    struct CrashTrial: Encodable {
        var trial: Int
        var replicaDown: String
        var leader: String
        var crashed: DeviceID
        /// Whether the replica that was down had been watching the crashed device (rendezvous
        /// hashing over the three): the others had to learn of its death first.
        var watchedByReplicaDown: Bool
        var movedTo: DeviceID
        /// Device crash to the deployment active with the step running on another device that holds the node.
        var milliseconds: Double
        /// Device crash to its `device.status_changed` event to dead, and to the step's `deployment.step_moved` event.
        var deadMilliseconds: Double?
        var movedMilliseconds: Double?
    }

    struct Figures: Encodable {
        var trials: Int
        var p50Milliseconds: Double
        var p99Milliseconds: Double
        var maxMilliseconds: Double
        var goalP99Milliseconds: Double
        /// p99 over the goal: at most 1 meets it.
        var p99OverGoal: Double
        var goalMet: Bool

        init(_ values: [Double], goal: Double) {
            let sorted = values.sorted()
            trials = sorted.count
            p50Milliseconds = Percentile.of(sorted, 0.5)
            p99Milliseconds = Percentile.of(sorted, 0.99)
            maxMilliseconds = sorted.last ?? 0
            goalP99Milliseconds = goal
            p99OverGoal = p99Milliseconds / goal
            goalMet = !sorted.isEmpty && p99Milliseconds <= goal
        }
    }

    struct Postgres: Encodable {
        var commitsPerSecond: Double
        var rollbacksPerSecond: Double
        var tuplesFetchedPerSecond: Double
        var tuplesReturnedPerSecond: Double
        var tuplesWrittenPerSecond: Double
        var blocksHitPerSecond: Double
        var blocksReadPerSecond: Double
        var connectionsMax: Int
        var connectionsMean: Double

        /// The deltas between two readings `seconds` apart; `connections`: open connections sampled meanwhile.
        init(from before: HighAvailabilityDatabase.Counters, to after: HighAvailabilityDatabase.Counters, seconds: Double, connections: [Int]) {
            func rate(_ value: Int64) -> Double { Double(value) / seconds }
            commitsPerSecond = rate(after.commits - before.commits)
            rollbacksPerSecond = rate(after.rollbacks - before.rollbacks)
            tuplesFetchedPerSecond = rate(after.tuplesFetched - before.tuplesFetched)
            tuplesReturnedPerSecond = rate(after.tuplesReturned - before.tuplesReturned)
            tuplesWrittenPerSecond = rate(after.tuplesWritten - before.tuplesWritten)
            blocksHitPerSecond = rate(after.blocksHit - before.blocksHit)
            blocksReadPerSecond = rate(after.blocksRead - before.blocksRead)
            connectionsMax = connections.max() ?? after.connections
            connectionsMean = connections.isEmpty ? Double(after.connections) : Double(connections.reduce(0, +)) / Double(connections.count)
        }
    }

    /// The fleet heartbeating with nothing failing: what the replicas absorb, and whether any
    /// device looked silent (a status change here is a false suspicion).
    struct Steady: Encodable {
        var seconds: Double
        var heartbeatsPerSecond: Double
        /// Heartbeats sent over those an interval per device would have sent.
        var heartbeatsOfExpected: Double
        var heartbeatsFailed: Int
        var heartbeatMeanMilliseconds: Double
        /// Events written meanwhile, by kind.
        var events: [String: Int]
        /// CPU of the three replicas, summed, over the wall time.
        var replicaCPUCores: Double
        var postgres: Postgres
    }

    struct Throughput: Encodable {
        var route: String
        var replicas: Int
        var concurrency: Int
        var seconds: Double
        var requests: Int
        var failed: Int
        /// Failed requests by the status answered or the error.
        var failures: [String: Int]
        var requestsPerSecond: Double
        var megabytesPerSecond: Double
        var latencyP50Milliseconds: Double
        var latencyP99Milliseconds: Double
        /// CPU of the replicas serving, summed, over the wall time.
        var replicaCPUCores: Double
        var postgres: Postgres
    }

    struct Heartbeats: Encodable {
        var intervalSeconds: Double
        var sent: Int
        var failed: Int
        /// After two failed heartbeats in a row.
        var movesToAnotherReplica: Int
        /// To the replica an answer named as the device's watcher.
        var movesToWatcher: Int
        var meanMilliseconds: Double
        var failures: [String: Int]
        /// Heartbeats sent over those an interval per device would have sent while they ran.
        var ofExpected: Double
    }

    var build: String
    var devices: Int
    var replicas: Int
    var leaseTTLSeconds: Double
    var serverSettings: String
    /// The simulated devices kept connections open (`--devices-keep-alive`).
    var devicesKeepAlive: Bool
    var registrationSeconds: Double
    var steady: Steady
    var leaderFailover: Figures
    var leaderFailoverObserved: Figures
    var deviceCrashWhileReplicaDown: Figures?
    /// The crash trials whose device the replica that was down had been watching, and the others.
    var deviceCrashWatchedByReplicaDown: Figures?
    var deviceCrashWatchedByALiveReplica: Figures?
    var throughput: [Throughput]
    /// Requests per second with all replicas over those with one, per route.
    var throughputScaling: [String: Double]
    var heartbeats: Heartbeats
    var leaderTrials: [LeaderTrial]
    var crashTrials: [CrashTrial]
    var goals: [String: Bool]
}
