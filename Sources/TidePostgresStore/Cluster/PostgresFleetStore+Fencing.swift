import Foundation
import PostgresNIO
import TideModel
import TideStore

/// Leader-only writes. Each checks the fence in its own transaction, holding the lease row
/// `FOR SHARE` until it commits: a replica taking over waits for the write to commit, so every
/// write of term N commits before term N+1 begins, and a write of an older term is refused.
extension PostgresFleetStore: FencedDeploymentStore {
    @discardableResult
    public func saveFenced(_ deployment: Deployment, events: [NewFleetEvent], fence: LeaseFence) async throws(StoreError) -> [FleetEvent] {
        let record = try Self.record(of: deployment)
        return try await write("saving deployment \(deployment.name) as \(fence)") { connection in
            try await check(fence, on: connection)
            return try await save(record, events: events, on: connection)
        }
    }

    @discardableResult
    public func deleteDeploymentFenced(_ name: String, event: NewFleetEvent, fence: LeaseFence) async throws(StoreError) -> FleetEvent? {
        try await write("deleting deployment \(name) as \(fence)") { connection in
            try await check(fence, on: connection)
            return try await deleteDeployment(name, event: event, on: connection)
        }
    }

    /// Throws `.fenced` unless `fence` names the live holder of the lease and its term.
    func check(_ fence: LeaseFence, on connection: PostgresConnection) async throws {
        let found = try await rows(
            "SELECT holder, term, expires_at, expires_at > clock_timestamp() FROM tide_lease WHERE name = \(PostgresLease.row) FOR SHARE",
            on: connection)
        guard let first = found.first else { throw StoreError.corrupt("the leader lease row is missing from tide_lease") }
        let lease = try Self.leaseRow(first)
        if lease.live && lease.holder == fence.replica.rawValue && lease.term == fence.term { return }
        let now =
            if lease.live, let holder = lease.holder {
                "now term \(lease.term) held by \(holder)"
            } else {
                "now term \(lease.term), held by nobody: the lease expired or was released"
            }
        throw StoreError.fenced("replica \(fence.replica) no longer leads (term \(fence.term), \(now)): write refused")
    }
}
