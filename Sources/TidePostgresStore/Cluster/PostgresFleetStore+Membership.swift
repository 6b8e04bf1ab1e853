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
        try await write(operation) { connection in
            try await run(
                """
                INSERT INTO tide_replica (id, url, started_at, last_seen)
                VALUES (\(replica.id.rawValue), \(replica.url), \(StoredTime.written(replica.started)), clock_timestamp())
                ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, started_at = EXCLUDED.started_at, last_seen = EXCLUDED.last_seen
                """, on: connection)
            try await run(
                "DELETE FROM tide_replica WHERE last_seen < clock_timestamp() - \(forgotten)::float8 * interval '1 second'",
                on: connection)
        }
    }

    public func liveReplicas(within ttl: Duration) async throws(StoreError) -> [ReplicaInfo] {
        let operation = "listing live replicas"
        let seconds = PostgresLease.seconds(try Self.checked(ttl: ttl, operation: operation))
        let found = try await read(operation) { connection in
            try await rows(
                """
                SELECT id, url, started_at, last_seen FROM tide_replica
                WHERE last_seen > clock_timestamp() - \(seconds)::float8 * interval '1 second'
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
