import Foundation
import TideModel

extension TideClient {
    /// The replicas that share the server's datastore and which one leads.
    public func cluster() async throws(ClientError) -> ClusterStatus {
        try await send(.GET, "/api/v1/cluster", as: ClusterStatus.self)
    }
}
