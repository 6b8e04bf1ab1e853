import Logging
import NIOSSL
import PostgresNIO
import TideStore

extension PostgresURL {
    /// The settings of a single connection outside a pool (the connection check, admin work).
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let connectionTLS: PostgresConnection.Configuration.TLS =
            switch tls {
            case .disable: .disable
            case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
        return PostgresConnection.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: connectionTLS)
    }
}

extension PostgresFleetStore {
    /// Opens one connection outside the pool and closes it: a wrong host, port, password or
    /// database is `.cannotOpen` within the connect timeout (10 s), where the pool would keep
    /// retrying a lease for a minute and more.
    func checkConnection() async throws(StoreError) {
        do {
            let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw .cannotOpen(path: url.description, reason: "cannot connect: \(PostgresFailure.reason(error))")
        }
    }
}
