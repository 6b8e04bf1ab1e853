import Foundation
import NIOSSL
import PostgresNIO
import TideStore

/// Where a PostgreSQL datastore is: `postgres://user:password@host:port/database` (also
/// `postgresql://`), with an optional `?sslmode=disable|prefer|require` (default `prefer`).
/// User and password may be percent-encoded. `description` never shows the password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it (verified like `require` when used), else plain TCP.
        case prefer
        /// TLS with the server's certificate verified against the system's roots.
        case require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    static let expectedForm = "expected postgres://user:password@host:port/database[?sslmode=disable|prefer|require]"

    public init(host: String, port: Int = 5432, username: String, password: String?, database: String, tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Parses `text`. A malformed URL is `.cannotOpen` with what is wrong; the text itself is never
    /// repeated, since it may hold a password.
    public init(_ text: String) throws(StoreError) {
        func malformed(_ problem: String) -> StoreError {
            .cannotOpen(path: "the PostgreSQL datastore URL", reason: "\(problem); \(Self.expectedForm)")
        }
        guard let components = URLComponents(string: text) else { throw malformed("it is not a URL") }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql" else {
            throw malformed("its scheme is not postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else { throw malformed("it names no host") }
        guard let user = components.user, !user.isEmpty else { throw malformed("it names no user") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw malformed("it names no database (the path after the port)") }
        if let port = components.port, !(1...65_535).contains(port) { throw malformed("its port is not 1-65535") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode" else { throw malformed("it has an unknown parameter \"\(item.name)\" (only sslmode is read)") }
            guard let value = item.value, let mode = TLSMode(rawValue: value) else {
                throw malformed("sslmode must be disable, prefer or require")
            }
            tls = mode
        }
        self.init(
            host: host, port: components.port ?? 5432, username: user, password: components.password,
            database: database.removingPercentEncoding ?? database, tls: tls)
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL with the password replaced by `***`: safe for logs and errors.
    public var description: String {
        let secret = password == nil ? "" : ":***"
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(username)\(secret)@\(bracketed):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }

    /// The pool configuration for this URL.
    public var clientConfiguration: PostgresClient.Configuration {
        let clientTLS: PostgresClient.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(.makeClientConfiguration())
            case .require: .require(.makeClientConfiguration())
            }
        return PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: clientTLS)
    }
}
