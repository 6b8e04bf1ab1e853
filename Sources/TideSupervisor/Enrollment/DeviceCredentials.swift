import Foundation
import NIOSSL
import TideTLS
import Synchronization
import X509

/// An enrolled device's certificate, its key (made here, never sent anywhere) and the fleet CA,
/// kept in `<data-dir>/tls/` (the key 0600).
public struct DeviceCredentials: Sendable {
    public let certificatePEM: String
    public let keyPEM: String
    public let caPEM: String
    public let tls: TLSCredentials
    public let notValidBefore: Date
    public let notValidAfter: Date

    public init(certificatePEM: String, keyPEM: String, caPEM: String) throws(SupervisorError) {
        do {
            tls = try TLSCredentials(certificatePEM: certificatePEM, keyPEM: keyPEM, trustPEM: caPEM)
            let certificate = try Certificate(pemEncoded: certificatePEM)
            notValidBefore = certificate.notValidBefore
            notValidAfter = certificate.notValidAfter
        } catch {
            throw .badRequest("the device's certificate files cannot be used: \(error)")
        }
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
        self.caPEM = caPEM
    }

    /// When to renew: once two thirds of the certificate's life have passed.
    public var renewAt: Date { notValidBefore.addingTimeInterval(notValidAfter.timeIntervalSince(notValidBefore) * 2 / 3) }

    static func paths(_ directory: DataDirectory) -> (certificate: String, key: String, ca: String) {
        (directory.tlsRoot + "/device.pem", directory.tlsRoot + "/device.key", directory.tlsRoot + "/ca.pem")
    }

    /// nil when the device has not enrolled.
    static func load(from directory: DataDirectory) throws(SupervisorError) -> DeviceCredentials? {
        let paths = paths(directory)
        guard FileManager.default.fileExists(atPath: paths.certificate) else { return nil }
        do {
            return try DeviceCredentials(
                certificatePEM: String(contentsOfFile: paths.certificate, encoding: .utf8),
                keyPEM: String(contentsOfFile: paths.key, encoding: .utf8),
                caPEM: String(contentsOfFile: paths.ca, encoding: .utf8))
        } catch let error as SupervisorError {
            throw error
        } catch {
            throw .internalFailure("cannot read the device's certificate files in \(directory.tlsRoot): \(error.localizedDescription)")
        }
    }

    /// Writes key, CA and certificate, each through a temporary file and a rename; the
    /// certificate last, since its presence means "enrolled".
    func save(to directory: DataDirectory) throws(SupervisorError) {
        try DataDirectory.create(directory.tlsRoot)
        let paths = Self.paths(directory)
        do {
            try PEMFiles.write(keyPEM, to: paths.key, secret: true)
            try PEMFiles.write(caPEM, to: paths.ca, secret: false)
            try PEMFiles.write(certificatePEM, to: paths.certificate, secret: false)
        } catch {
            throw .internalFailure(error.message)
        }
    }
}

/// The credentials in use, swapped when the certificate is renewed: new TLS connections (served
/// and made) use the new certificate, open ones keep theirs.
final class CredentialHolder: Sendable {
    /// The client configuration is made once per certificate: equal configurations share the
    /// HTTP client's kept-alive connections, so heartbeats do not shake hands each time.
    private let current: Mutex<(credentials: DeviceCredentials, client: TLSConfiguration)>

    init(_ credentials: DeviceCredentials) { current = Mutex((credentials, credentials.tls.clientConfiguration())) }

    var credentials: DeviceCredentials { current.withLock { $0.credentials } }

    /// Shows the current certificate; trusts only the fleet CA.
    var clientConfiguration: TLSConfiguration { current.withLock { $0.client } }

    func replace(with credentials: DeviceCredentials) {
        current.withLock { $0 = (credentials, credentials.tls.clientConfiguration()) }
    }

    /// Serves the current certificate on each new connection; a client certificate, when shown,
    /// must chain to the fleet CA.
    func serverConfiguration() -> TLSConfiguration {
        var configuration = credentials.tls.serverConfiguration()
        configuration.sslContextCallback = { [self] _, promise in
            let now = credentials.tls
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = now.certificateChain.map { .certificate($0) }
            override.privateKey = .privateKey(now.privateKey)
            promise.succeed(override)
        }
        return configuration
    }
}
