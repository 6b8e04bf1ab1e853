import Foundation
import GRDB
import TideModel

/// A deployment row: the whole `Deployment` as JSON, with the columns worth querying beside it.
package struct DeploymentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "deployment"
    package static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    package static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    package var name: String
    package var generation: Int64
    package var status: String
    package var record: String
    package var updatedAt: Date

    package init(_ deployment: Deployment) throws {
        name = deployment.name
        generation = deployment.generation
        status = deployment.status.rawValue
        record = String(decoding: try TideJSON.encoder().encode(deployment), as: UTF8.self)
        updatedAt = deployment.updatedAt
    }

    package func deployment() throws(StoreError) -> Deployment {
        do {
            return try TideJSON.decoder().decode(Deployment.self, from: Data(record.utf8))
        } catch {
            throw .corrupt("deployment \(name) cannot be read: \(error)")
        }
    }
}

extension DeploymentRecord {
    /// A row read by another backend; `record` is the deployment's JSON as stored.
    package init(name: String, generation: Int64, status: String, record: String, updatedAt: Date) {
        self.name = name
        self.generation = generation
        self.status = status
        self.record = record
        self.updatedAt = updatedAt
    }
}
