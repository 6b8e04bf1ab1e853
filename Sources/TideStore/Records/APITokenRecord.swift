import Foundation
import GRDB
import TideModel

/// A row of `api_token`: an operator token by the SHA-256 of its secret (the secret is not kept).
public struct APITokenRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "api_token"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var name: String
    public var role: String
    /// Lowercase hex SHA-256 of the secret.
    public var secretHash: String
    public var createdAt: Date
    public var createdBy: String?
    public var bootstrap: Bool

    public init(_ token: APIToken, secretHash: String) {
        id = token.id
        name = token.name
        role = token.role.rawValue
        self.secretHash = secretHash
        createdAt = token.createdAt
        createdBy = token.createdBy
        bootstrap = token.bootstrap
    }

    public func token() throws(StoreError) -> APIToken {
        guard let role = OperatorRole(rawValue: role) else { throw .corrupt("token \(id) has unknown role \"\(role)\"") }
        return APIToken(id: id, name: name, role: role, createdAt: createdAt, createdBy: createdBy, bootstrap: bootstrap)
    }
}

extension APITokenRecord {
    /// A row read by another backend, column by column.
    package init(id: String, name: String, role: String, secretHash: String, createdAt: Date, createdBy: String?, bootstrap: Bool) {
        self.id = id
        self.name = name
        self.role = role
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.bootstrap = bootstrap
    }
}
