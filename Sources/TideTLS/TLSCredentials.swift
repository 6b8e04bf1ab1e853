import Foundation
import NIOCore
import NIOSSL

/// What one side of a fleet connection presents and trusts: its certificate chain and key, and
/// the CA certificates its peers' certificates must chain to.
public struct TLSCredentials: Sendable {
    public let certificateChain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey
    public let trustRoots: [NIOSSLCertificate]

    public init(certificatePEM: String, keyPEM: String, trustPEM: String) throws(TLSError) {
        do {
            certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
        } catch {
            throw TLSError("the certificate is not PEM: \(error)")
        }
        do {
            privateKey = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw TLSError("the private key is not PEM (an unencrypted key is needed): \(error)")
        }
        do {
            trustRoots = try NIOSSLCertificate.fromPEMBytes(Array(trustPEM.utf8))
        } catch {
            throw TLSError("the CA certificate is not PEM: \(error)")
        }
        guard !certificateChain.isEmpty else { throw TLSError("the certificate file holds no certificate") }
        guard !trustRoots.isEmpty else { throw TLSError("the CA file holds no certificate") }
    }

    /// Reads the three PEM files.
    public init(certificateFile: String, keyFile: String, trustFile: String) throws(TLSError) {
        try self.init(
            certificatePEM: try PEMFiles.read(certificateFile, what: "certificate"),
            keyPEM: try PEMFiles.read(keyFile, what: "private key"),
            trustPEM: try PEMFiles.read(trustFile, what: "CA certificate"))
    }

    /// How long a server closing a connection waits for the client's close_notify. NIOSSL's 5 s
    /// default held up every graceful shutdown by 5 s while an idle keep-alive client (a pooled
    /// HTTP client) did not answer.
    public static let serverShutdownTimeout: TimeAmount = .milliseconds(500)

    /// For a server that asks every client for a certificate but lets clients without one in
    /// (operators authenticate with tokens); a certificate that is offered must chain to the CA.
    public func serverConfiguration(requireClientCertificate: Bool = false) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.trustRoots = .certificates(trustRoots)
        configuration.certificateVerification = requireClientCertificate ? .noHostnameVerification : .optionalVerification
        configuration.minimumTLSVersion = .tlsv12
        configuration.shutdownTimeout = Self.serverShutdownTimeout
        return configuration
    }

    /// For a client that shows its certificate and trusts only the fleet CA. Fleet certificates
    /// name a role and an id, not an address, so host names are not checked.
    public func clientConfiguration() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateChain = certificateChain.map { .certificate($0) }
        configuration.privateKey = .privateKey(privateKey)
        configuration.trustRoots = .certificates(trustRoots)
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = .tlsv12
        return configuration
    }

    /// For a client with no certificate of its own that trusts `trustPEM`. Supervisors leave
    /// host names unchecked (`checkHostname: false`): they may reach the server by an address its
    /// certificate does not name; the chain is what they check.
    public static func trustingClientConfiguration(trustPEM: String, checkHostname: Bool = true) throws(TLSError)
        -> TLSConfiguration
    {
        let roots: [NIOSSLCertificate]
        do {
            roots = try NIOSSLCertificate.fromPEMBytes(Array(trustPEM.utf8))
        } catch {
            throw TLSError("the CA certificate is not PEM: \(error)")
        }
        guard !roots.isEmpty else { throw TLSError("the CA file holds no certificate") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(roots)
        configuration.minimumTLSVersion = .tlsv12
        if !checkHostname { configuration.certificateVerification = .noHostnameVerification }
        return configuration
    }

    /// The same, reading the CA certificate from `trustFile`; errors name the file.
    public static func trustingClientConfiguration(trustFile: String, checkHostname: Bool = true) throws(TLSError)
        -> TLSConfiguration
    {
        do {
            return try trustingClientConfiguration(
                trustPEM: try PEMFiles.read(trustFile, what: "CA certificate"), checkHostname: checkHostname)
        } catch {
            throw error.message.contains(trustFile) ? error : TLSError("\(trustFile): \(error.message)")
        }
    }
}
