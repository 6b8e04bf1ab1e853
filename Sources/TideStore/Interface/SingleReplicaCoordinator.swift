import Foundation

/// The coordinator of a server alone on its database (SQLite): it always leads, in term 1, and is
/// the only live replica. Nothing is written to the database. Another replica id is refused: a
/// SQLite datastore cannot be shared.
public actor SingleReplicaCoordinator: ClusterCoordinator {
    public nonisolated let replica: ReplicaID
    private var info: ReplicaInfo

    public static let term: Int64 = 1

    public init(replica: ReplicaInfo) {
        self.replica = replica.id
        info = replica
    }

    public func heartbeat(_ replica: ReplicaInfo) throws(StoreError) {
        try checkIsSelf(replica.id, operation: "recording a replica heartbeat")
        guard replica.url.utf8.count <= ReplicaInfo.maxURLLength else {
            throw .failed(
                operation: "recording a replica heartbeat",
                reason: "the advertised URL is longer than \(ReplicaInfo.maxURLLength) bytes")
        }
        info = replica
        info.lastSeen = Date()
    }

    public func liveReplicas(within ttl: Duration) throws(StoreError) -> [ReplicaInfo] {
        _ = try Self.checked(ttl: ttl, operation: "listing live replicas")
        var now = info
        now.lastSeen = Date()
        return [now]
    }

    public func acquireOrRenewLease(for replica: ReplicaID, ttl: Duration) throws(StoreError) -> LeaseState {
        _ = try Self.checked(ttl: ttl, operation: "taking the leader lease")
        let mine = replica == self.replica
        return LeaseState(
            holder: self.replica, term: Self.term, expiresAt: .distantFuture, isMine: mine,
            localDeadline: mine ? .now.advanced(by: .seconds(100 * 365 * 86_400)) : nil)
    }

    public func releaseLease(for replica: ReplicaID) {}

    public func currentLease() -> LeaseState? {
        LeaseState(holder: replica, term: Self.term, expiresAt: .distantFuture, isMine: false, localDeadline: nil)
    }

    public func leaveCluster(_ replica: ReplicaID) {}

    private func checkIsSelf(_ other: ReplicaID, operation: String) throws(StoreError) {
        guard other == replica else {
            throw .failed(
                operation: operation,
                reason: "replica \(other) cannot join replica \(replica): a SQLite datastore serves one replica; "
                    + "run several replicas on a PostgreSQL datastore")
        }
    }
}
