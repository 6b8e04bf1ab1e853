import TideModel

/// A SQLite store has one replica, the leader for good (`SingleReplicaCoordinator`): the fenced
/// writes are the plain ones, and no fence is ever refused.
extension TideStore: FencedDeploymentStore {
    @discardableResult
    public func saveFenced(_ deployment: Deployment, events: [NewFleetEvent], fence: LeaseFence) throws(StoreError) -> [FleetEvent] {
        try save(deployment, events: events)
    }

    @discardableResult
    public func deleteDeploymentFenced(_ name: String, event: NewFleetEvent, fence: LeaseFence) throws(StoreError) -> FleetEvent? {
        try deleteDeployment(name, event: event)
    }
}
