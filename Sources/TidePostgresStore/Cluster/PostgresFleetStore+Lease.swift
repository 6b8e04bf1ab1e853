import Foundation
import PostgresNIO
import TideStore

/// The leader lease: one row of `tide_lease`, taken, renewed and checked by the database's clock.
enum PostgresLease {
    static let row = "leader"

    /// The lease row as read: `live` is whether it had not expired by the database's clock.
    struct Row: Sendable {
        var holder: String?
        var term: Int64
        var expiresAt: Date
        var live: Bool

        func state(for replica: ReplicaID?, localDeadline: ContinuousClock.Instant?) throws(StoreError) -> LeaseState {
            let current: ReplicaID?
            do {
                current = try live ? holder.map(ReplicaID.init) : nil
            } catch {
                throw .corrupt("the leader lease names an invalid replica: \(error)")
            }
            let mine = replica != nil && current == replica
            return LeaseState(
                holder: current, term: term, expiresAt: StoredTime.read(expiresAt), isMine: mine, localDeadline: mine ? localDeadline : nil)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

extension PostgresFleetStore {
    /// One statement takes or renews the lease: it is taken when free or expired (the term goes
    /// up) and renewed when `replica` holds it (same term); the row stays locked to the end of the
    /// transaction, so the read that follows a refusal sees who holds it.
    public func acquireOrRenewLease(for replica: ReplicaID, ttl: Duration) async throws(StoreError) -> LeaseState {
        let operation = "taking the leader lease for replica \(replica)"
        let seconds = PostgresLease.seconds(try Self.checked(ttl: ttl, operation: operation))
        let sent = ContinuousClock.now
        let row = try await write(operation) { connection in
            let taken = try await rows(
                """
                INSERT INTO tide_lease AS lease (name, holder, term, expires_at)
                VALUES (\(PostgresLease.row), \(replica.rawValue), 1, clock_timestamp() + \(seconds)::float8 * interval '1 second')
                ON CONFLICT (name) DO UPDATE SET
                    term = CASE WHEN lease.holder = EXCLUDED.holder AND lease.expires_at > clock_timestamp()
                        THEN lease.term ELSE lease.term + 1 END,
                    holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
                WHERE lease.holder IS NULL OR lease.holder = EXCLUDED.holder OR lease.expires_at <= clock_timestamp()
                RETURNING holder, term, expires_at, true
                """, on: connection)
            if let row = taken.first { return try Self.leaseRow(row) }
            return try await currentLeaseRow(on: connection)
        }
        return try row.state(for: replica, localDeadline: LeaseState.localDeadline(sentAt: sent, ttl: ttl))
    }

    public func releaseLease(for replica: ReplicaID) async throws(StoreError) {
        try await write("releasing the leader lease of replica \(replica)") { connection in
            try await run(
                """
                UPDATE tide_lease SET holder = NULL, expires_at = clock_timestamp()
                WHERE name = \(PostgresLease.row) AND holder = \(replica.rawValue)
                """, on: connection)
        }
    }

    public func currentLease() async throws(StoreError) -> LeaseState? {
        let row = try await read("reading the leader lease") { connection in try await currentLeaseRow(on: connection) }
        if row.holder == nil && row.term == 0 { return nil }
        return try row.state(for: nil, localDeadline: nil)
    }

    func currentLeaseRow(on connection: PostgresConnection) async throws -> PostgresLease.Row {
        let found = try await rows(
            "SELECT holder, term, expires_at, expires_at > clock_timestamp() FROM tide_lease WHERE name = \(PostgresLease.row)",
            on: connection)
        guard let row = found.first else { throw StoreError.corrupt("the leader lease row is missing from tide_lease") }
        return try Self.leaseRow(row)
    }

    static func leaseRow(_ row: PostgresRow) throws -> PostgresLease.Row {
        let (holder, term, expiresAt, live) = try row.decode((String?, Int64, Date, Bool).self)
        return PostgresLease.Row(holder: holder, term: term, expiresAt: expiresAt, live: live)
    }
}
