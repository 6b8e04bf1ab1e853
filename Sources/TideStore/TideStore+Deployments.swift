import GRDB
import TideModel

extension TideStore {
    /// Every stored deployment, by name.
    public func deployments() throws(StoreError) -> [Deployment] {
        let records = try read("loading deployments") { db in
            try DeploymentRecord.order(Column("name")).fetchAll(db)
        }
        var result: [Deployment] = []
        for record in records { result.append(try record.deployment()) }
        return result
    }

    /// Writes the deployment and its events in one transaction: nothing is acted on before it is
    /// committed.
    @discardableResult
    public func save(_ deployment: Deployment, events: [NewFleetEvent]) throws(StoreError) -> [FleetEvent] {
        try write("saving deployment \(deployment.name)") { db in
            try DeploymentRecord(deployment).save(db)
            return try events.map { try Self.insert($0, in: db) }
        }
    }

    /// Deletes the deployment with `event`; nil when there was none.
    @discardableResult
    public func deleteDeployment(_ name: String, event: NewFleetEvent) throws(StoreError) -> FleetEvent? {
        try write("deleting deployment \(name)") { db in
            guard try DeploymentRecord.deleteOne(db, key: name) else { return nil }
            try db.execute(sql: "DELETE FROM state_checkpoint WHERE deployment = ?", arguments: [name])
            return try Self.insert(event, in: db)
        }
    }
}
