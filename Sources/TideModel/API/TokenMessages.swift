import Foundation

/// What an operator token may do. Each role includes the ones before it.
public enum OperatorRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Reads: lists, details, events, dry-run plans and resolutions.
    case viewer
    /// Deployments and runs, and everything a viewer may do.
    case deployer
    /// Everything: publishing, devices, tokens.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .deployer: 1
        case .admin: 2
        }
    }

    public static func < (lhs: OperatorRole, rhs: OperatorRole) -> Bool { lhs.rank < rhs.rank }
}

/// An operator token as the API shows it: never its secret, which only its creation answers.
public struct APIToken: Sendable, Codable, Equatable {
    public var id: String
    public var name: String
    public var role: OperatorRole
    public var createdAt: Date
    /// The token that created it; nil for the server's own `operator.token`.
    public var createdBy: String?
    /// The server's own `<data-dir>/operator.token`, rotated by replacing that file.
    public var bootstrap: Bool

    public init(id: String, name: String, role: OperatorRole, createdAt: Date, createdBy: String?, bootstrap: Bool) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.bootstrap = bootstrap
    }

    /// `name (id, role)`, as events and errors name a token.
    public var label: String { "\(name) (\(id), \(role.rawValue))" }
}

public struct CreateTokenRequest: Sendable, Codable, Equatable {
    public var name: String
    public var role: OperatorRole

    public init(name: String, role: OperatorRole) {
        self.name = name
        self.role = role
    }
}

/// The answer to creating a token: the only time its secret is shown.
public struct CreatedToken: Sendable, Codable, Equatable {
    public var token: APIToken
    public var secret: String

    public init(token: APIToken, secret: String) {
        self.token = token
        self.secret = secret
    }
}

public struct TokenList: Sendable, Codable, Equatable {
    public var tokens: [APIToken]

    public init(tokens: [APIToken]) { self.tokens = tokens }
}

/// One call that changed something (or tried to), and the token that made it.
public struct AuditEntry: Sendable, Codable, Equatable {
    public var id: Int64
    public var time: Date
    public var token: String
    public var name: String
    public var role: OperatorRole
    public var method: String
    public var path: String
    public var status: Int

    public init(
        id: Int64, time: Date, token: String, name: String, role: OperatorRole, method: String, path: String, status: Int
    ) {
        self.id = id
        self.time = time
        self.token = token
        self.name = name
        self.role = role
        self.method = method
        self.path = path
        self.status = status
    }
}

/// Audit entries after a cursor, oldest first; `cursor` is the id to ask after next.
public struct AuditPage: Sendable, Codable, Equatable {
    public var entries: [AuditEntry]
    public var cursor: Int64

    public init(entries: [AuditEntry], cursor: Int64) {
        self.entries = entries
        self.cursor = cursor
    }
}
