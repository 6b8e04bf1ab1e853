import Foundation
import Logging
import ServiceLifecycle
import TideStore

/// How replicas coordinate (with `--datastore postgres://...`).
public struct ClusterSettings: Sendable, Equatable {
    /// How long a lease lasts without renewal: a leader that dies is replaced within it plus one
    /// `followerPoll`.
    public var leaseTTL: Duration = .seconds(3)
    /// Between renewals by the leader and its heartbeat as a replica.
    public var renewInterval: Duration = .seconds(1)
    /// Between attempts of a replica that does not lead to take an expired lease.
    public var followerPoll: Duration = .milliseconds(500)
    /// A replica not heard of for this long is dead: its devices are watched by the others.
    /// Shorter than the lease: a device that fails while its watcher is down must still be found
    /// within seconds.
    public var liveWindow: Duration = .milliseconds(1500)
    /// Between heartbeats of a replica (its row in `tide_replica`): three per live window.
    public var replicaHeartbeat: Duration = .milliseconds(500)
    /// Between writes of the health and last-seen this replica received, so that the replica
    /// watching a device sees its heartbeats.
    public var healthFlushInterval: Duration = .milliseconds(250)
    /// Between reads of the shared event log when no notification wakes the reader.
    public var eventPoll: Duration = .seconds(1)

    public init() {}

    /// Timing derived from one lease ttl: renewal every third of it, a follower tries every
    /// sixth (at most every half second), and a replica unheard of for the ttl (at most 1.5 s) is
    /// dead; replicas heartbeat three times per live window.
    public init(leaseTTL: Duration) {
        self.leaseTTL = leaseTTL
        renewInterval = leaseTTL / 3
        followerPoll = min(.milliseconds(500), leaseTTL / 6)
        liveWindow = min(leaseTTL, .milliseconds(1500))
        replicaHeartbeat = liveWindow / 3
    }
}

/// Keeps this replica in the cluster: records it alive, renews (or tries to take) the leader
/// lease, and learns which replicas are alive, every round. On a clean stop it gives the lease
/// up and leaves, so another replica leads at once.
struct ClusterKeeper: Service {
    /// How long a stopping replica waits to hand its lease on.
    static let leaveTimeout = Duration.seconds(2)

    let coordinator: any ClusterCoordinator
    let cluster: ClusterState
    let started: Date
    let settings: ClusterSettings
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var wasLeading = false
            var reported: String?
            var known: Set<ReplicaID>?
            // The others forward to this replica by its URL: known once the server listens.
            while cluster.url.isEmpty {
                guard (try? await Task.sleep(for: .milliseconds(20))) != nil else { return }
            }
            while !Task.isCancelled {
                let info = ReplicaInfo(id: cluster.replica, url: cluster.url, started: started, lastSeen: Date())
                do {
                    try await coordinator.heartbeat(info)
                    let lease = try await coordinator.acquireOrRenewLease(for: cluster.replica, ttl: settings.leaseTTL)
                    let live = try await coordinator.liveReplicas(within: settings.liveWindow)
                    cluster.update(lease: lease, live: live)
                    let ids = Set(live.map(\.id))
                    if let known, known != ids { reportChange(from: known, to: ids) }
                    known = ids
                    if lease.isMine != wasLeading {
                        if lease.isMine {
                            logger.notice("replica \(cluster.replica) leads (term \(lease.term)): it reconciles and deploys")
                        } else {
                            logger.notice("replica \(cluster.replica) no longer leads; \(lease.holder.map { "replica \($0)" } ?? "no replica") does (term \(lease.term))")
                        }
                        wasLeading = lease.isMine
                    }
                    if reported != nil {
                        logger.notice("the datastore answers again")
                        reported = nil
                    }
                } catch {
                    let message = "\(error)"
                    cluster.failed(message)
                    if reported != message {
                        logger.warning("cannot coordinate with the other replicas: \(error); leadership lapses when its lease runs out")
                        reported = message
                    }
                    if wasLeading, !cluster.mayLead() {
                        logger.notice("replica \(cluster.replica) no longer leads: its lease ran out unrenewed")
                        wasLeading = false
                    }
                }
                let pause = min(cluster.mayLead() ? settings.renewInterval : settings.followerPoll, settings.replicaHeartbeat)
                guard (try? await Task.sleep(for: pause)) != nil else { break }
            }
        }
        cluster.resign()
        let (leaving, replica, log) = (coordinator, cluster.replica, logger)
        let handedOn = await Deadline.run(Self.leaveTimeout) {
            do {
                try await leaving.releaseLease(for: replica)
                try await leaving.leaveCluster(replica)
                log.notice("replica \(replica) handed its lease on and left the cluster")
            } catch {
                log.warning("replica \(replica) could not hand its lease on as it stopped: \(error); another replica takes it when it expires")
            }
        }
        if !handedOn {
            logger.warning("replica \(replica) stops without handing its lease on: the datastore did not answer within \(Self.leaveTimeout); another replica takes it when it expires")
        }
    }

    /// Replicas joining and leaving, as this one sees them (its devices to watch change with them).
    private func reportChange(from before: Set<ReplicaID>, to now: Set<ReplicaID>) {
        let left = before.subtracting(now).sorted().map(\.rawValue)
        let joined = now.subtracting(before).sorted().map(\.rawValue)
        let live = now.sorted().map(\.rawValue).joined(separator: ", ")
        if !left.isEmpty {
            logger.notice("replica(s) \(left.joined(separator: ", ")) no longer live; live now: \(live)")
        }
        if !joined.isEmpty {
            logger.notice("replica(s) \(joined.joined(separator: ", ")) joined; live now: \(live)")
        }
    }
}
