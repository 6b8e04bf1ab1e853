import Foundation
import PostgresNIO
import TideModel
import TideStore

// MARK: Deployments

extension PostgresFleetStore {
    public func deployments() async throws(StoreError) -> [Deployment] {
        let records = try await read("loading deployments") { connection in
            try await rows(
                "SELECT name, generation, status, record, updated_at FROM deployment ORDER BY name COLLATE \"C\"", on: connection
            ).map { row in
                let (name, generation, status, record, updatedAt) = try row.decode((String, Int64, String, String, Date).self)
                return DeploymentRecord(
                    name: name, generation: generation, status: status, record: record, updatedAt: StoredTime.read(updatedAt))
            }
        }
        var result: [Deployment] = []
        for record in records { result.append(try record.deployment()) }
        return result
    }

    @discardableResult
    public func save(_ deployment: Deployment, events: [NewFleetEvent]) async throws(StoreError) -> [FleetEvent] {
        let record = try Self.record(of: deployment)
        return try await write("saving deployment \(deployment.name)") { connection in
            try await save(record, events: events, on: connection)
        }
    }

    @discardableResult
    public func deleteDeployment(_ name: String, event: NewFleetEvent) async throws(StoreError) -> FleetEvent? {
        try await write("deleting deployment \(name)") { connection in
            try await deleteDeployment(name, event: event, on: connection)
        }
    }

    static func record(of deployment: Deployment) throws(StoreError) -> DeploymentRecord {
        do {
            return try DeploymentRecord(deployment)
        } catch {
            throw .corrupt("deployment \(deployment.name) cannot be encoded: \(error)")
        }
    }

    /// Writes the deployment's row and its events inside the caller's transaction.
    func save(_ record: DeploymentRecord, events: [NewFleetEvent], on connection: PostgresConnection) async throws -> [FleetEvent] {
        try await run(
            """
            INSERT INTO deployment (name, generation, status, record, updated_at)
            VALUES (\(record.name), \(record.generation), \(record.status), \(record.record), \(StoredTime.written(record.updatedAt)))
            ON CONFLICT (name) DO UPDATE SET generation = EXCLUDED.generation, status = EXCLUDED.status,
                record = EXCLUDED.record, updated_at = EXCLUDED.updated_at
            """, on: connection)
        var written: [FleetEvent] = []
        for event in events { written.append(try await insert(event, on: connection)) }
        return written
    }

    /// Deletes the deployment's row with `event` inside the caller's transaction; nil when there was none.
    func deleteDeployment(_ name: String, event: NewFleetEvent, on connection: PostgresConnection) async throws -> FleetEvent? {
        let deleted = try await rows("DELETE FROM deployment WHERE name = \(name) RETURNING name", on: connection)
        guard !deleted.isEmpty else { return nil }
        try await run("DELETE FROM state_checkpoint WHERE deployment = \(name)", on: connection)
        return try await insert(event, on: connection)
    }
}
