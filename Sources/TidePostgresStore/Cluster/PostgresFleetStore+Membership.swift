import Foundation
import PostgresNIO
import TideStore

extension PostgresFleetStore: ClusterCoordinator {
    /// Replicas silent this long are deleted by the next heartbeat of any replica.
    static let forgottenAfter: Duration = .seconds(86_400)
    /// The most replicas `liveReplicas` returns.
    static let maxReplicas = 1_000

    public func heartbeat(_ replica: ReplicaInfo) async throws(StoreError) {
        let operation = "recording the heartbeat of replica \(replica.id)"
        guard replica.url.utf8.count <= ReplicaInfo.maxURLLength else {
            throw .failed(operation: operation, reason: "the advertised URL is longer than \(ReplicaInfo.maxURLLength) bytes")
        }
        let forgotten = PostgresLease.seconds(Self.forgottenAfter)
        // Whether the lock is held is read from pg_locks, not from the presence connection, which
        // learns of a silent network only at its next ping.
        let claimed = presence.claim(replica.id)
        try await write(operation) { connection in
            try await run(
                """
                WITH \(unescaped: ReplicaPresence.heldLocks)
                INSERT INTO tide_replica (id, url, started_at, last_seen, presence)
                VALUES (\(replica.id.rawValue), \(replica.url), \(StoredTime.written(replica.started)), clock_timestamp(),
                    \(claimed) AND EXISTS (SELECT 1 FROM presence WHERE objid = (hashtext(\(replica.id.rawValue)) & 2147483647)::int8::oid))
                ON CONFLICT (id) DO UPDATE
                SET url = EXCLUDED.url, started_at = EXCLUDED.started_at, last_seen = EXCLUDED.last_seen, presence = EXCLUDED.presence
                """, on: connection)
            try await run(
                "DELETE FROM tide_replica WHERE last_seen < clock_timestamp() - \(forgotten)::float8 * interval '1 second'",
                on: connection)
        }
    }

    /// Live: heard of within `ttl` and, for a replica that recorded it holds its presence lock
    /// (`ReplicaPresence`), still holding it. The locks count only while this store's own replica
    /// holds its lock too: after PostgreSQL restarts, every lock is gone until each replica's
    /// presence connection is back, and the heartbeats alone decide.
    public func liveReplicas(within ttl: Duration) async throws(StoreError) -> [ReplicaInfo] {
        let operation = "listing live replicas"
        let seconds = PostgresLease.seconds(try Self.checked(ttl: ttl, operation: operation))
        let observer = presence.replica?.rawValue ?? ""
        let found = try await read(operation) { connection in
            try await rows(
                """
                WITH \(unescaped: ReplicaPresence.heldLocks)
                SELECT id, url, started_at, last_seen FROM tide_replica r
                WHERE last_seen > clock_timestamp() - \(seconds)::float8 * interval '1 second'
                AND (NOT r.presence
                    OR EXISTS (SELECT 1 FROM presence WHERE objid = (hashtext(r.id) & 2147483647)::int8::oid)
                    OR NOT EXISTS (SELECT 1 FROM presence WHERE objid = (hashtext(\(observer)) & 2147483647)::int8::oid))
                ORDER BY id COLLATE "C" LIMIT \(Self.maxReplicas)
                """, on: connection
            ).map { try $0.decode((String, String, Date, Date).self) }
        }
        var replicas: [ReplicaInfo] = []
        for (id, url, started, lastSeen) in found {
            do {
                replicas.append(
                    ReplicaInfo(id: try ReplicaID(id), url: url, started: StoredTime.read(started), lastSeen: StoredTime.read(lastSeen)))
            } catch {
                throw .corrupt("tide_replica holds an invalid replica id: \(error)")
            }
        }
        return replicas
    }

    public func leaveCluster(_ replica: ReplicaID) async throws(StoreError) {
        try await write("removing replica \(replica) from the cluster") { connection in
            try await run("DELETE FROM tide_replica WHERE id = \(replica.rawValue)", on: connection)
        }
    }
}
