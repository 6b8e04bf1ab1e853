import Foundation
import GRDB

/// The last snapshot of a stateful step's instance (a row of `state_checkpoint`): the file the
/// supervisor gave (TIDESNAP), named by its digest, with the module and the deployment generation
/// it was taken from. One per step: a newer one replaces it.
public struct StateCheckpoint: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "state_checkpoint"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var deployment: String
    public var step: String
    public var generation: Int64
    /// `sha256:<hex>` of the module the instance ran.
    public var moduleDigest: String
    /// `sha256:<hex>` of the file (its trailing digest).
    public var digest: String
    public var takenAt: Date
    public var size: Int64
    public var bytes: Data

    public init(
        deployment: String, step: String, generation: Int64, moduleDigest: String, digest: String, takenAt: Date, bytes: Data
    ) {
        self.deployment = deployment
        self.step = step
        self.generation = generation
        self.moduleDigest = moduleDigest
        self.digest = digest
        self.takenAt = takenAt
        self.size = Int64(bytes.count)
        self.bytes = bytes
    }
}
