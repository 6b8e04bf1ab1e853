import Foundation
import GRDB
import TideModel

/// A row of `join_token`: a device enrollment token by the SHA-256 of its secret.
public struct JoinTokenRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    public static let databaseTableName = "join_token"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    public var id: String
    public var secretHash: String
    public var createdAt: Date
    public var expiresAt: Date
    public var usesLeft: Int
    /// JSON object of labels.
    public var labels: String
    public var createdBy: String?

    public init(_ token: JoinToken, secretHash: String) throws(StoreError) {
        id = token.id
        self.secretHash = secretHash
        createdAt = token.createdAt
        expiresAt = token.expiresAt
        usesLeft = token.usesLeft
        createdBy = token.createdBy
        do {
            labels = String(decoding: try JSONEncoder().encode(token.labels), as: UTF8.self)
        } catch {
            throw .corrupt("cannot encode the labels of join token \(token.id)")
        }
    }

    public func token() throws(StoreError) -> JoinToken {
        guard let parsed = try? JSONDecoder().decode([String: String].self, from: Data(labels.utf8)) else {
            throw .corrupt("join token \(id) has unreadable labels")
        }
        return JoinToken(id: id, createdAt: createdAt, expiresAt: expiresAt, usesLeft: usesLeft, labels: parsed, createdBy: createdBy)
    }
}

extension JoinTokenRecord {
    /// A row read by another backend; `labels` is the JSON text as stored.
    package init(
        id: String, secretHash: String, createdAt: Date, expiresAt: Date, usesLeft: Int, labels: String, createdBy: String?
    ) {
        self.id = id
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usesLeft = usesLeft
        self.labels = labels
        self.createdBy = createdBy
    }
}
