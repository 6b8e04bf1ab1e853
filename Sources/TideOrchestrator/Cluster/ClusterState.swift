import Foundation
import Synchronization
import TideModel
import TideStore

/// This replica's place among the replicas that share the store: whether it leads (holds the
/// lease, and until when by the local monotonic clock), who else is alive, and so which devices
/// it watches. With SQLite there is one replica and it always leads.
public final class ClusterState: Sendable {
    public let replica: ReplicaID
    /// Several replicas may share the store (PostgreSQL): leadership comes from the lease and
    /// deployment writes go through its fence.
    let shared: Bool
    private let fenced: (any FencedDeploymentStore)?
    private let state: Mutex<Snapshot>

    struct Snapshot: Sendable {
        var leading: Bool
        var deadline: ContinuousClock.Instant?
        var term: Int64
        var leader: ReplicaID?
        var leaseExpires: Date?
        var live: [ReplicaInfo] = []
        var liveIDs: [ReplicaID] = []
        /// Counts the changes of `liveIDs`.
        var liveGeneration: UInt64 = 0
        /// The coordination loop has run once (or there is nothing to coordinate).
        var settled: Bool
        var lastError: String?
        /// Where other replicas and clients reach this one (its public URL), once known.
        var url: String = ""
        /// When this replica, leading, finished its first pass over every deployment (its
        /// reconciliation runs from then on); nil while it does not lead.
        var reconcilingSince: Date?
    }

    /// One replica alone on its store: it leads and watches every device.
    static func single(replica: ReplicaID) -> ClusterState {
        ClusterState(
            replica: replica, shared: false, fenced: nil,
            snapshot: Snapshot(leading: true, deadline: nil, term: 1, leader: replica, settled: true))
    }

    /// One of several replicas: nothing is led or watched until the lease keeper has run.
    static func shared(replica: ReplicaID, fenced: any FencedDeploymentStore) -> ClusterState {
        ClusterState(
            replica: replica, shared: true, fenced: fenced,
            snapshot: Snapshot(leading: false, deadline: nil, term: 0, leader: nil, settled: false))
    }

    private init(replica: ReplicaID, shared: Bool, fenced: (any FencedDeploymentStore)?, snapshot: Snapshot) {
        self.replica = replica
        self.shared = shared
        self.fenced = fenced
        state = Mutex(snapshot)
    }

    /// True while this replica holds the lease by its own clock (which runs out before the
    /// store's): only then may it push to devices or write deployments.
    func mayLead() -> Bool {
        state.withLock { snapshot in
            guard snapshot.leading else { return false }
            guard let deadline = snapshot.deadline else { return true }
            return ContinuousClock.now < deadline
        }
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    var url: String { state.withLock { $0.url } }

    /// Set once the server knows its public URL.
    func setURL(_ url: String) { state.withLock { $0.url = url } }

    /// The device is this replica's to probe and to find silent.
    func watches(_ id: DeviceID) -> Bool {
        guard shared else { return true }
        return state.withLock { Rendezvous.owner(of: id.rawValue, among: $0.liveIDs) } == replica
    }

    /// Where the replica that watches the device is reached (its public URL); nil with one
    /// replica, and while the live replicas are not known yet.
    func watcherURL(of id: DeviceID) -> String? {
        guard shared else { return nil }
        return state.withLock { snapshot in
            guard let owner = Rendezvous.owner(of: id.rawValue, among: snapshot.liveIDs) else { return nil }
            let url = snapshot.live.first { $0.id == owner }?.url ?? ""
            return url.isEmpty ? nil : url
        }
    }

    /// The devices this replica watches; every replica writes the heartbeats it received every `flushInterval`.
    func watchedDevices(flushInterval: Duration) -> WatchedDevices {
        guard shared else { return .all }
        let read = Duration.milliseconds(250)
        return WatchedDevices(
            watches: { [self] id in watches(id) }, sharesHeartbeats: true, sharedReadInterval: read, sharedLag: read + flushInterval,
            generation: { [self] in state.withLock { $0.liveGeneration } })
    }

    /// What the lease keeper learnt in one round.
    func update(lease: LeaseState, live: [ReplicaInfo]) {
        state.withLock { snapshot in
            if !lease.isMine { snapshot.reconcilingSince = nil }
            snapshot.leading = lease.isMine
            snapshot.deadline = lease.isMine ? lease.localDeadline : nil
            snapshot.term = lease.term
            snapshot.leader = lease.holder
            snapshot.leaseExpires = lease.expiresAt
            let ids = live.map(\.id).sorted()
            if ids != snapshot.liveIDs { snapshot.liveGeneration &+= 1 }
            snapshot.live = live
            snapshot.liveIDs = ids
            snapshot.settled = true
            snapshot.lastError = nil
        }
    }

    /// A round failed (the store is unreachable): leadership runs out at its deadline by itself;
    /// the live set stays as last seen.
    func failed(_ message: String) {
        state.withLock { $0.lastError = message }
    }

    /// The reconciler of this replica, which leads, has passed over every deployment once.
    func reconciling(since time: Date) { state.withLock { $0.reconcilingSince = time } }

    /// Stops leading at once (a clean stop hands the lease on).
    func resign() {
        state.withLock { snapshot in
            snapshot.leading = false
            snapshot.deadline = nil
            snapshot.reconcilingSince = nil
        }
    }

    // MARK: Deployment writes

    func save(_ deployment: Deployment, events: [NewFleetEvent], in store: any FleetStore) async throws(StoreError) -> [FleetEvent] {
        guard let fenced else { return try await store.save(deployment, events: events) }
        return try await fenced.saveFenced(deployment, events: events, fence: try fence())
    }

    func deleteDeployment(_ name: String, in store: any FleetStore, event: NewFleetEvent) async throws(StoreError) -> FleetEvent? {
        guard let fenced else { return try await store.deleteDeployment(name, event: event) }
        return try await fenced.deleteDeploymentFenced(name, event: event, fence: try fence())
    }

    private func fence() throws(StoreError) -> LeaseFence {
        let (leading, term) = state.withLock { ($0.leading, $0.term) }
        guard leading, mayLead() else {
            throw .fenced("replica \(replica) does not lead (term \(term)): deployment write refused")
        }
        return LeaseFence(replica: replica, term: term)
    }
}
