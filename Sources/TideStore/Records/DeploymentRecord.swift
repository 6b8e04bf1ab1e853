import Foundation
import GRDB
import TideModel

/// A deployment row: the whole `Deployment` as JSON, with the columns worth querying beside it.
struct DeploymentRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "deployment"
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    var name: String
    var generation: Int64
    var status: String
    var record: String
    var updatedAt: Date

    init(_ deployment: Deployment) throws {
        name = deployment.name
        generation = deployment.generation
        status = deployment.status.rawValue
        record = String(decoding: try TideJSON.encoder().encode(deployment), as: UTF8.self)
        updatedAt = deployment.updatedAt
    }

    func deployment() throws(StoreError) -> Deployment {
        do {
            return try TideJSON.decoder().decode(Deployment.self, from: Data(record.utf8))
        } catch {
            throw .corrupt("deployment \(name) cannot be read: \(error)")
        }
    }
}
