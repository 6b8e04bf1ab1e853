import Foundation
import Hummingbird
import TideHTTP
import TideModel
import TideStore

/// `/readyz` (public): 200 when this replica serves, 503 while it cannot reach the datastore or
/// has not yet joined the cluster; `/api/v1/cluster` (viewer): the replicas and which one leads.
/// `/healthz` (public, in `PlainDeviceListener`) says only that the process answers.
struct ClusterRoutes {
    let cluster: ClusterState
    let datastore: Datastore

    func addReadiness(to router: Router<TideRequestContext>) {
        router.get("readyz") { _, _ in
            let readiness = readiness()
            return try Response.json(readiness, status: readiness.ready ? .ok : .serviceUnavailable)
        }
    }

    func addStatus(to group: RouterGroup<TideRequestContext>) {
        group.get("cluster") { _, _ in try Response.json(status()) }
    }

    func readiness() -> Readiness {
        let snapshot = cluster.snapshot
        let reason: String? =
            if !snapshot.settled {
                "this replica has not yet joined the cluster"
            } else if let error = snapshot.lastError {
                "this replica cannot reach the datastore: \(error)"
            } else {
                nil
            }
        return Readiness(
            ready: reason == nil, replica: cluster.replica.description, leading: cluster.mayLead(),
            leader: snapshot.leader?.description, reason: reason)
    }

    func status() -> ClusterStatus {
        let snapshot = cluster.snapshot
        let replicas: [ClusterStatus.Replica] =
            cluster.shared
            ? snapshot.live.map { info in
                ClusterStatus.Replica(
                    id: info.id.description, url: info.url, started: info.started, lastSeen: info.lastSeen,
                    leader: info.id == snapshot.leader, this: info.id == cluster.replica)
            }.sorted { $0.id < $1.id }
            : [ClusterStatus.Replica(id: cluster.replica.description, url: cluster.url, started: nil, lastSeen: nil, leader: true, this: true)]
        return ClusterStatus(
            datastore: datastore.description, replica: cluster.replica.description, leading: cluster.mayLead(),
            leader: snapshot.leader?.description, term: snapshot.term, leaseExpires: snapshot.leaseExpires,
            reconcilingSince: snapshot.reconcilingSince, replicas: replicas, problem: snapshot.lastError)
    }
}
